import { afterEach, describe, expect, it } from 'vitest';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import type { FakeCall } from '../support/fakeSlack.js';
import { json, waitFor } from '../support/harness.js';
import { sign } from '../support/slackRequests.js';
import { type SlackWorld, startSlackWorld } from './slackSetup.js';

let w: SlackWorld;
afterEach(async () => w?.stop());

const CHANNEL = 'C0ITSUPPORT';
const hasAction = (call: FakeCall, verb: string) =>
  new RegExp(`"action_id":"sb:${verb.replace('.', '\\.')}(#\\d+)?"`).test(
    JSON.stringify(call.args.blocks ?? call.args.view ?? []),
  );
/** The invite id an invite card or thread line carries in its buttons. */
const inviteIdIn = (call: FakeCall) => JSON.stringify(call.args.blocks).match(/\\"inviteId\\":\\"([^\\"]+)\\"/)![1]!;
const sid = (id: string) => ({ sessionId: id });
const iid = (id: string) => ({ inviteId: id });
const posts = (channel: string, thread?: string) =>
  w.fake
    .calls('chat.postMessage')
    .filter((c) => c.args.channel === channel && (thread === undefined || c.args.thread_ts === thread));
const say = (id: string, token: string, text: string) =>
  json(`${w.h.url}/api/v1/sessions/${id}/messages`, { method: 'POST', token, body: { text } });
const userSees = async (id: string, token: string) =>
  (
    (await json(`${w.h.url}/api/v1/sessions/${id}/messages`, { token })).body.messages as Array<{
      kind: string;
      text?: string;
    }>
  )
    .filter((m) => m.kind === 'message')
    .map((m) => m.text);

