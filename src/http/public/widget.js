// The end-user chat page. Text is always set with textContent: nothing from the server is parsed as HTML.
const $ = (id) => document.getElementById(id);
const api = (path, init = {}) =>
  fetch(`api/v1${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(state.token ? { authorization: `Bearer ${state.token}` } : {}),
      ...init.headers,
    },
  });
// Browsers that block third-party storage refuse sessionStorage to an embedded chat: there the
// chat still works, it just does not survive a reload of the page.
const storage = (() => {
  try {
    window.sessionStorage.getItem('switchboard');
    return window.sessionStorage;
  } catch {
    return undefined;
  }
})();
const state = JSON.parse(storage?.getItem('switchboard') ?? 'null') ?? {};
const shown = new Map();
// Whether the chosen topic takes offline messages now (the form leaves a message instead).
let offlineMode = false;

function render(e) {
  // Where a waiting chat stands (a status without an id): the status line says it, nothing is added.
  if (e.kind === 'status' && !e.id) return showStanding(e);
  if (e.kind === 'edit' || e.kind === 'delete') {
    const li = shown.get(e.targetId);
    if (li) li.querySelector('.text').textContent = e.kind === 'edit' ? e.text : '(message deleted)';
    return;
  }
  if (shown.has(e.id)) return;
  const li = document.createElement('li');
  const text = document.createElement('span');
  text.className = 'text';
  if (e.kind === 'message') {
    li.className = e.author;
    if (e.author === 'agent' && e.name) {
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = e.name;
      li.append(name);
    }
    // A file's name alone is not said twice.
    text.textContent = e.file && e.text === e.file.name ? '' : e.text;
    if (e.file) {
      // The download is served by Switchboard and opens with this chat's token only.
      const a = document.createElement('a');
      a.href = `api/v1/sessions/${encodeURIComponent(state.id)}/${e.file.url}?token=${encodeURIComponent(state.token)}`;
      a.className = 'file';
      a.rel = 'noopener';
      if (/^image\/(png|jpeg|gif|webp)$/.test(e.file.type ?? '')) {
        const img = document.createElement('img');
        img.className = 'thumb';
        img.src = a.href;
        img.alt = e.file.name;
        a.append(img);
      }
      const name = document.createElement('span');
      name.textContent = `📎 ${e.file.name}`;
      a.append(name);
      li.append(a);
    }
  } else if (e.kind === 'status') {
    setStatus(e.status);
    // "Active" is told by the agent's own "joined" line.
    if (e.status === 'active') return;
    li.className = 'system';
    text.textContent = {
      waiting: 'Waiting for an agent…',
      ended: 'The chat has ended.',
      offline: 'Your message was left. The answer will appear here and reach you by email.',
    }[e.status];
  } else if (e.kind === 'participant') {
    li.className = 'system';
    text.textContent = `${e.name} ${e.action === 'joined' ? 'joined' : 'left'} the chat.`;
  }
  li.append(text);
  shown.set(e.id, li);
  $('messages').append(li);
  li.scrollIntoView({ block: 'end' });
}

// "#2 in line · about 3 min": told when the chat opens and each time someone ahead is taken.
function showStanding(s) {
  if (!s.queuePosition) return;
  const wait = s.estimatedWaitSeconds;
  const about = wait === undefined ? '' : wait < 60 ? ' · less than a minute' : ` · about ${Math.round(wait / 60)} min`;
  $('status').textContent = `Waiting for an agent · #${s.queuePosition} in line${about}`;
}

function setStatus(status) {
  $('status').textContent =
    {
      waiting: 'Waiting for an agent',
      active: 'Connected to an agent',
      ended: 'Chat ended',
      offline: 'Message left · we will answer by email',
    }[status] ?? status;
  $('compose').hidden = status === 'ended';
  $('end').hidden = status === 'ended';
  if (status === 'ended') showAfter();
}

// Once the chat has ended: a rating (once), and the transcript to keep (served with this chat's token only).
function showAfter(rating) {
  $('after').hidden = false;
  $('download').href =
    `api/v1/sessions/${encodeURIComponent(state.id)}/transcript?format=text&token=${encodeURIComponent(state.token)}`;
  if (rating) showRated();
}

function showRated() {
  $('rate').hidden = true;
  $('rated').hidden = false;
}

