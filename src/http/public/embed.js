// Puts the Switchboard chat on any page, in an iframe served by Switchboard:
//   <script src="https://chat.example.com/embed.js" data-queue="it-support" async></script>
// Optional: data-title, data-width, data-height (CSS lengths), data-target (a CSS selector
// of the element to put the chat in; by default it goes right after this script).
// The embedding site's origin must be in ALLOWED_ORIGINS (it becomes a frame-ancestor).
// Verified users and context (README "Verified end users", "Context"): set, before this script,
//   window.switchboard = { user: { id, name, email, hash }, attributes: { plan: "Pro" } };
// where hash is hex(HMAC-SHA256(IDENTITY_SECRET, user.id)), computed by the site's server.
// They reach the chat by postMessage (never in its URL), with this page's address and referrer.
(() => {
  const me = document.currentScript;
  if (!me?.src) return;
  const page = new URL('./', me.src);
  page.searchParams.set('embed', '1');
  if (me.dataset.queue) page.searchParams.set('queue', me.dataset.queue);

  const frame = document.createElement('iframe');
  frame.src = page.href;
  frame.title = me.dataset.title || 'Chat with support';
  frame.className = 'switchboard-chat';
  // Property assignments, not a style attribute: allowed under the host page's CSP too.
  frame.style.width = me.dataset.width || '380px';
  frame.style.height = me.dataset.height || '560px';
  frame.style.border = '0';
  frame.style.maxWidth = '100%';

  const options = window.switchboard && typeof window.switchboard === 'object' ? window.switchboard : {};
  frame.addEventListener('load', () => {
    frame.contentWindow?.postMessage(
      {
        switchboard: {
          pageUrl: location.href,
          referrer: document.referrer || undefined,
          ...(options.user ? { user: options.user } : {}),
          ...(options.attributes ? { attributes: options.attributes } : {}),
        },
      },
      page.origin,
    );
  });

  const target = me.dataset.target ? document.querySelector(me.dataset.target) : null;
  if (target) target.append(frame);
  else me.after(frame);
})();