async function startChat(text = 'My laptop is on fire <!channel> <@U0BOB> & more') {
  const r = await json(`${w.h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed <b>' }, text },
  });
  const id = r.body.session.id as string;
  const root = await w.fake.waitFor(
    (c) => c.method === 'chat.postMessage' && c.args.channel === CHANNEL && !c.args.thread_ts,
  );
  const ts = w.fake.messages(CHANNEL).find((m) => !m.thread_ts)?.ts as string;
  return { id, token: r.body.token as string, root, ts };
}

describe('Slack, end to end through the real Bolt receiver', () => {
  it('runs the whole agent flow', async () => {
    w = await startSlackWorld({ INVITE_TTL_SECONDS: '4' });
    const { fake, slack } = w;
    // 1-2. A chat starts; the root message appears with Accept.
    const chat = await startChat();
    expect(hasAction(chat.root, 'accept')).toBe(true);
    expect(String(chat.root.args.text).length).toBeGreaterThan(0);
    // End-user text arrives escaped in the thread: no channel ping, no mention.
    const first = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.thread_ts === chat.ts && String(c.args.text).includes('fire'),
    );
    expect(String(first.args.text)).toContain('&lt;!channel&gt;');
    expect(String(first.args.text)).toContain('&lt;@U0BOB&gt;');
    expect(String(first.args.text)).toContain('&amp; more');
    expect(JSON.stringify(first.args)).not.toContain('<!channel>');

    // 3. Alice accepts; the root shows Invite and End chat (Invites only once there are some).
    expect((await slack.click('U0ALICE', 'accept', sid(chat.id), { channel: CHANNEL, ts: chat.ts })).status).toBe(200);
    const accepted = await fake.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === chat.ts && hasAction(c, 'invite.open') && hasAction(c, 'end'),
    );
    expect(hasAction(accepted, 'invites')).toBe(false);

    // 4. Both sides talk.
    await say(chat.id, chat.token, 'hello?');
    await fake.waitFor((c) => c.args.thread_ts === chat.ts && String(c.args.text).includes('hello?'));
    await slack.reply('U0ALICE', CHANNEL, chat.ts, 'Hi Zed, <@U0BOB> can help &amp; will').sent;
    await waitFor(
      async () => (await userSees(chat.id, chat.token)).includes('Hi Zed, @someone can help & will'),
      5000,
      'agent reply reaches the end user',
    );

    // 5. Alice invites Bob as monitor with the slash command; the card arrives in his DM.
    const cmd = await slack.command('U0ALICE', '/chat', 'invite <@U0BOB|bob> monitor');
    expect(cmd.json.text).toMatch(/Invited Bob Martin as monitor/);
    const bobCard = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'D0BOB');
    expect(hasAction(bobCard, 'monitor') && hasAction(bobCard, 'reject.open')).toBe(true);
    expect(hasAction(bobCard, 'participate')).toBe(false);
    const bobCardTs = fake.messages('D0BOB')[0]!.ts;
    const bobInvite = inviteIdIn(bobCard);

    // A click by someone else changes nothing and gets a private answer.
    await slack.click('U0DAN', 'monitor', iid(bobInvite), { channel: 'D0BOB', ts: bobCardTs });
    await fake.waitFor(
      (c) => c.method === 'chat.postEphemeral' && c.args.user === 'U0DAN' && /someone else/.test(String(c.args.text)),
    );
    expect((await w.h.service.ctx.store.invites.get(bobInvite))?.status).toBe('pending');

    // 6. Bob joins; his card loses its buttons and the thread says so.
    await slack.click('U0BOB', 'monitor', iid(bobInvite), { channel: 'D0BOB', ts: bobCardTs });
    await fake.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.channel === 'D0BOB' &&
        !hasAction(c, 'monitor') &&
        !hasAction(c, 'reject.open'),
    );
    await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === chat.ts &&
        /monitor/i.test(String(c.args.text)) &&
        /Bob/.test(String(c.args.text)),
    );
    // He is added to the queue channel so he can read the thread.
    await fake.waitFor(
      (c) => c.method === 'conversations.invite' && c.args.channel === CHANNEL && c.args.users === 'U0BOB',
    );
    // A second click is refused privately.
    await slack.click('U0BOB', 'monitor', iid(bobInvite), { channel: 'D0BOB', ts: bobCardTs });
    await fake.waitFor(
      (c) => c.method === 'chat.postEphemeral' && c.args.user === 'U0BOB' && /already/.test(String(c.args.text)),
    );

    // 7. Bob's replies are not relayed; he is told why.
    await slack.reply('U0BOB', CHANNEL, chat.ts, 'monitor remark').sent;
    await fake.waitFor(
      (c) => c.method === 'chat.postEphemeral' && c.args.user === 'U0BOB' && /monitoring/.test(String(c.args.text)),
    );
    expect(await userSees(chat.id, chat.token)).not.toContain('monitor remark');

    // The invite details are for the owner and inviters: Bob is refused, Alice sees them.
    await slack.click('U0BOB', 'invites', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    await fake.waitFor(
      (c) =>
        c.method === 'chat.postEphemeral' &&
        c.args.user === 'U0BOB' &&
        /owner and those who invited/.test(String(c.args.text)),
    );
    await slack.click('U0ALICE', 'invites', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    const details = await fake.waitFor(
      (c) => c.method === 'views.open' && JSON.stringify(c.args.view).includes('Invites for chat'),
    );
    expect(JSON.stringify(details.args.view)).toMatch(/Bob Martin/);

    // 8. A second invite, from the modal, is rejected, then resent.
    await slack.click('U0ALICE', 'invite.open', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    const modal = await fake.waitFor(
      (c) => c.method === 'views.open' && JSON.stringify(c.args.view).includes('external_select'),
    );
    const view = modal.args.view as { callback_id: string; private_metadata: string };
    const options = await slack.interaction({
      type: 'block_suggestion',
      user: { id: 'U0ALICE' },
      action_id: 'agentId',
      block_id: 'agentId',
      value: 'da',
      view: { id: 'V1', callback_id: view.callback_id, private_metadata: view.private_metadata },
    });
    expect(options.json.options.map((o: { value: string }) => o.value)).toEqual(['dan']);
    const submitted = await slack.interaction({
      type: 'view_submission',
      user: { id: 'U0ALICE' },
      view: {
        id: 'V1',
        type: 'modal',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: {
          values: {
            agentId: {
              agentId: {
                type: 'external_select',
                selected_option: { value: 'dan', text: { type: 'plain_text', text: 'Dan' } },
              },
            },
            mode: {
              mode: {
                type: 'radio_buttons',
                selected_option: { value: 'participant', text: { type: 'plain_text', text: 'Participant' } },
              },
            },
          },
        },
      },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.text).toBe('');
    const danCard = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'D0DAN');
    expect(hasAction(danCard, 'participate')).toBe(true);
    const danInvite = inviteIdIn(danCard);
    await slack.click('U0DAN', 'reject', iid(danInvite), { channel: 'D0DAN', ts: fake.messages('D0DAN')[0]!.ts });
    const rejectedLine = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.thread_ts === chat.ts && hasAction(c, 'resend'),
    );
    expect(String(rejectedLine.args.text)).toMatch(/reject/i);
    await slack.click('U0ALICE', 'resend', iid(danInvite), { channel: CHANNEL, ts: chat.ts, threadTs: chat.ts });
    await waitFor(() => posts('D0DAN').length === 2, 5000, 'resent card');

    // 9. The resent invite (the third) expires through the BullMQ worker; its card updates, the thread offers Resend.
    const resentTs = fake.messages('D0DAN')[1]!.ts;
    await fake.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.channel === 'D0DAN' &&
        c.args.ts === resentTs &&
        /expired/i.test(JSON.stringify(c.args)) &&
        !hasAction(c, 'participate'),
      10_000,
    );
    const expiredLine = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === chat.ts &&
        /expired/i.test(String(c.args.text)) &&
        hasAction(c, 'resend'),
      5000,
    );
    // A click on the expired card is answered privately and changes nothing.
    const resentInvite = inviteIdIn(posts('D0DAN')[1]!);
    await slack.click('U0DAN', 'participate', iid(resentInvite), { channel: 'D0DAN', ts: resentTs });
    await fake.waitFor(
      (c) => c.method === 'chat.postEphemeral' && c.args.user === 'U0DAN' && /expired/.test(String(c.args.text)),
    );
    expect((await w.h.service.ctx.store.invites.get(resentInvite))?.status).toBe('expired');

    // 10. Carol, a supervisor, joins from App Home.
    await slack.event({ type: 'app_home_opened', user: 'U0CAROL', channel: 'D0CAROL', tab: 'home', event_ts: '1.1' });
    await fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0CAROL' && hasAction(c, 'join'));
    await slack.click('U0CAROL', 'join', { sessionId: chat.id, mode: 'monitor' }, 'home');
    await waitFor(
      async () =>
        (await w.h.service.ctx.store.sessions.members(chat.id)).some(
          (m) => m.agentId === 'carol' && m.mode === 'monitor',
        ),
      5000,
      'carol monitoring',
    );

    // 11. A pending invite, then the chat ends: the invite is cancelled and its card updated.
    const danFinal = inviteIdIn(expiredLine);
    await slack.click('U0ALICE', 'resend', iid(danFinal), { channel: CHANNEL, ts: chat.ts, threadTs: chat.ts });
    await waitFor(() => posts('D0DAN').length === 3, 5000, 'third dan card');
    await slack.click('U0BOB', 'end', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    await fake.waitFor(
      (c) => c.method === 'chat.postEphemeral' && c.args.user === 'U0BOB' && /cannot/.test(String(c.args.text)),
    );
    await slack.click('U0ALICE', 'end', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    const lastDanTs = fake.messages('D0DAN')[2]!.ts;
    await fake.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.ts === lastDanTs &&
        /cancel/i.test(JSON.stringify(c.args)) &&
        !hasAction(c, 'participate'),
    );
    await fake.waitFor(
      (c) =>
        c.method === 'chat.update' && c.args.ts === chat.ts && !hasAction(c, 'invite.open') && !hasAction(c, 'accept'),
    );
    expect((await json(`${w.h.url}/api/v1/sessions/${chat.id}`, { token: chat.token })).body.session.status).toBe(
      'ended',
    );

    // Every Web API call had its method and required arguments.
    expect(fake.violations).toEqual([]);
  });

  it('refuses wrong and stale signatures with 401', async () => {
    w = await startSlackWorld();
    const body = JSON.stringify({
      type: 'event_callback',
      event_id: 'Ev1',
      event: { type: 'app_home_opened', user: 'U0ALICE', tab: 'home' },
    });
    expect((await w.slack.post(body, 'application/json', {}, sign(body, 'wrong-secret'))).status).toBe(401);
    expect(
      (await w.slack.post(body, 'application/json', {}, sign(body, undefined, Math.floor(Date.now() / 1000) - 600)))
        .status,
    ).toBe(401);
    expect(w.fake.calls('views.publish')).toHaveLength(0);
  });

  it('refuses a forged or malformed button clearly, changing nothing', async () => {
    w = await startSlackWorld();
    const chat = await startChat('hi');
    const where = { channel: CHANNEL, ts: chat.ts };
    await w.slack.rawClick('U0ALICE', 'sb:accept', 'not json', where);
    await w.slack.rawClick('U0ALICE', 'sb:accept', JSON.stringify({ sessionId: '../../etc' }), where);
    await w.slack.rawClick('U0ALICE', 'sb:self-destruct', JSON.stringify({ sessionId: chat.id }), where);
    await waitFor(
      () => w.fake.calls('chat.postEphemeral').filter((c) => /not valid/.test(String(c.args.text))).length === 3,
      5000,
      'three refusals',
    );
    expect((await w.h.service.ctx.store.sessions.get(chat.id))?.status).toBe('waiting');
  });

  it('answers Slack url verification', async () => {
    w = await startSlackWorld();
    const body = JSON.stringify({ type: 'url_verification', challenge: 'abc', token: 'x' });
    const r = await w.slack.post(body, 'application/json');
    expect(r.status).toBe(200);
    expect(r.text).toContain('abc');
  });

  it('handles a retried event and a repeated message once, and ignores its own messages', async () => {
    w = await startSlackWorld();
    const chat = await startChat('hi');
    await w.slack.click('U0ALICE', 'accept', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.status === 'active',
      5000,
      'accepted',
    );
    const ts = '1700000000.000100';
    const event = {
      type: 'message',
      channel: CHANNEL,
      user: 'U0ALICE',
      text: 'only once',
      ts,
      thread_ts: chat.ts,
      event_ts: ts,
    };
    await w.slack.event(event, { eventId: 'EvSAME' });
    await w.slack.event(event, { eventId: 'EvSAME', retryNum: 1 });
    await w.slack.event(event, { eventId: 'EvOTHER' });
    await w.slack.event({ ...event, ts: '1700000000.000200', bot_id: 'B0SWITCHBOARD', text: 'from the bot' });
    await waitFor(async () => (await userSees(chat.id, chat.token)).includes('only once'), 5000, 'relayed');
    await new Promise((r) => setTimeout(r, 300));
    const seen = await userSees(chat.id, chat.token);
    expect(seen.filter((t) => t === 'only once')).toHaveLength(1);
    expect(seen).not.toContain('from the bot');
  });

  it('honours a 429 with Retry-After and keeps the order', async () => {
    w = await startSlackWorld();
    const chat = await startChat('first');
    await w.fake.waitFor((c) => c.args.thread_ts === chat.ts && String(c.args.text).includes('first'));
    w.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, 3);
    const started = Date.now();
    for (const t of ['one', 'two', 'three']) await say(chat.id, chat.token, t);
    await w.fake.waitFor(
      (c) => c.status === 200 && c.args.thread_ts === chat.ts && String(c.args.text).includes('three'),
      10_000,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const order = posts(CHANNEL, chat.ts)
      .filter((c) => c.status === 200)
      .map((c) => String(c.args.text))
      .filter((t) => /one|two|three/.test(t));
    // Behind the rate limit, the waiting lines may go out as one post: in order, each once.
    expect(order.flatMap((t) => t.match(/one|two|three/g) ?? [])).toEqual(['one', 'two', 'three']);
    expect(w.fake.calls('chat.postMessage').filter((c) => c.status === 429).length).toBeGreaterThanOrEqual(1);
  });

  it('relays agent edits and deletions to the end user', async () => {
    w = await startSlackWorld();
    const chat = await startChat('hi');
    await w.slack.click('U0ALICE', 'accept', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.status === 'active',
      5000,
      'accepted',
    );
    const { ts, sent } = w.slack.reply('U0ALICE', CHANNEL, chat.ts, 'typo here');
    await sent;
    await waitFor(async () => (await userSees(chat.id, chat.token)).includes('typo here'), 5000, 'reply');
    await w.slack.event({
      type: 'message',
      subtype: 'message_changed',
      channel: CHANNEL,
      ts: '9.9',
      event_ts: '9.9',
      message: { type: 'message', user: 'U0ALICE', text: 'fixed here', ts, thread_ts: chat.ts },
      previous_message: { type: 'message', user: 'U0ALICE', text: 'typo here', ts },
    });
    const all = async () =>
      (await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, { token: chat.token })).body.messages as Array<{
        kind: string;
        text?: string;
      }>;
    await waitFor(async () => (await all()).some((m) => m.kind === 'edit' && m.text === 'fixed here'), 5000, 'edit');
    await w.slack.event({
      type: 'message',
      subtype: 'message_deleted',
      channel: CHANNEL,
      ts: '9.8',
      event_ts: '9.8',
      deleted_ts: ts,
      previous_message: { type: 'message', user: 'U0ALICE', text: 'fixed here', ts },
    });
    await waitFor(async () => (await all()).some((m) => m.kind === 'delete'), 5000, 'delete');
  });
});

describe('/chat and people', () => {
  it('answers available, away, monitor and help, and refuses monitor to non-supervisors', async () => {
    w = await startSlackWorld();
    const away = await w.slack.command('U0BOB', '/chat', 'away');
    expect(away.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/Away/) });
    expect((await w.h.service.ctx.store.sessions.awayAgentIds()).has('bob')).toBe(true);
    await w.fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0BOB');
    expect((await w.slack.command('U0BOB', '/chat', 'available')).json.text).toMatch(/Available/);
    expect((await w.h.service.ctx.store.sessions.awayAgentIds()).has('bob')).toBe(false);
    expect((await w.slack.command('U0BOB', '/chat', 'monitor')).json.text).toMatch(/Only supervisors/);
    const chat = await startChat('hi');
    await w.slack.click('U0ALICE', 'accept', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.status === 'active',
      5000,
      'accepted',
    );
    const monitor = await w.slack.command('U0CAROL', '/chat', 'monitor');
    expect(JSON.stringify(monitor.json.blocks)).toContain('sb:join');
    expect(JSON.stringify((await w.slack.command('U0CAROL', '/chat', 'help')).json.blocks)).toMatch(
      /\/chat.*invite &lt;name/,
    );
    expect((await w.slack.command('U0CAROL', '/chat', 'dance')).json.text).toMatch(/did not understand/);
    expect((await w.slack.command('U0NOBODY', '/chat', 'away')).json.text).toMatch(/not in the Switchboard directory/);
    expect(w.fake.violations).toEqual([]);
  });

  it('finds an agent without a Slack id by email, once', async () => {
    const { parseDirectory } = await import('../../src/main/config.js');
    const { DIRECTORY_YAML } = await import('../support/harness.js');
    const directory = parseDirectory(
      DIRECTORY_YAML.replace('slack: { userId: U0DAN } ', ''),
      'd.yaml',
      DIRECTORY_SECTIONS,
    );
    w = await startSlackWorld({}, directory);
    w.fake.addUser({ id: 'U0DANIEL', email: 'dan@example.com', name: 'dan' });
    const chat = await startChat('hi');
    await w.slack.click('U0ALICE', 'accept', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.status === 'active',
      5000,
      'accepted',
    );
    // The accept answers at once (ack) and lists the chat as Alice's just after: /chat looks there.
    await waitFor(
      async () => (await w.h.service.ctx.store.lists.read('chats', 'alice')).includes(chat.id),
      5000,
      "listed as alice's",
    );
    expect((await w.slack.command('U0ALICE', '/chat', 'invite dan@example.com monitor')).json.text).toMatch(
      /Invited Dan Ortiz/,
    );
    await w.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'D0DANIEL');
    // Dan, known only by email, answers: Slack's user id maps back to the directory.
    const card = w.fake.calls('chat.postMessage').find((c) => c.args.channel === 'D0DANIEL')!;
    const inviteId = inviteIdIn(card);
    await w.slack.click('U0DANIEL', 'monitor', iid(inviteId), {
      channel: 'D0DANIEL',
      ts: w.fake.messages('D0DANIEL')[0]!.ts,
    });
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.members(chat.id)).some((m) => m.agentId === 'dan'),
      5000,
      'dan joined',
    );
    expect(w.fake.calls('users.lookupByEmail')).toHaveLength(1);
  });
});

describe('files shared in a thread', () => {
  /** Alice, owner of an active chat, shares a file in its thread; the end user's list shows it. */
  async function shareFile(fileUrl: string) {
    const chat = await startChat('my app crashes');
    await w.slack.click('U0ALICE', 'accept', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.status === 'active',
      5000,
      'accepted',
    );
    await w.slack.reply('U0ALICE', CHANNEL, chat.ts, 'here is the log', {
      subtype: 'file_share',
      files: [{ id: 'F0LOG', name: 'app.log', mimetype: 'text/plain', size: 22, url_private_download: fileUrl }],
    }).sent;
    const list = async () =>
      (await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, { token: chat.token })).body.messages as Array<{
        text?: string;
        file?: { name: string; url: string };
      }>;
    const msg = await waitFor(async () => (await list()).find((m) => m.file), 5000, 'file message');
    return { chat, list, msg, url: `${w.h.url}/api/v1/sessions/${chat.id}/files/F0LOG` };
  }

  it('reach the end user as a download served by the service and guarded by the token', async () => {
    w = await startSlackWorld();
    const fileUrl = w.fake.addFile('app.log', 'log line 1\nlog line 2\n');
    const { chat, list, msg, url } = await shareFile(fileUrl);
    expect(msg).toMatchObject({ text: 'here is the log', file: { name: 'app.log', url: 'files/F0LOG' } });
    expect(JSON.stringify(await list())).not.toContain('files-pri');
    const denied = await fetch(url);
    expect(denied.status).toBe(401);
    const other = await json(`${w.h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Eve' } },
    });
    expect((await fetch(`${url}?token=${other.body.token}`)).status).toBe(403);
    expect((await fetch(`${w.h.url}/api/v1/sessions/${chat.id}/files/F0NOPE?token=${chat.token}`)).status).toBe(404);
    const ok = await fetch(`${url}?token=${chat.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toContain('attachment; filename="app.log"');
    expect(await ok.text()).toBe('log line 1\nlog line 2\n');
    expect(w.fake.fileRequests).toEqual([{ path: new URL(fileUrl).pathname, token: 'xoxb-test' }]);
  });

  it("never send the bot token to a host that is not Slack's, whatever the signed event says", async () => {
    w = await startSlackWorld();
    const { createServer } = await import('node:http');
    const seen: Array<{ url: string | undefined; auth: string | undefined }> = [];
    const foreign = createServer((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('stolen');
    });
    await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
    try {
      const port = (foreign.address() as { port: number }).port;
      // Same host as the fake Slack, another port: a different origin.
      const { chat, url } = await shareFile(`http://127.0.0.1:${port}/files-pri/T0/F0LOG/app.log`);
      const res = await fetch(`${url}?token=${chat.token}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
      expect(seen).toEqual([]);
    } finally {
      foreign.close();
    }
    // Look-alikes of Slack's origins are other origins too.
    const { onOrigins, tokenOrigins } = await import('../../adapters/slack/platform.js');
    const allowed = tokenOrigins('https://slack.com/api/');
    expect(onOrigins('https://files.slack.com/files-pri/T0-F0/download/a.log', allowed)).toBe(true);
    expect(onOrigins('https://slack.com/api/files.info', allowed)).toBe(true);
    for (const bad of [
      'http://files.slack.com/x',
      'https://files.slack.com:8443/x',
      'https://files.slack.com.evil.example/x',
      'https://files.slack.com@evil.example/x',
      'https://evil.example/https://files.slack.com/',
      'https://api.slack.com/x',
      'not a url',
    ]) {
      expect(onOrigins(bad, allowed), bad).toBe(false);
    }
  });
});