function connect() {
  $('start').hidden = true;
  $('conversation').hidden = false;
  const es = new EventSource(`api/v1/sessions/${state.id}/events?token=${encodeURIComponent(state.token)}`);
  for (const type of ['message', 'status', 'participant'])
    es.addEventListener(type, (ev) => render(JSON.parse(ev.data)));
  es.onerror = () => {
    $('status').textContent = 'Reconnecting…';
  };
  es.onopen = () =>
    api(`/sessions/${state.id}`)
      .then((r) => r.json())
      .then((b) => {
        if (!b.session) return;
        setStatus(b.session.status);
        if (b.session.status === 'waiting') showStanding(b.session);
        if (b.session.status === 'ended') showAfter(b.session.rating);
      });
}

// ?queue=<id> (embed.js sets it) picks the topic and hides the choice; ?embed=1 drops the page margins.
const params = new URLSearchParams(location.search);
if (params.get('embed') === '1') document.documentElement.classList.add('embedded');

// A closed queue (business hours) shows its message and when it opens instead of the form; one
// that takes offline messages (closed, or nobody there) offers "Leave a message" with its closed text.
function showHours(q) {
  const offline = Boolean(q?.offline);
  const closed = Boolean(q && !q.open) && !offline;
  offlineMode = offline;
  $('closed').hidden = !closed && !offline;
  $('start-fields').hidden = closed;
  $('start').name.required = !closed;
  $('start').email.required = offline;
  $('start').text.required = offline;
  $('email-label').textContent = offline ? 'Email (for the answer)' : 'Email (optional)';
  $('start-button').textContent = offline ? 'Leave a message' : 'Start chat';
  $('offline-hint').hidden = !offline;
  if (!closed && !offline) return;
  $('closed-message').textContent =
    q.closedMessage ?? (offline ? 'Nobody is here right now.' : 'This topic is closed right now.');
  $('opens').hidden = !q.opensAt || q.open;
  if (q.opensAt) {
    $('opens-at').dateTime = q.opensAt;
    $('opens-at').textContent = new Date(q.opensAt).toLocaleString([], {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: '2-digit',
      minute: '2-digit',
    });
  }
}

async function loadQueues() {
  const r = await fetch('api/v1/queues');
  const { queues } = await r.json();
  const select = $('start').queue;
  for (const q of queues) {
    const o = document.createElement('option');
    o.value = q.id;
    o.textContent = q.open ? q.name : `${q.name} (closed)`;
    select.append(o);
  }
  const wanted = params.get('queue');
  if (wanted && queues.some((q) => q.id === wanted)) {
    select.value = wanted;
    select.closest('label').hidden = true;
  }
  const current = () => queues.find((q) => q.id === select.value);
  select.addEventListener('change', () => showHours(current()));
  showHours(current());
}

