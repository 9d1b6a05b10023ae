import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { home, message } from '../../adapters/slack/render/blockKit.js';
import { card } from '../../adapters/teams/render/adaptiveCard.js';
import { streamBeat } from '../../src/app/endUsers/continuation.js';
import { checkIdentity, hashMatches, identityHash } from '../../src/app/endUsers/identity.js';
import { homeSurface } from '../../src/app/surfaces/home.js';
import { rootSurface } from '../../src/app/surfaces/root.js';
import { listingsOf } from '../../src/domain/lists.js';
import { mayAccept, mayCloseOffline } from '../../src/domain/policy.js';
import { ContextSchema, type Session } from '../../src/domain/session.js';
import { loadEnv } from '../../src/main/config.js';
import { limitViolations } from '../support/blockKitLimits.js';
import { alice, carol, carolHome, directory, sessionView, T0, waitingView } from '../support/fixtures.js';

const A = 'secret-a-0123456789abcdef';
const B = 'secret-b-0123456789abcdef';

describe('identity hashes', () => {
  it('is hex HMAC-SHA256 of the id, as a host site computes it', () => {
    expect(identityHash(A, 'emp-42')).toBe(createHmac('sha256', A).update('emp-42').digest('hex'));
  });

  it('accepts the current and the previous secret, in either case of hex, and nothing else', () => {
    const id = 'émilie@corp';
    expect(hashMatches([A, B], id, identityHash(A, id))).toBe(true);
    expect(hashMatches([A, B], id, identityHash(B, id).toUpperCase())).toBe(true);
    expect(hashMatches([A], id, identityHash(B, id))).toBe(false);
    expect(hashMatches([A, B], id, identityHash(A, 'someone-else'))).toBe(false);
    expect(hashMatches([A, B], id, identityHash(A, id).slice(0, 63))).toBe(false);
    expect(hashMatches([], id, identityHash(A, id))).toBe(false);
  });

  it('verified with a good hash; 401 for a bad one, an id alone, a hash alone, or no secret; REQUIRE_IDENTITY refuses none', () => {
    const s = { secrets: [A], required: false };
    expect(checkIdentity(s, { id: 'u', hash: identityHash(A, 'u') })).toEqual({ verified: true });
    expect(checkIdentity(s, {})).toEqual({ verified: false });
    for (const u of [{ id: 'u', hash: identityHash(B, 'u') }, { id: 'u' }, { hash: identityHash(A, 'u') }]) {
      expect(() => checkIdentity(s, u)).toThrow(expect.objectContaining({ code: 'unauthorized', status: 401 }));
    }
    expect(() => checkIdentity({ secrets: [], required: false }, { id: 'u', hash: identityHash(A, 'u') })).toThrow(
      expect.objectContaining({ status: 401 }),
    );
    expect(() => checkIdentity({ secrets: [A], required: true }, {})).toThrow(expect.objectContaining({ status: 401 }));
  });

  it('the environment: secrets at least 16 characters, REQUIRE_IDENTITY and the previous secret need the current one', () => {
    expect(() => loadEnv({ IDENTITY_SECRET: 'short' })).toThrow(/IDENTITY_SECRET: at least 16/);
    expect(() => loadEnv({ REQUIRE_IDENTITY: 'true' })).toThrow(/IDENTITY_SECRET: required with REQUIRE_IDENTITY/);
    expect(() => loadEnv({ IDENTITY_SECRET_PREVIOUS: B })).toThrow(
      /IDENTITY_SECRET: required with IDENTITY_SECRET_PREVIOUS/,
    );
    expect(() => loadEnv({ SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL/);
    const env = loadEnv({ IDENTITY_SECRET: A, REQUIRE_IDENTITY: 'true', SMTP_URL: 'smtp://127.0.0.1:2525' });
    expect(env).toMatchObject({ REQUIRE_IDENTITY: true, EMAIL_AFTER_SECONDS: 120 });
  });
});

describe('context limits', () => {
  it('takes up to 20 attributes of 200 characters under simple keys, and http(s) URLs only', () => {
    expect(
      ContextSchema.safeParse({
        pageUrl: 'https://a.example/x?y=1',
        referrer: 'http://b.example/',
        attributes: { 'a.b_c-D9': 'x'.repeat(200) },
      }).success,
    ).toBe(true);
    expect(
      ContextSchema.safeParse({ attributes: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, ''])) })
        .success,
    ).toBe(false);
    for (const bad of [
      { attributes: { 'a b': 'x' } },
      { attributes: { ['k'.repeat(41)]: 'x' } },
      { attributes: { k: 'x'.repeat(201) } },
      { pageUrl: 'javascript:alert(1)' },
      { pageUrl: 'data:text/html,hi' },
      { referrer: 'ftp://x.example/' },
    ]) {
      expect(ContextSchema.safeParse(bad).success, JSON.stringify(bad).slice(0, 60)).toBe(false);
    }
  });
});

