import { afterEach, describe, expect, it } from 'vitest';
import { slackModule } from '../../adapters/slack/index.js';
import { availabilities } from '../../src/app/availability.js';
import { inviteCandidates } from '../../src/app/invites.js';
import { accept } from '../../src/app/sessions.js';
import { loadEnv, parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { type Harness, json, startHarness, waitFor } from '../support/harness.js';
import { SIGNING_SECRET, SlackRequests } from '../support/slackRequests.js';
import { sentPayloadTypeErrors } from '../support/slackTypes.js';

/**
 * Availability from Slack presence (README "Availability"), end to end: the real Bolt app's
 * Web API client polls users.getPresence on the fake Slack, on a clock the test moves.
 */
const directory = (o: { aliceMax?: number } = {}) =>
  parseDirectory(
    `
queues:
  - { id: it-support, name: IT Support, routing: auto, slack: { channel: C0ITSUPPORT } }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support], maxChats: ${o.aliceMax ?? 1}, slack: { userId: U0ALICE } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support], maxChats: 1, slack: { userId: U0BOB } }
  - { id: carol, firstName: Carol, lastName: Lefèvre, email: carol@example.com, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [it-support], availability: manual, slack: { userId: U0CAROL } }
`,
    'presence.yaml',
    DIRECTORY_SECTIONS,
  );

interface World {
  fake: FakeSlack;
  h: Harness;
  /** Moves the service's clock forward. */
  advance(ms: number): void;
}
let worlds: Array<{ fake: FakeSlack; h: Harness }> = [];
afterEach(async () => {
  for (const w of worlds) {
    await w.h.stop();
    await w.fake.close();
  }
  worlds = [];
});

async function start(env: Record<string, string>, o: { aliceMax?: number } = {}): Promise<World> {
  const fake = await FakeSlack.start();
  const slackEnv = {
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    PRESENCE_SLACK_PER_MINUTE: env.PRESENCE_SLACK_PER_MINUTE ?? '600',
  };
  let skew = 0;
  const h = await startHarness({
    env: { ...slackEnv, AVAILABILITY_MODE: 'presence', PRESENCE_GRACE_SECONDS: '120', ...env },
    platforms: [slackModule(loadEnv(slackEnv))],
    recording: false,
    directory: directory(o),
    now: () => Date.now() + skew,
  });
  worlds.push({ fake, h });
  // Carol (manual) is Away by hand: the chats are Alice's and Bob's to take.
  await h.service.ctx.store.sessions.setAvailable('carol', false);
  return { fake, h, advance: (ms) => (skew += ms) };
}

const stateOf = async (w: World, id: string) => (await availabilities(w.h.service.ctx)).of(id);
const record = async (w: World, id: string) =>
  (await w.h.service.ctx.store.presence.read()).presence.get(id)?.find((r) => r.platform === 'slack');
const newChat = async (w: World, name: string) => {
  const r = await json(`${w.h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name }, text: `hello from ${name}` },
  });
  expect(r.status).toBe(201);
  return { id: r.body.session.id as string, token: r.body.token as string };
};
const ownerOf = async (w: World, id: string) => (await w.h.service.ctx.store.sessions.get(id))?.ownerId;
const presenceCalls = (w: World, user?: string) =>
  w.fake.calls('users.getPresence').filter((c) => !user || c.args.user === user);

describe('availability from Slack presence', () => {
  it('close Slack: out of the picker, chats go to a colleague; come back: the oldest waiting chat comes to you', async () => {
    const w = await start({});
    await waitFor(
      async () => (await record(w, 'alice'))?.online && (await record(w, 'bob'))?.online,
      5000,
      'both seen online',
    );
    expect(await stateOf(w, 'alice')).toEqual({ state: 'available', source: 'slack' });

    // Alice closes Slack. Within the grace she stays Available.
    w.fake.presence.set('U0ALICE', 'away');
    await waitFor(async () => (await record(w, 'alice'))?.online === false, 5000, 'Alice seen offline');
    expect((await stateOf(w, 'alice')).state).toBe('available');
    // The grace passes: at the next poll she is Away (Slack).
    w.advance(121_000);
    await waitFor(async () => (await stateOf(w, 'alice')).state === 'away', 5000, 'Alice Away');
    expect(await stateOf(w, 'alice')).toEqual({ state: 'away', source: 'slack' });
    // Her App Home says so, with the source.
    await w.fake.waitFor(
      (c) =>
        c.method === 'views.publish' &&
        c.args.user_id === 'U0ALICE' &&
        JSON.stringify(c.args.view).includes('Away (Slack)'),
    );
    const metrics = await (await fetch(`${w.h.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_agents\{state="away",source="slack"\} 1/);
    expect(metrics).toMatch(/switchboard_presence_budget_per_minute\{platform="slack"\} 600/);

    // A new chat goes to Bob (with both free, Alice would be first in line).
    const first = await newChat(w, 'Una');
    await waitFor(async () => (await ownerOf(w, first.id)) === 'bob', 5000, 'routed to Bob');
    // In Bob's picker, Alice is shown as Away (Slack) and cannot be picked.
    const picker = await inviteCandidates(w.h.service.ctx, first.id, 'bob', 'ali');
    const alice = picker.find((c) => c.agent.id === 'alice')!;
    expect(alice.verdict.ok).toBe(false);
    expect(alice.reason).toBe('Alice is Away (Slack).');
    // The same through Slack: Bob's invite modal, searching "ali".
    const root = await waitFor(
      () =>
        w.fake
          .messages('C0ITSUPPORT')
          .find((m) => !m.thread_ts && JSON.stringify(m.blocks ?? '').includes('invite.open')),
      5000,
      'the root with Invite',
    );
    const slack = new SlackRequests(w.h.url);
    await slack.click('U0BOB', 'invite.open', { sessionId: first.id }, { channel: 'C0ITSUPPORT', ts: root.ts });
    const modal = await w.fake.waitFor(
      (c) => c.method === 'views.open' && JSON.stringify(c.args.view).includes('external_select'),
    );
    const view = modal.args.view as { callback_id: string; private_metadata: string };
    const found = await slack.interaction({
      type: 'block_suggestion',
      user: { id: 'U0BOB' },
      action_id: 'agentId',
      block_id: 'agentId',
      value: 'ali',
      view: { id: 'V1', callback_id: view.callback_id, private_metadata: view.private_metadata },
    });
    expect(JSON.stringify(found.json.options)).toContain('Alice is Away (Slack)');
    // Every home, root and modal so far (availability by presence among them) is what Slack's types allow.
    expect(sentPayloadTypeErrors(w.fake.calls(), 'presence')[1]).toEqual([]);

    // Bob is full: the next two wait.
    const second = await newChat(w, 'Vic');
    const third = await newChat(w, 'Wes');
    await new Promise((r) => setTimeout(r, 300));
    expect([await ownerOf(w, second.id), await ownerOf(w, third.id)]).toEqual([undefined, undefined]);
    // Accepting by hand is refused too, and says why.
    await expect(accept(w.h.service.ctx, second.id, w.h.service.ctx.directory.get().agent('alice'))).rejects.toThrow(
      'You are Away: Slack has shown you offline.',
    );

    // Alice opens Slack again: at the next poll she is Available, and the oldest waiting chat is hers.
    w.fake.presence.set('U0ALICE', 'active');
    await waitFor(
      async () => (await ownerOf(w, second.id)) === 'alice',
      4000,
      'the oldest waiting chat to Alice (routed on her return)',
    );
    expect(await ownerOf(w, third.id)).toBeUndefined();
    expect(await stateOf(w, 'alice')).toEqual({ state: 'available', source: 'slack' });
  });

  it('keeps to the budget, spread over the minute; a 429 slows down and marks nobody Away; lost consent leaves the agents manual', async () => {
    const w = await start({ PRESENCE_SLACK_PER_MINUTE: '120' });
    await waitFor(() => presenceCalls(w).length >= 1, 5000, 'polling');
    const from = presenceCalls(w)[0]!.at;
    await new Promise((r) => setTimeout(r, 2_600));
    // 120 a minute: one call every 500 ms, never in a burst.
    const calls = presenceCalls(w).filter((c) => c.at <= from + 2_600);
    // At most 6 (a slow machine may make fewer, never more).
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(6);
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(450);
    // Each agent in turn.
    expect(new Set(calls.slice(0, 2).map((c) => c.args.user))).toEqual(new Set(['U0ALICE', 'U0BOB']));

    // Alice seen offline; then Slack answers 429 while the grace passes: she stays Available.
    w.fake.presence.set('U0ALICE', 'away');
    await waitFor(async () => (await record(w, 'alice'))?.online === false, 5000, 'Alice seen offline');
    w.fake.failNext('users.getPresence', { status: 429, retryAfter: 2 });
    w.advance(121_000);
    const limited = await w.fake.waitFor((c) => c.method === 'users.getPresence' && c.status === 429);
    expect((await stateOf(w, 'alice')).state).toBe('available');
    // Slowed down: nothing until Retry-After has passed.
    const next = await w.fake.waitFor((c) => c.method === 'users.getPresence' && c.at > limited.at, 5000);
    expect(next.at - limited.at).toBeGreaterThanOrEqual(1_900);
    await waitFor(async () => (await stateOf(w, 'alice')).state === 'away', 5000, 'Away once observed');
    expect(await (await fetch(`${w.h.url}/metrics`)).text()).toMatch(
      /switchboard_presence_calls_total\{platform="slack",outcome="rate_limited"\} 1/,
    );

    // The app loses users:read: what Slack said is forgotten, Alice is on her own toggle (Available), and polling stops.
    w.fake.failNext('users.getPresence', { error: 'missing_scope' });
    await w.fake.waitFor((c) => c.method === 'users.getPresence' && c.error === 'missing_scope');
    await waitFor(async () => (await stateOf(w, 'alice')).source === 'manual', 5000, 'Alice manual');
    expect(await stateOf(w, 'alice')).toEqual({ state: 'available', source: 'manual' });
    const count = presenceCalls(w).length;
    await new Promise((r) => setTimeout(r, 1_200));
    expect(presenceCalls(w).length).toBe(count);
  });

  it('agents with an owned chat are asked first in each round', async () => {
    const w = await start({});
    const ctx = w.h.service.ctx;
    // Carol in presence mode too, for a round of three: Alice, Bob, Carol in directory order.
    await ctx.store.sessions.setAvailable('carol', true);
    ctx.directory.set(
      parseDirectory(
        `
queues:
  - { id: it-support, name: IT Support, routing: auto, slack: { channel: C0ITSUPPORT } }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support], slack: { userId: U0ALICE } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support], slack: { userId: U0BOB } }
  - { id: carol, firstName: Carol, lastName: Lefèvre, email: carol@example.com, permissions: [ESChat_Agent], queues: [it-support], slack: { userId: U0CAROL } }
`,
        'three.yaml',
        DIRECTORY_SECTIONS,
      ),
    );
    await waitFor(() => presenceCalls(w, 'U0CAROL').length >= 1, 5000, 'Carol polled');
    for (const a of ['alice', 'carol']) await ctx.store.sessions.setAvailable(a, false);
    const chat = await newChat(w, 'Una');
    await waitFor(async () => (await ownerOf(w, chat.id)) === 'bob', 5000, 'to Bob');
    const after = Date.now();
    await new Promise((r) => setTimeout(r, 1_500));
    // Rounds are now Bob, Alice, Carol (not Alice, Bob, Carol): after Bob comes Alice.
    const users = presenceCalls(w)
      .filter((c) => c.at > after + 400)
      .map((c) => c.args.user);
    const nextAfterBob = users.flatMap((u, i) => (u === 'U0BOB' && users[i + 1] ? [users[i + 1]] : []));
    expect(nextAfterBob.length).toBeGreaterThanOrEqual(1);
    expect(new Set(nextAfterBob)).toEqual(new Set(['U0ALICE']));
  });

  it('one instance polls at a time: two replicas on one Redis keep to one budget, and the other takes over when it stops', async () => {
    const w = await start({ PRESENCE_SLACK_PER_MINUTE: '120' });
    const slackEnv = {
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: w.fake.url,
      PRESENCE_SLACK_PER_MINUTE: '120',
    };
    const other = await startHarness({
      prefix: w.h.prefix,
      env: { ...slackEnv, AVAILABILITY_MODE: 'presence' },
      platforms: [slackModule(loadEnv(slackEnv))],
      recording: false,
      directory: directory(),
    });
    await waitFor(() => presenceCalls(w).length >= 1, 5000, 'polling');
    const from = Date.now();
    await new Promise((r) => setTimeout(r, 2_600));
    const calls = presenceCalls(w).filter((c) => c.at >= from && c.at <= from + 2_600);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(6);
    // The first stops (and gives up its lease): the other goes on.
    await w.h.service.stop();
    worlds = worlds.filter((x) => x.h !== w.h);
    worlds.push({ fake: w.fake, h: other });
    const stoppedAt = Date.now();
    await waitFor(() => presenceCalls(w).some((c) => c.at > stoppedAt + 100), 5000, 'the other instance polls');
  });

  it('OWNER_AWAY_REQUEUE_SECONDS: an owner offline that long has the chats whose end user waits released; the thread and the supervisors are told', async () => {
    const w = await start({ OWNER_AWAY_REQUEUE_SECONDS: '300', PRESENCE_SLACK_PER_MINUTE: '600' }, { aliceMax: 2 });
    const ctx = w.h.service.ctx;
    await ctx.store.sessions.setAvailable('bob', false);
    const waits = await newChat(w, 'Una');
    const answered = await newChat(w, 'Vic');
    await waitFor(
      async () => (await ownerOf(w, waits.id)) === 'alice' && (await ownerOf(w, answered.id)) === 'alice',
      5000,
      'both to Alice',
    );
    // Una writes again after Alice's answer; Vic had the last word from Alice.
    for (const id of [waits.id, answered.id]) {
      expect(
        (
          await json(`${w.h.url}/api/v1/sessions/${id}/agent-messages`, {
            method: 'POST',
            apiKey: 'test-key',
            body: { agentId: 'alice', text: 'On it' },
          })
        ).status,
      ).toBe(202);
    }
    expect(
      (
        await json(`${w.h.url}/api/v1/sessions/${waits.id}/messages`, {
          method: 'POST',
          token: waits.token,
          body: { text: 'Still there?' },
        })
      ).status,
    ).toBe(202);

    w.fake.presence.set('U0ALICE', 'away');
    await waitFor(async () => (await record(w, 'alice'))?.online === false, 5000, 'Alice seen offline');
    w.advance(121_000);
    await waitFor(async () => (await stateOf(w, 'alice')).state === 'away', 5000, 'Alice Away');
    // Away, but not offline for 300 s yet: the chats stay hers.
    await new Promise((r) => setTimeout(r, 300));
    expect(await ownerOf(w, waits.id)).toBe('alice');
    w.advance(180_000);
    await waitFor(async () => (await ctx.store.sessions.get(waits.id))?.status === 'waiting', 5000, 'released');
    expect(await ownerOf(w, answered.id)).toBe('alice');
    const root = w.fake
      .messages('C0ITSUPPORT')
      .find((m) => !m.thread_ts && JSON.stringify(m.blocks ?? m.text).includes('Una'))!;
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === root.ts &&
        /offline \(Slack\)/.test(String(c.args.text)),
    );
    // Carol, the queue's supervisor, gets the card to take it.
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === w.fake.dmChannel('U0CAROL') &&
        /Una/.test(JSON.stringify(c.args)),
    );
  });
});
