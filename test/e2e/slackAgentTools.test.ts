import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as overdue from '../../src/app/overdue.js';
import type { FakeCall } from '../support/fakeSlack.js';
import { json, testDirectory, waitFor } from '../support/harness.js';
import { sentPayloadTypeErrors } from '../support/slackTypes.js';
import { type SlackWorld, startSlackWorld } from './slackSetup.js';

/**
 * Agents' tools in Slack, through signed requests to the real Bolt receiver and the fake Web
 * API: the Canned reply modal (its preview redrawn with views.update), a breach warning
 * that mentions the owner, an idle chat ending, and End chat asking for an outcome.
 */
const DIRECTORY = `
queues:
  - id: it-support
    name: IT Support
    slack: { channel: C0ITSUPPORT }
    canned:
      - { shortcut: hello, title: Greeting, text: "Hi {user.name}, {agent.name} here." }
      - { shortcut: vpn, title: VPN reset, text: "Please reset your VPN profile, {user.name}." }
    firstResponseSeconds: 60
    idleWarnSeconds: 120
    idleEndSeconds: 300
    outcomes: [resolved, escalated]
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support], slack: { userId: U0ALICE } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support], slack: { userId: U0BOB } }
  - { id: carol, firstName: Carol, lastName: Lefèvre, email: carol@example.com, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [it-support], slack: { userId: U0CAROL } }
`;
const CHANNEL = 'C0ITSUPPORT';

let w: SlackWorld;
beforeAll(async () => {
  w = await startSlackWorld({}, testDirectory(DIRECTORY));
});
afterAll(async () => w?.stop());

const hasAction = (call: FakeCall, verb: string) =>
  new RegExp(`"action_id":"sb:${verb.replace('.', '\\.')}(#\\d+)?"`).test(
    JSON.stringify(call.args.blocks ?? call.args.view ?? []),
  );
const userSees = async (id: string, token: string) =>
  (
    (await json(`${w.h.url}/api/v1/sessions/${id}/messages`, { token })).body.messages as Array<{
      kind: string;
      text?: string;
    }>
  )
    .filter((m) => m.kind === 'message')
    .map((m) => m.text);
type View = { id: string; callback_id: string; private_metadata: string; hash?: string; blocks: unknown[] };
/** The last view opened that says this (the fake gives each its id). */
const lastView = (says: string): View =>
  [...w.fake.views.values()].reverse().find((v) => JSON.stringify(v).includes(says)) as unknown as View;