// What the host site told the embedded chat (embed.js): the signed user and its attributes, and
// the page the chat is on. A chat opened on its own knows only the page that linked to it.
const host = { user: undefined, attributes: undefined, pageUrl: undefined, referrer: undefined };
const webUrl = (u) => (typeof u === 'string' && /^https?:\/\//i.test(u) && u.length <= 2000 ? u : undefined);
host.pageUrl = webUrl(document.referrer);

function context() {
  const c = {};
  if (host.pageUrl) c.pageUrl = host.pageUrl;
  if (host.referrer) c.referrer = host.referrer;
  if (host.attributes && typeof host.attributes === 'object') c.attributes = host.attributes;
  return Object.keys(c).length ? c : undefined;
}

function adopt(b) {
  Object.assign(state, { id: b.session.id, token: b.token });
  storage?.setItem('switchboard', JSON.stringify(state));
  connect();
}

// A verified user (the host site signed their id): their open chat comes back, from any device.
async function verifiedMode(user) {
  const f = $('start');
  f.name.value = user.name ?? '';
  if (user.email) f.email.value = user.email;
  $('name-field').hidden = Boolean(user.name);
  $('email-field').hidden = Boolean(user.email);
  if (state.id && state.token) return;
  const r = await api('/sessions/resume', {
    method: 'POST',
    body: JSON.stringify({ user: { id: user.id, hash: user.hash } }),
  });
  if (r.ok) adopt(await r.json());
}

async function resumeAgain() {
  if (!host.user?.id || !host.user?.hash) return false;
  const r = await api('/sessions/resume', {
    method: 'POST',
    body: JSON.stringify({ user: { id: host.user.id, hash: host.user.hash } }),
  });
  if (!r.ok) return false;
  const b = await r.json();
  if (b.session.id !== state.id) return false;
  state.token = b.token;
  storage?.setItem('switchboard', JSON.stringify(state));
  return true;
}

window.addEventListener('message', (ev) => {
  // Only the page the chat is embedded in (frame-ancestors lets only ALLOWED_ORIGINS embed it).
  if (ev.source !== window.parent || window.parent === window) return;
  const d = ev.data?.switchboard;
  if (!d || typeof d !== 'object') return;
  host.pageUrl = webUrl(d.pageUrl) ?? host.pageUrl;
  host.referrer = webUrl(d.referrer);
  if (d.attributes && typeof d.attributes === 'object') host.attributes = d.attributes;
  if (d.user && typeof d.user === 'object') {
    host.user = d.user;
    if (d.user.id && d.user.hash) verifiedMode(d.user);
  }
});

$('start').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const user = { name: f.name.value };
  if (f.email.value) user.email = f.email.value;
  if (host.user?.id && host.user?.hash) Object.assign(user, { id: host.user.id, hash: host.user.hash });
  const ctx = context();
  const body = {
    queue: f.queue.value,
    user,
    ...(f.text.value.trim() ? { text: f.text.value } : {}),
    ...(ctx ? { context: ctx } : {}),
    ...(offlineMode ? { offline: true } : {}),
  };
  const r = await api('/sessions', { method: 'POST', body: JSON.stringify(body) });
  const b = await r.json();
  if (!r.ok) {
    $('start-error').textContent = b.error?.message ?? 'Could not start the chat.';
    return;
  }
  adopt(b);
});

$('compose').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = ev.target.text;
  const text = input.value;
  if (!text.trim()) return;
  input.value = '';
  // One id for both tries: the server stores the message once.
  const id = crypto.randomUUID();
  const send = () =>
    api(`/sessions/${state.id}/messages`, { method: 'POST', body: JSON.stringify({ text, clientMessageId: id }) });
  let r = await send();
  // The verified user resumed this chat elsewhere (a new token): this page takes it back, and sends.
  if (r.status === 403 && (await resumeAgain())) r = await send();
  if (!r.ok) {
    input.value = text;
    $('status').textContent = (await r.json()).error?.message ?? 'Not sent';
  }
});

$('attach').addEventListener('change', async (ev) => {
  const file = ev.target.files[0];
  ev.target.value = '';
  if (!file) return;
  const form = new FormData();
  form.append('file', file, file.name);
  // Not through api(): the browser sets the multipart Content-Type with its boundary.
  const r = await fetch(`api/v1/sessions/${state.id}/files`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${state.token}` },
  });
  if (!r.ok) $('status').textContent = (await r.json().catch(() => ({}))).error?.message ?? 'The file was not sent.';
});

$('rate').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const body = { score: Number(f.score.value), ...(f.comment.value.trim() ? { comment: f.comment.value } : {}) };
  const r = await api(`/sessions/${state.id}/rating`, { method: 'POST', body: JSON.stringify(body) });
  // Rated already (another tab): thanked all the same.
  if (r.ok || r.status === 409) return showRated();
  $('rate-error').textContent = (await r.json().catch(() => ({}))).error?.message ?? 'The rating was not sent.';
});

$('end').addEventListener('click', async () => {
  await api(`/sessions/${state.id}/end`, { method: 'POST' });
  storage?.removeItem('switchboard');
});

// The link of a continuation email (?chat=&sig=): that chat opens here with a token of its own.
async function continueFromLink() {
  const chat = params.get('chat');
  const sig = params.get('sig');
  if (!chat || !sig) return false;
  // The signature leaves the address bar (and the history) at once.
  history.replaceState(null, '', location.pathname + (params.get('embed') ? '?embed=1' : ''));
  const r = await api(`/sessions/${encodeURIComponent(chat)}/continue`, {
    method: 'POST',
    body: JSON.stringify({ sig }),
  });
  const b = await r.json().catch(() => ({}));
  if (!r.ok) {
    $('start-error').textContent = b.error?.message ?? 'This link does not open a chat.';
    return true;
  }
  adopt(b);
  return true;
}

loadQueues();
continueFromLink().then((linked) => {
  if (!linked && state.id && state.token) connect();
});
