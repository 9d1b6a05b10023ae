import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCall } from '../support/fakeSlack.js';
import { json, waitFor } from '../support/harness.js';
import { sentPayloadTypeErrors } from '../support/slackTypes.js';
import { type InstallWorld, redirect, startInstall, startInstallWorld } from './slackInstalls.js';

let w: InstallWorld | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

/** Two workspaces of one organisation, a queue in each; Carol supervises both from A, Bob works in B and helps in A. */
const TWO = `
queues:
  - { id: desk-a, name: Desk A, slack: { team: T0A, channel: C0A } }
  - { id: desk-b, name: Desk B, slack: { team: T0B, channel: C0B } }
agents:
  - { id: alice, firstName: Alice, lastName: Ames, email: alice@a.example, permissions: [ESChat_Agent], queues: [desk-a], slack: { userId: U0ALICE } }
  - { id: bob, firstName: Bob, lastName: Burns, email: bob@b.example, permissions: [ESChat_Agent], queues: [desk-b, desk-a], slack: { userId: U0BOB } }
  - { id: carol, firstName: Carol, lastName: Cole, email: carol@a.example, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [desk-a, desk-b], slack: { userId: U0CAROL, team: T0A } }
  - { id: dan, firstName: Dan, lastName: Dale, email: dan@b.example, permissions: [ESChat_Agent], queues: [desk-b] }
`;

const A = { team: 'T0A', enterprise: 'E0ORG', token: 'xoxb-team-a', botUserId: 'U0BOTA' };
const B = { team: 'T0B', enterprise: 'E0ORG', token: 'xoxb-team-b', botUserId: 'U0BOTB' };

/** An organisation installed org-wide, with a queue in each of two of its workspaces; Gina supervises both from one. */
const GRID = `
queues:
  - { id: grid-1, name: Grid one, slack: { team: T0G1, channel: C0G1 } }
  - { id: grid-2, name: Grid two, slack: { team: T0G2, channel: C0G2 } }
agents:
  - { id: gina, firstName: Gina, lastName: Grid, email: gina@org.example, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [grid-1, grid-2], slack: { userId: W0GINA, team: T0G1 } }
  - { id: hugo, firstName: Hugo, lastName: Grid, email: hugo@org.example, permissions: [ESChat_Agent], queues: [grid-2], slack: { userId: W0HUGO, team: T0G2 } }
`;
const ORG = { enterprise: 'E0ORG', orgWide: true, token: 'xoxb-org', botUserId: 'U0BOTORG', teams: ['T0G1', 'T0G2'] };

const startChat = async (queue: string, text: string) => {
  const r = await json(`${w!.h.url}/api/v1/sessions`, { method: 'POST', body: { queue, user: { name: 'Zed' }, text } });
  return { status: r.status, body: r.body, id: r.body.session?.id as string, token: r.body.token as string };
};
const rootIn = async (channel: string) => {
  await w!.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === channel && !c.args.thread_ts);
  return w!.fake.messages(channel).find((m) => !m.thread_ts)!.ts;
};
/** Every Web API call made in a channel, with the token it carried. */
const tokensIn = (channel: string) =>
  new Set(
    w!.fake
      .calls()
      .filter((c: FakeCall) => c.args.channel === channel || c.args.channel_id === channel)
      .map((c) => c.token),
  );