async function acceptedChat(name: string) {
  const r = await json(`${w.h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name }, text: 'help' },
  });
  const id = r.body.session.id as string;
  await w.fake.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.args.channel === CHANNEL &&
      !c.args.thread_ts &&
      JSON.stringify(c.args).includes(id),
    15_000,
  );
  const ts = w.fake.messages(CHANNEL).find((m) => !m.thread_ts && JSON.stringify(m).includes(id))!.ts;
  await w.slack.click('U0ALICE', 'accept', { sessionId: id }, { channel: CHANNEL, ts });
  await w.fake.waitFor((c) => c.method === 'chat.update' && c.args.ts === ts && hasAction(c, 'canned.open'), 15_000);
  return { id, token: r.body.token as string, ts };
}

/** A modal the test opened, submitted by `user` with these input values. */
const submit = (user: string, view: { id: string; callback_id: string; private_metadata: string }, values: unknown) =>
  w.slack.interaction({
    type: 'view_submission',
    user: { id: user },
    view: {
      id: view.id,
      type: 'modal',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      state: { values },
    },
  });

const select = (value: string) => ({
  shortcut: {
    'sbr:shortcut': { type: 'radio_buttons', selected_option: { value, text: { type: 'plain_text', text: value } } },
  },
});

describe("agents' tools in Slack", () => {
  it('Canned reply: the modal lists the replies, choosing one redraws its preview, sending it reaches the end user and the thread', async () => {
    const chat = await acceptedChat('Zed');
    await w.slack.click('U0ALICE', 'canned.open', { sessionId: chat.id }, { channel: CHANNEL, ts: chat.ts });
    await w.fake.waitFor(
      (c) => c.method === 'views.open' && JSON.stringify(c.args.view).includes('Canned reply'),
      15_000,
    );
    const view = lastView('Canned reply');
    expect(JSON.stringify(view.blocks)).toMatch(/hello — Greeting/);
    expect(JSON.stringify(view.blocks)).toMatch(/Hi Zed, Alice here\./);
    // Choosing one: block_actions on the choice, the modal redrawn with the preview.
    await w.slack.interaction({
      type: 'block_actions',
      user: { id: 'U0ALICE' },
      container: { type: 'view', view_id: view.id },
      view: { ...view, hash: 'h1', state: { values: select('vpn') } },
      actions: [
        {
          type: 'radio_buttons',
          action_id: 'sbr:shortcut',
          block_id: 'shortcut',
          selected_option: { value: 'vpn' },
          action_ts: '1.1',
        },
      ],
    });
    const redrawn = await w.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === view.id, 15_000);
    expect(redrawn.args.hash).toBe('h1');
    expect(JSON.stringify(redrawn.args.view)).toMatch(/Preview.*Please reset your VPN profile, Zed\./);
    const submitted = await submit('U0ALICE', view, select('vpn'));
    expect([submitted.status, submitted.text]).toEqual([200, '']);
    await waitFor(
      async () => (await userSees(chat.id, chat.token)).includes('Please reset your VPN profile, Zed.'),
      15_000,
      'the canned reply at the end user',
    );
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === chat.ts &&
        /Alice Ng:.*Please reset your VPN profile, Zed\./.test(String(c.args.text)),
    );
  });

  it('/chat canned <words> <ref> opens the picker with the replies the words find; /chat canned <shortcut> <ref> sends it', async () => {
    const chat = await acceptedChat('Kim');
    const ref = (await w.h.service.ctx.store.sessions.get(chat.id))!.ref;
    const before = w.fake.calls('views.open').length;
    await w.slack.command('U0ALICE', '/chat', `canned vpn reset ${ref}`);
    await waitFor(() => w.fake.calls('views.open').length > before, 15_000, 'the picker');
    const opened = w.fake.calls('views.open').at(-1)!;
    expect(JSON.stringify(opened.args.view)).toMatch(/vpn — VPN reset/);
    expect(JSON.stringify(opened.args.view)).not.toMatch(/hello — Greeting/);
    const sent = await w.slack.command('U0ALICE', '/chat', `canned hello ${ref}`);
    expect(sent.json?.text ?? sent.text).toMatch(/Sent canned reply hello in chat/);
    await waitFor(
      async () => (await userSees(chat.id, chat.token)).includes('Hi Kim, Alice here.'),
      15_000,
      'the canned reply',
    );
  });

  it('Canned reply is refused to a monitor: the click is answered privately and nothing is sent', async () => {
    const chat = await acceptedChat('Yan');
    await w.h.service.ctx.store.sessions.addMember(
      chat.id,
      { agentId: 'carol', mode: 'monitor', joinedAt: Date.now(), via: 'supervisor' },
      {},
    );
    const before = (await userSees(chat.id, chat.token)).length;
    await w.slack.click('U0CAROL', 'canned.open', { sessionId: chat.id }, { channel: CHANNEL, ts: chat.ts });
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.postEphemeral' &&
        c.args.user === 'U0CAROL' &&
        /monitoring this chat/.test(String(c.args.text)),
      15_000,
    );
    const forged = await w.slack.interaction({
      type: 'view_submission',
      user: { id: 'U0CAROL' },
      view: {
        id: 'V9',
        type: 'modal',
        callback_id: 'sb:dialog',
        private_metadata: JSON.stringify({ submit: { verb: 'canned.send', data: { sessionId: chat.id } } }),
        state: { values: select('hello') },
      },
    });
    expect(forged.json).toMatchObject({ response_action: 'errors' });
    expect((await userSees(chat.id, chat.token)).length).toBe(before);
  });

  it('a breach warning mentions the owner; an idle chat asks, then ends and says so', async () => {
    const chat = await acceptedChat('Ann');
    // The clock starts just after the accept's commit, so possibly after its card is redrawn.
    const { id: since } = await waitFor(() => w.h.service.ctx.store.replyClock.current(chat.id), 5_000, 'the clock');
    // The handler on its own (the job is BullMQ's, a minute away): the clock is the one it reads.
    expect(await overdue.responseDue(w.h.service.ctx, chat.id, 'warn', since)).toBe(true);
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === chat.ts &&
        /<@U0ALICE>: Ann has waited/.test(String(c.args.text)),
      15_000,
    );
    await w.slack.reply('U0ALICE', CHANNEL, chat.ts, 'Sorry for the wait').sent;
    await waitFor(
      async () => (await userSees(chat.id, chat.token)).includes('Sorry for the wait'),
      15_000,
      'the reply',
    );
    expect(await w.h.service.ctx.store.replyClock.current(chat.id)).toBeUndefined();
    const [reply] = (await w.h.service.ctx.store.transcript.read(chat.id, undefined, 100)).filter(
      (e) => e.kind === 'message' && e.text === 'Sorry for the wait',
    );
    expect(await overdue.idleDue(w.h.service.ctx, chat.id, 'warn', reply!.id)).toBe(true);
    await waitFor(
      async () => (await userSees(chat.id, chat.token)).includes('Are you still there?'),
      15_000,
      'the question',
    );
    expect(await overdue.idleDue(w.h.service.ctx, chat.id, 'end', reply!.id)).toBe(true);
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === chat.ts &&
        /Ann did not answer: the chat has ended/.test(String(c.args.text)),
      15_000,
    );
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.update' && c.args.ts === chat.ts && /Ended \(idle\)/.test(JSON.stringify(c.args.blocks)),
      15_000,
    );
  });

  it('End chat opens a form asking for an outcome; the outcome shows on the root', async () => {
    const chat = await acceptedChat('Bea');
    await w.slack.click('U0ALICE', 'end.open', { sessionId: chat.id }, { channel: CHANNEL, ts: chat.ts });
    await w.fake.waitFor((c) => c.method === 'views.open' && JSON.stringify(c.args.view).includes('End chat'), 15_000);
    const view = lastView('End chat');
    expect(JSON.stringify(view.blocks)).toMatch(/resolved.*escalated/);
    // Sent without an outcome (Slack requires it; a forged one is refused and the modal stays).
    const empty = await submit('U0ALICE', view, { note: { note: { type: 'plain_text_input', value: 'x' } } });
    expect(empty.json).toMatchObject({ response_action: 'errors' });
    expect((await w.h.service.ctx.store.sessions.get(chat.id))?.status).toBe('active');
    const done = await submit('U0ALICE', view, {
      outcome: {
        outcome: {
          type: 'radio_buttons',
          selected_option: { value: 'escalated', text: { type: 'plain_text', text: 'escalated' } },
        },
      },
      note: { note: { type: 'plain_text_input', value: 'Sent to L2' } },
    });
    expect([done.status, done.text]).toEqual([200, '']);
    const s = await w.h.service.ctx.store.sessions.get(chat.id);
    expect([s?.status, s?.outcome, s?.outcomeNote]).toEqual(['ended', 'escalated', 'Sent to L2']);
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.ts === chat.ts &&
        /Outcome.*escalated/.test(JSON.stringify(c.args.blocks)) &&
        /Sent to L2/.test(JSON.stringify(c.args.blocks)),
      15_000,
    );
  });

  it("App Home lists the agent's own canned replies; Add saves one, Remove removes it", async () => {
    await w.slack.click('U0BOB', 'canned.edit', {}, 'home');
    await w.fake.waitFor((c) => c.method === 'views.open' && JSON.stringify(c.args.view).includes('Shortcut'), 15_000);
    const view = lastView('Shortcut');
    const text = (id: string, value: string) => ({ [id]: { [id]: { type: 'plain_text_input', value } } });
    const bad = await submit('U0BOB', view, {
      ...text('shortcut', 'two words'),
      ...text('title', 'T'),
      ...text('text', 'x'),
    });
    expect(bad.json).toMatchObject({ response_action: 'errors' });
    const ok = await submit('U0BOB', view, {
      ...text('shortcut', 'thx'),
      ...text('title', 'Thanks'),
      ...text('text', 'Thanks {user.name}!'),
    });
    expect(ok.text).toBe('');
    await w.fake.waitFor(
      (c) =>
        c.method === 'views.publish' &&
        c.args.user_id === 'U0BOB' &&
        JSON.stringify(c.args.view).includes('thx') &&
        hasAction(c, 'canned.remove'),
      15_000,
    );
    const added = await w.slack.command('U0BOB', '/chat', 'canned add bye Goodbye | Bye {user.name}');
    expect(added.json?.text ?? added.text).toMatch(/Saved your canned reply bye/);
    expect((await w.h.service.ctx.store.canned.list('bob')).map((c) => c.shortcut)).toEqual(['bye', 'thx']);
    await w.slack.click('U0BOB', 'canned.remove', { shortcut: 'thx' }, 'home');
    await waitFor(async () => (await w.h.service.ctx.store.canned.list('bob')).length === 1, 15_000, 'removed');
  });
  it('every message, modal and home it sent Slack type-checks against @slack/types', () => {
    const [checked, errors] = sentPayloadTypeErrors(w.fake.calls(), 'agentTools');
    expect(checked).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