const offline: Session = {
  id: 'sess_OFFLINE0000',
  ref: 'OFF123',
  queueId: 'it-support',
  status: 'offline',
  offline: true,
  endUser: { name: 'Olga', email: 'olga@example.com' },
  createdAt: T0,
};

describe('offline messages in the domain', () => {
  it("are listed apart (the queue's offline list), not as waiting chats", () => {
    expect(listingsOf(offline, [], [])).toEqual([{ list: 'offline', of: 'it-support', item: offline.id, score: T0 }]);
  });

  it('any agent of the queue replies (away or not) or closes; others may not', () => {
    expect(mayAccept(offline, alice, false)).toEqual({ ok: true });
    const hrOnly = { ...alice, queues: ['hr'] };
    expect(mayAccept(offline, hrOnly, true)).toMatchObject({ ok: false, code: 'other_queue' });
    expect(mayCloseOffline(offline, carol)).toEqual({ ok: true });
    expect(mayCloseOffline(offline, hrOnly)).toMatchObject({ ok: false, code: 'other_queue' });
    expect(mayCloseOffline({ ...offline, status: 'active' }, carol)).toMatchObject({ ok: false, code: 'not_offline' });
  });
});

describe('the root card and lists', () => {
  const queue = { ...directory.queue('it-support')!, context: ['plan', 'account'] };
  const verified = sessionView({
    queue,
    session: {
      ...waitingView.session,
      verified: true,
      endUser: { name: 'Jane', email: 'jane@example.com', id: 'emp-<42>' },
      context: {
        pageUrl: 'https://x.example/a?b=1&c=<2>',
        attributes: { plan: '<!here> *Pro*', account: 'A&B', other: 'hidden' },
      },
    },
  });

  it('Slack: the verified mark with the id, the page as a link, the listed attributes, all escaped', () => {
    const out = JSON.stringify(message(rootSurface(verified, { shared: true })).blocks);
    expect(out).toContain('✔ verified: emp-&lt;42&gt;');
    expect(out).toContain('&lt;!here&gt; *Pro*');
    expect(out).toContain('A&amp;B');
    expect(out).not.toContain('<!here>');
    expect(out).not.toContain('hidden');
    expect(out).toMatch(/<https:\/\/x\.example\/a\?b=1&c=%3C2%3E\|/);
  });

  it('Teams: the same facts, escaped for its markdown', () => {
    const out = JSON.stringify(card(rootSurface(verified, { shared: true })));
    expect(out).toContain('"title":"Identity","value":"✔ verified: emp-&lt;42&gt;"');
    expect(out).toContain(String.raw`"title":"plan","value":"&lt;!here&gt; \\*Pro\\*"`);
    expect(out).toContain('"title":"account","value":"A&amp;B"');
    expect(out).not.toContain('hidden');
  });

  it('an unverified chat says so only where identities are checked', () => {
    expect(
      JSON.stringify(
        rootSurface(sessionView({ session: { ...waitingView.session, verified: false } }), { shared: true }),
      ),
    ).toContain('unverified');
    expect(JSON.stringify(rootSurface(waitingView, { shared: true }))).not.toContain('verified');
  });

  it("an offline message: its own title, Reply and Close; supervisors see such messages apart, within Slack's limits", () => {
    const view = sessionView({ session: offline });
    const root = rootSurface(view, { shared: true });
    expect(JSON.stringify(root.blocks[0])).toContain('Offline message from');
    expect(root.blocks.flatMap((b) => (b.type === 'actions' ? b.actions.map((a) => a.call.verb) : []))).toEqual([
      'accept',
      'end',
    ]);
    const s = homeSurface({ ...carolHome, offline: [view] });
    const slackHome = home(s);
    expect(limitViolations(slackHome, 'view')).toEqual([]);
    const text = JSON.stringify(slackHome);
    expect(text).toContain('Offline messages (1)');
    expect(text.indexOf('Offline messages (1)')).toBeGreaterThan(text.indexOf('Waiting ('));
    expect(JSON.stringify(card(s))).toContain('Offline messages (1)');
  });

  it('an open event stream says it is there well inside EMAIL_AFTER_SECONDS', () => {
    expect(streamBeat(120_000)).toBe(30_000);
    expect(streamBeat(600_000)).toBe(30_000);
    expect(streamBeat(1_000)).toBe(333);
    expect(streamBeat(30)).toBe(250);
  });
});