describe('Slack installs into several workspaces', () => {
  it("installs two workspaces from /slack/install; each chat, answer and worker delivery uses its own workspace's token", {
    timeout: 60_000,
  }, async () => {
    w = await startInstallWorld(TWO);
    const { fake, h } = w;
    fake.addUser({ id: 'U0DAN', email: 'dan@b.example', teamId: 'T0B' });
    expect((await w.install('code-a', A)).status).toBe(200);
    expect((await w.install('code-b', B)).status).toBe(200);
    // Exchanged once each, with the app's credentials; the bot tokens are sealed at rest.
    expect(fake.calls('oauth.v2.access').map((c) => c.args.code)).toEqual(['code-a', 'code-b']);
    const sealed = await h.service.redis.get(`${h.prefix}:slack:installation:T0A`);
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('xoxb-team-a');

    // A chat in each workspace: each root lands in its own channel.
    const ca = await startChat('desk-a', 'help in A');
    const cb = await startChat('desk-b', 'help in B');
    const [tsA, tsB] = await Promise.all([rootIn('C0A'), rootIn('C0B')]);
    // Each answer to an event goes with the event's workspace token: Alice takes A, Bob takes B.
    expect(
      (await w.from('T0A', 'E0ORG').click('U0ALICE', 'accept', { sessionId: ca.id }, { channel: 'C0A', ts: tsA }))
        .status,
    ).toBe(200);
    expect(
      (await w.from('T0B', 'E0ORG').click('U0BOB', 'accept', { sessionId: cb.id }, { channel: 'C0B', ts: tsB })).status,
    ).toBe(200);
    await fake.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.channel === 'C0A' &&
        c.args.ts === tsA &&
        JSON.stringify(c.args.blocks).includes('Alice'),
    );
    await fake.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.channel === 'C0B' &&
        c.args.ts === tsB &&
        JSON.stringify(c.args.blocks).includes('Bob'),
    );
    // Dan (found by email in B, with B's token) is no member of B's chat: his reply is answered privately, in B.
    await w.from('T0B', 'E0ORG').reply('U0DAN', 'C0B', tsB, 'can I see?').sent;
    const ephemeral = await fake.waitFor((c) => c.method === 'chat.postEphemeral' && c.args.user === 'U0DAN');
    expect(ephemeral.token).toBe(B.token);
    expect(
      fake
        .calls('users.info')
        .filter((c) => c.args.user === 'U0DAN')
        .map((c) => c.token),
    ).toEqual([B.token]);
    // The agents' replies reach their end users; the end users' lines reach each thread from the workers.
    await w.from('T0A', 'E0ORG').reply('U0ALICE', 'C0A', tsA, 'Hello from A').sent;
    await w.from('T0B', 'E0ORG').reply('U0BOB', 'C0B', tsB, 'Hello from B').sent;
    for (const c of [ca, cb]) {
      await waitFor(
        async () =>
          (
            (await json(`${h.url}/api/v1/sessions/${c.id}/messages`, { token: c.token })).body.messages as Array<{
              text?: string;
            }>
          ).some((m) => m.text?.startsWith('Hello from')),
        5000,
        'agent reply',
      );
      expect(
        (
          await json(`${h.url}/api/v1/sessions/${c.id}/messages`, {
            method: 'POST',
            token: c.token,
            body: { text: `thanks ${c.id}` },
          })
        ).status,
      ).toBe(202);
    }
    // (Generous waits: now and then a destination's new line waits for the engine's backstop sweep, 15 s.)
    await fake.waitFor(
      (c) => c.args.channel === 'C0A' && c.args.thread_ts === tsA && String(c.args.text).includes(`thanks ${ca.id}`),
      20_000,
    );
    await fake.waitFor(
      (c) => c.args.channel === 'C0B' && c.args.thread_ts === tsB && String(c.args.text).includes(`thanks ${cb.id}`),
      20_000,
    );
    // App Home per installation: Bob opens his in B.
    await w.from('T0B', 'E0ORG').event({ type: 'app_home_opened', user: 'U0BOB', tab: 'home', channel: 'D0BOB' });
    const home = await fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0BOB');
    expect(home.token).toBe(B.token);

    // A chat of A invites Bob, an agent of B in the same organisation: his card goes to B, with B's token.
    const cmd = await w.from('T0A', 'E0ORG').command('U0ALICE', '/chat', 'invite <@U0BOB|bob> monitor', 'C0A');
    expect(cmd.json.text).toMatch(/Invited Bob Burns/);
    const card = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'D0BOB');
    expect(card.token).toBe(B.token);

    // Every call in each channel carried that workspace's token, and only it.
    expect(tokensIn('C0A')).toEqual(new Set([A.token]));
    expect(tokensIn('C0B')).toEqual(new Set([B.token]));
    expect(fake.violations).toEqual([]);
  });

  it('refuses a tampered, replayed, expired or cookie-less state with 400, storing nothing and asking Slack for nothing', async () => {
    let now = Date.now();
    w = await startInstallWorld(TWO, { now: () => now });
    const { fake, h } = w;
    fake.grant('code-a', A);
    const stored = async () => h.service.redis.smembers(`${h.prefix}:slack:installations`);
    // The flow starts with a redirect to Slack carrying the state, and the same state in a cookie.
    const s = await startInstall(h.url);
    expect(s.status).toBe(302);
    expect(s.location).toMatch(/^https:\/\/slack\.com\/oauth\/v2\/authorize\?/);
    expect(new URL(s.location).searchParams.get('scope')).toContain('chat:write');
    expect(s.cookie).toBe(`slack-app-oauth-state=${s.state}`);
    // Tampered: one character of the signed payload changed (cookie to match).
    const [body, sig] = s.state.split('.');
    const forged = `${body!.slice(0, -2)}${body!.endsWith('A') ? 'B' : 'A'}${body!.slice(-1)}.${sig}`;
    expect(
      (await redirect(h.url, { code: 'code-a', state: forged, cookie: `slack-app-oauth-state=${forged}` })).status,
    ).toBe(400);
    // Without the cookie of the browser that started it.
    expect((await redirect(h.url, { code: 'code-a', state: s.state })).status).toBe(400);
    expect(fake.calls('oauth.v2.access')).toEqual([]);
    expect(await stored()).toEqual([]);
    // The genuine one works once; replayed (same state, cookie and even a fresh code), it is refused.
    expect((await redirect(h.url, { code: 'code-a', state: s.state, cookie: s.cookie })).status).toBe(200);
    fake.grant('code-again', B);
    const replay = await redirect(h.url, { code: 'code-again', state: s.state, cookie: s.cookie });
    expect(replay.status).toBe(400);
    expect(JSON.parse(replay.text).error.code).toBe('invalid_install');
    // Expired: started, then finished eleven minutes later.
    const late = await startInstall(h.url);
    now += 11 * 60_000;
    expect((await redirect(h.url, { code: 'code-again', state: late.state, cookie: late.cookie })).status).toBe(400);
    expect(fake.calls('oauth.v2.access').map((c) => c.args.code)).toEqual(['code-a']);
    expect(await stored()).toEqual(['T0A']);
  });

  it('refuses a workspace outside SLACK_ALLOWED_TEAMS: 403, its tokens revoked, nothing stored, its queue unavailable', async () => {
    w = await startInstallWorld(TWO, { env: { SLACK_ALLOWED_TEAMS: 'T0A' } });
    const { fake, h } = w;
    expect((await w.install('code-a', A)).status).toBe(200);
    const refused = await w.install('code-b', B);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text).error.code).toBe('team_not_allowed');
    expect(fake.calls('auth.revoke').map((c) => c.token)).toEqual([B.token]);
    expect(await h.service.redis.smembers(`${h.prefix}:slack:installations`)).toEqual(['T0A']);
    expect(await h.service.redis.exists(`${h.prefix}:slack:installation:T0B`)).toBe(0);
    // B's queue has no workspace to post in: new chats there are refused; A's are taken.
    const b = await startChat('desk-b', 'anyone?');
    expect(b.status).toBe(409);
    expect(b.body.error.code).toBe('queue_unavailable');
    expect((await startChat('desk-a', 'hello')).status).toBe(201);
    // Events from the refused workspace find no token: nothing is answered there.
    const calls = fake.calls().length;
    expect(
      (await w.from('T0B', 'E0ORG').event({ type: 'app_home_opened', user: 'U0BOB', tab: 'home', channel: 'D0BOB' }))
        .status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      fake
        .calls()
        .slice(calls)
        .filter((c) => c.method === 'views.publish' && c.args.user_id === 'U0BOB'),
    ).toEqual([]);
  });

  it('serves every workspace of an organisation from one org-wide install, by enterprise and team id', async () => {
    w = await startInstallWorld(GRID, { env: { SLACK_ALLOWED_TEAMS: 'E0ORG' } });
    const { fake } = w;
    expect((await w.install('code-org', ORG)).status).toBe(200);
    // Before any event from them, the workers find the org's install for both workspaces (auth.teams.list).
    const c1 = await startChat('grid-1', 'from one');
    const c2 = await startChat('grid-2', 'from two');
    expect([c1.status, c2.status]).toEqual([201, 201]);
    const [ts1, ts2] = await Promise.all([rootIn('C0G1'), rootIn('C0G2')]);
    // Events carry the enterprise and the workspace: the org's token answers them.
    expect(
      (await w.from('T0G2', 'E0ORG').click('W0HUGO', 'accept', { sessionId: c2.id }, { channel: 'C0G2', ts: ts2 }))
        .status,
    ).toBe(200);
    await fake.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts2 && JSON.stringify(c.args.blocks).includes('Hugo'),
    );
    await w.from('T0G1', 'E0ORG').reply('U0STRANGER', 'C0G1', ts1, 'who is this?').sent;
    expect((await fake.waitFor((c) => c.method === 'chat.postEphemeral')).token).toBe(ORG.token);
    expect(tokensIn('C0G1')).toEqual(new Set([ORG.token]));
    expect(tokensIn('C0G2')).toEqual(new Set([ORG.token]));
  });

  it('team_access_revoked pauses the queues of the workspaces an org-wide install lost (409, their supervisors told elsewhere); team_access_granted resumes them', async () => {
    w = await startInstallWorld(GRID, { env: { SLACK_ALLOWED_TEAMS: 'E0ORG' } });
    const { fake, h } = w;
    expect((await w.install('code-org', ORG)).status).toBe(200);
    expect((await startChat('grid-2', 'before')).status).toBe(201);
    await rootIn('C0G2');
    // As Slack sends an organisation's events: no workspace, the enterprise, the org-wide install.
    const orgEvent = (event: Record<string, unknown>) =>
      w!.from('T0G1', 'E0ORG').post(
        JSON.stringify({
          token: 'legacy',
          team_id: null,
          enterprise_id: 'E0ORG',
          api_app_id: 'A0SWITCH',
          type: 'event_callback',
          event_id: `Ev${Math.random().toString(36).slice(2).toUpperCase()}`,
          event_time: Math.floor(Date.now() / 1000),
          authorizations: [{ enterprise_id: 'E0ORG', team_id: null, is_bot: true, is_enterprise_install: true }],
          event,
        }),
        'application/json',
      );
    expect((await orgEvent({ type: 'team_access_revoked', team_ids: ['T0G2'] })).status).toBe(200);
    const listed = async () =>
      (await json(`${h.url}/api/v1/queues`)).body.queues as Array<{ id: string; open: boolean; unavailable?: true }>;
    await waitFor(
      async () => (await listed()).find((q) => q.id === 'grid-2')?.unavailable === true,
      5000,
      'grid-2 paused',
    );
    const paused = await startChat('grid-2', 'anyone?');
    expect([paused.status, paused.body.error.code]).toEqual([409, 'queue_unavailable']);
    expect((await startChat('grid-1', 'one still works')).status).toBe(201);
    // Gina hears it in the workspace that still has the app.
    const told = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        /Grid two/.test(String(c.args.text)) &&
        /no new chats/.test(String(c.args.text)),
    );
    expect(told.token).toBe(ORG.token);
    // The same event again changes nothing more.
    expect((await orgEvent({ type: 'team_access_revoked', team_ids: ['T0G2'] })).status).toBe(200);
    expect((await orgEvent({ type: 'team_access_granted', team_ids: ['T0G2'] })).status).toBe(200);
    await waitFor(async () => (await listed()).find((q) => q.id === 'grid-2')?.open === true, 5000, 'grid-2 resumed');
    expect((await startChat('grid-2', 'back?')).status).toBe(201);
    await fake.waitFor((c) => c.method === 'chat.postMessage' && /take new chats again/.test(String(c.args.text)));
    expect(
      fake
        .calls('chat.postMessage')
        .filter((c) => /Grid two/.test(String(c.args.text)) && /no new chats/.test(String(c.args.text))),
    ).toHaveLength(1);
  });

  it('app_uninstalled removes the installation and pauses its queues (409, supervisors elsewhere told); a reinstall resumes them', async () => {
    w = await startInstallWorld(TWO);
    const { fake, h } = w;
    await w.install('code-a', A);
    await w.install('code-b', B);
    expect((await startChat('desk-b', 'before')).status).toBe(201);
    await rootIn('C0B');
    // B removes the app (Slack sends both events; the second finds nothing left to do).
    expect((await w.from('T0B', 'E0ORG').event({ type: 'app_uninstalled' })).status).toBe(200);
    expect((await w.from('T0B', 'E0ORG').event({ type: 'tokens_revoked', tokens: { bot: ['U0BOTB'] } })).status).toBe(
      200,
    );
    await waitFor(
      async () => (await h.service.redis.exists(`${h.prefix}:slack:installation:T0B`)) === 0,
      5000,
      'installation removed',
    );
    const paused = await startChat('desk-b', 'anyone?');
    expect(paused.status).toBe(409);
    expect(paused.body.error.code).toBe('queue_unavailable');
    // The widget's list says so before anyone tries: B is paused, A is open.
    const listed = async () =>
      (await json(`${h.url}/api/v1/queues`)).body.queues as Array<{ id: string; open: boolean; unavailable?: true }>;
    expect((await listed()).filter((q) => q.id.startsWith('desk-'))).toEqual([
      { id: 'desk-a', name: 'Desk A', open: true },
      { id: 'desk-b', name: 'Desk B', open: false, unavailable: true },
    ]);
    expect((await startChat('desk-a', 'A still works')).status).toBe(201);
    // Carol supervises B from A: told in A, with A's token, once.
    const told = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'D0CAROL' && String(c.args.text).includes('Desk B'),
    );
    expect(told.token).toBe(A.token);
    expect(String(told.args.text)).toMatch(/take no new chats/);
    // Installed again: B's queue takes chats, and Carol hears so.
    expect((await w.install('code-b2', { ...B, token: 'xoxb-team-b-2' })).status).toBe(200);
    expect((await listed()).find((q) => q.id === 'desk-b')).toEqual({ id: 'desk-b', name: 'Desk B', open: true });
    const again = await startChat('desk-b', 'back?');
    expect(again.status).toBe(201);
    const root = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && c.args.channel === 'C0B' && !c.args.thread_ts && c.token === 'xoxb-team-b-2',
    );
    expect(root.token).toBe('xoxb-team-b-2');
    await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === 'D0CAROL' &&
        /take new chats again/.test(String(c.args.text)),
    );
    expect(
      fake
        .calls('chat.postMessage')
        .filter((c) => c.args.channel === 'D0CAROL' && /no new chats/.test(String(c.args.text))),
    ).toHaveLength(1);
    // The notices, roots and homes of both workspaces are what Slack's types allow.
    expect(sentPayloadTypeErrors(fake.calls(), 'installs')[1]).toEqual([]);
  });

  it("refreshes an expiring token outside any event (a new chat, the worker's post) before using it", async () => {
    w = await startInstallWorld(TWO);
    const { fake } = w;
    expect((await w.install('code-a', { ...A, token: 'xoxb-rotating', expiresIn: 3600 })).status).toBe(200);
    const chat = await startChat('desk-a', 'rotate me');
    expect(chat.status).toBe(201);
    const root = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'C0A' && !c.args.thread_ts,
    );
    const refreshed = fake.calls('oauth.v2.access').filter((c) => c.args.grant_type === 'refresh_token');
    expect(refreshed).toHaveLength(1);
    expect(root.token).toMatch(/^xoxb-rotating-r\d+$/);
    expect(tokensIn('C0A')).toEqual(new Set([root.token]));
  });

  it("reads a thread back with its own workspace's token after an ambiguous failure, and does not post twice", async () => {
    w = await startInstallWorld(TWO);
    const { fake } = w;
    await w.install('code-a', A);
    await w.install('code-b', B);
    const chat = await startChat('desk-b', 'first');
    const tsB = await rootIn('C0B');
    await fake.waitFor(
      (c) => c.args.channel === 'C0B' && c.args.thread_ts === tsB && String(c.args.text).includes('first'),
    );
    // The next post is stored by Slack, but its answer is lost (a 500).
    fake.failNext('chat.postMessage', { status: 500, stored: true });
    expect(
      (
        await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, {
          method: 'POST',
          token: chat.token,
          body: { text: 'second' },
        })
      ).status,
    ).toBe(202);
    const readBack = await fake.waitFor(
      (c) => c.method === 'conversations.replies' && c.args.channel === 'C0B',
      10_000,
    );
    expect(readBack.token).toBe(B.token);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.messages('C0B').filter((m) => m.text?.includes('second'))).toHaveLength(1);
  });
});
