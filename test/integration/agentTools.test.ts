import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InviteExpiryQueue } from '../../jobs/inviteExpiry.js';
import * as canned from '../../src/app/canned.js';
import { Refused } from '../../src/app/errors.js';
import * as overdue from '../../src/app/overdue.js';
import * as sessions from '../../src/app/sessions.js';
import { joinAs } from '../../src/app/sessions.js';
import { type Harness, json, startHarness, testDirectory, waitFor } from '../support/harness.js';

/**
 * Agents' tools (README "Agents' tools") through the API and the timers' handlers, on a
 * controlled clock: the BullMQ jobs are checked where they stand, and run by calling their
 * handlers with the clock moved on (late, twice, after a reply).
 */
const DIRECTORY = `
queues:
  - id: it-support
    name: IT Support
    slack: { channel: C0ITSUPPORT }
    canned:
      - { shortcut: hello, title: Greeting, text: "Hi {user.name}, {agent.name} of {queue.name} here." }
      - { shortcut: bye, title: Goodbye, text: "Bye {user.name}!" }
    firstResponseSeconds: 60
    nextResponseSeconds: 30
    idleWarnSeconds: 120
    idleEndSeconds: 300
    outcomes: [resolved, escalated]
  - id: hr
    name: HR
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support], slack: { userId: U0ALICE } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support] }
  - { id: dan, firstName: Dan, lastName: Ortiz, email: dan@example.com, permissions: [ESChat_Agent], queues: [it-support] }
  - { id: carol, firstName: Carol, lastName: Lefèvre, email: carol@example.com, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [it-support, hr] }
`;

let h: Harness;
let clock = Date.now();
const KEY = 'test-key';
beforeAll(async () => {
  h = await startHarness({ directory: testDirectory(DIRECTORY), now: () => clock });
});
afterAll(async () => h?.stop());

const ctx = () => h.service.ctx;
const dir = () => ctx().directory.get();
const job = (id: string) => (ctx().timers as InviteExpiryQueue).queue.getJob(id);
const advance = (seconds: number) => {
  clock += seconds * 1000;
};

async function activeChat(user = 'Zed') {
  const r = await json(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: user }, text: 'my VPN is down' },
  });
  const id = r.body.session.id as string;
  await sessions.accept(ctx(), id, dir().agent('alice'));
  return { id, token: r.body.token as string };
}
const userMessages = async (c: { id: string; token: string }) =>
  (
    (await json(`${h.url}/api/v1/sessions/${c.id}/messages`, { token: c.token })).body.messages as Array<{
      kind: string;
      author?: string;
      text?: string;
    }>
  ).filter((m) => m.kind === 'message');
const breaches = async (kind: 'first' | 'next') => {
  const text = await h.service.metrics.registry.getSingleMetricAsString('switchboard_response_breaches_total');
  return Number(new RegExp(`queue="it-support",kind="${kind}"} (\\d+)`).exec(text)?.[1] ?? 0);
};
const refusal = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: unknown) => (err instanceof Refused ? err.code : String(err)),
  );

describe('canned replies', () => {
  it("go to the end user as the agent's own reply, placeholders filled, also in the thread", async () => {
    const chat = await activeChat('Zed Cole');
    const r = await json(`${h.url}/api/v1/sessions/${chat.id}/canned`, {
      method: 'POST',
      apiKey: KEY,
      body: { agentId: 'alice', shortcut: 'hello' },
    });
    expect(r.status).toBe(202);
    expect(r.body.message).toMatchObject({
      author: 'agent',
      name: 'Alice',
      text: 'Hi Zed Cole, Alice of IT Support here.',
    });
    expect((await userMessages(chat)).map((m) => m.text)).toContain('Hi Zed Cole, Alice of IT Support here.');
    await waitFor(
      () =>
        h.recording.calls.some(
          (c) => c.op === 'post' && c.to.includes(chat.id) && c.text.includes('Hi Zed Cole, Alice of IT Support here.'),
        ),
      5000,
      'the line in the thread',
    );
  });

  it('are refused to a monitor (409), to someone outside the chat, for an unknown shortcut, and before the chat is taken', async () => {
    const chat = await activeChat();
    await joinAs(ctx(), chat.id, dir().agent('carol')!, 'monitor', 'supervisor');
    const before = (await userMessages(chat)).length;
    const monitor = await json(`${h.url}/api/v1/sessions/${chat.id}/canned`, {
      method: 'POST',
      apiKey: KEY,
      body: { agentId: 'carol', shortcut: 'hello' },
    });
    expect(monitor.status).toBe(409);
    expect(monitor.body.error.code).toBe('forbidden');
    expect(monitor.body.error.message).toMatch(/monitoring/);
    const outsider = await json(`${h.url}/api/v1/sessions/${chat.id}/canned`, {
      method: 'POST',
      apiKey: KEY,
      body: { agentId: 'dan', shortcut: 'hello' },
    });
    expect([outsider.status, outsider.body.error.code]).toEqual([409, 'not_member']);
    const unknown = await json(`${h.url}/api/v1/sessions/${chat.id}/canned`, {
      method: 'POST',
      apiKey: KEY,
      body: { agentId: 'alice', shortcut: 'nope' },
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'canned_not_found']);
    const noKey = await json(`${h.url}/api/v1/sessions/${chat.id}/canned`, {
      method: 'POST',
      body: { agentId: 'alice', shortcut: 'hello' },
    });
    expect(noKey.status).toBe(401);
    expect((await userMessages(chat)).length).toBe(before);
    const waiting = (
      await json(`${h.url}/api/v1/sessions`, { method: 'POST', body: { queue: 'it-support', user: { name: 'Wai' } } })
    ).body.session.id as string;
    expect(
      await refusal(
        canned.sendCanned(ctx(), {
          sessionId: waiting,
          agent: dir().agent('alice')!,
          shortcut: 'hello',
          origin: 'api',
        }),
      ),
    ).toBe('not_active');
  });

  it("personal ones: added, edited, removed, shared by every instance, and theirs win over the queue's", async () => {
    await canned.savePersonal(ctx(), 'alice', {
      shortcut: 'bye',
      title: 'My goodbye',
      text: 'Cheers {user.name}, {agent.name}',
    });
    await canned.savePersonal(ctx(), 'alice', { shortcut: 'Bye', title: 'My goodbye', text: 'Take care {user.name}' });
    const other = await startHarness({ prefix: h.prefix, directory: testDirectory(DIRECTORY) });
    try {
      expect(await other.service.ctx.store.canned.list('alice')).toEqual([
        { shortcut: 'bye', title: 'My goodbye', text: 'Take care {user.name}' },
      ]);
    } finally {
      await other.service.stop();
    }
    const chat = await activeChat('Yan');
    const sent = await canned.sendCanned(ctx(), {
      sessionId: chat.id,
      agent: dir().agent('alice')!,
      shortcut: 'bye',
      origin: 'api',
    });
    expect(sent.entry.text).toBe('Take care Yan');
    expect(await refusal(canned.savePersonal(ctx(), 'alice', { shortcut: 'no spaces', title: 't', text: 'x' }))).toBe(
      'canned_invalid',
    );
    await canned.removePersonal(ctx(), 'alice', 'bye');
    expect(await ctx().store.canned.list('alice')).toEqual([]);
    expect(await refusal(canned.removePersonal(ctx(), 'alice', 'bye'))).toBe('canned_not_found');
    // Without hers, the queue's.
    expect(
      (
        await canned.sendCanned(ctx(), {
          sessionId: chat.id,
          agent: dir().agent('alice')!,
          shortcut: 'bye',
          origin: 'api',
        })
      ).entry.text,
    ).toBe('Bye Yan!');
  });

  it('a canned text that starts like a note still goes to the customer', async () => {
    await canned.savePersonal(ctx(), 'bob', {
      shortcut: 'n',
      title: 'Note-like',
      text: 'note: we are closed on Monday',
    });
    const chat = await activeChat();
    await joinAs(ctx(), chat.id, dir().agent('bob')!, 'participant', 'invite');
    const sent = await canned.sendCanned(ctx(), {
      sessionId: chat.id,
      agent: dir().agent('bob')!,
      shortcut: 'n',
      origin: 'api',
    });
    expect(sent.entry.visibility).toBe('public');
    expect((await userMessages(chat)).map((m) => m.text)).toContain('note: we are closed on Monday');
  });
});

describe('response targets, on a controlled clock', () => {
  it("a first reply overdue: one warning mentioning the owner, then at twice the target the supervisors' help card; the reply stops it", async () => {
    const chat = await activeChat('Ann');
    const accepted = clock;
    const warn = await job(`respond-warn-${chat.id}`);
    expect(warn?.data).toEqual({ sessionId: chat.id, stage: 'warn', since: `accept:${accepted}` });
    expect(await warn!.isDelayed()).toBe(true);
    const before = await breaches('first');
    advance(61);
    expect(await overdue.responseDue(ctx(), chat.id, 'warn', `accept:${accepted}`)).toBe(true);
    // Fired once: a repeat does nothing.
    expect(await overdue.responseDue(ctx(), chat.id, 'warn', `accept:${accepted}`)).toBe(false);
    expect(await breaches('first')).toBe(before + 1);
    await waitFor(
      () =>
        h.recording.calls.some(
          (c) =>
            c.op === 'post' &&
            c.to.includes(chat.id) &&
            /@Alice Ng: Ann has waited 1 min 1 s for a first reply \(target 1 min\)/.test(c.text),
        ),
      5000,
      'the warning line',
    );
    expect(
      h.recording.calls.filter((c) => c.op === 'post' && c.to.includes(chat.id) && /has waited/.test(c.text)),
    ).toHaveLength(1);
    expect((await job(`respond-alert-${chat.id}`))?.data).toMatchObject({
      stage: 'alert',
      since: `accept:${accepted}`,
    });
    advance(60);
    expect(await overdue.responseDue(ctx(), chat.id, 'alert', `accept:${accepted}`)).toBe(true);
    expect(await overdue.responseDue(ctx(), chat.id, 'alert', `accept:${accepted}`)).toBe(false);
    const help = (await ctx().store.invites.list(chat.id)).filter((i) => i.kind === 'help');
    expect(help.map((i) => [i.inviteeId, i.status])).toEqual([['carol', 'pending']]);
    expect(help[0]!.note).toMatch(/Reply overdue: Ann has waited 2 min 1 s/);
    await waitFor(
      () =>
        h.recording.calls.some(
          (c) =>
            c.op === 'post' &&
            c.to.includes(chat.id) &&
            /Still no reply after 2 min 1 s: the supervisors of IT Support/.test(c.text),
        ),
      5000,
      'the overdue line',
    );
    // The reply ends the wait: its timers go, and a late one finds nothing to do.
    await sessions.agentReply(ctx(), {
      sessionId: chat.id,
      agent: dir().agent('alice')!,
      text: 'On it',
      origin: 'api',
    });
    expect(await job(`respond-alert-${chat.id}`)).toBeUndefined();
    expect(await ctx().store.replyClock.current(chat.id)).toBeUndefined();
  });

  it("no breach when answered in time; the end user's next message starts a next-reply wait, cancelled by the reply", async () => {
    const chat = await activeChat('Bea');
    const accepted = clock;
    const first = await breaches('first');
    const next = await breaches('next');
    advance(30);
    await sessions.agentReply(ctx(), {
      sessionId: chat.id,
      agent: dir().agent('alice')!,
      text: 'Hello Bea',
      origin: 'api',
    });
    expect(await job(`respond-warn-${chat.id}`)).toBeUndefined();
    advance(60);
    expect(await overdue.responseDue(ctx(), chat.id, 'warn', `accept:${accepted}`)).toBe(false);
    const m = await json(`${h.url}/api/v1/sessions/${chat.id}/messages`, {
      method: 'POST',
      token: chat.token,
      body: { text: 'still broken' },
    });
    const since = m.body.message.id as string;
    expect(await ctx().store.replyClock.current(chat.id)).toMatchObject({ id: since, kind: 'next' });
    expect((await job(`respond-warn-${chat.id}`))?.data).toEqual({ sessionId: chat.id, stage: 'warn', since });
    // A second message in the same wait does not move it.
    await json(`${h.url}/api/v1/sessions/${chat.id}/messages`, {
      method: 'POST',
      token: chat.token,
      body: { text: 'hello?' },
    });
    expect((await ctx().store.replyClock.current(chat.id))?.id).toBe(since);
    advance(10);
    await sessions.agentReply(ctx(), {
      sessionId: chat.id,
      agent: dir().agent('alice')!,
      text: 'Looking',
      origin: 'api',
    });
    expect(await job(`respond-warn-${chat.id}`)).toBeUndefined();
    advance(60);
    expect(await overdue.responseDue(ctx(), chat.id, 'warn', since)).toBe(false);
    expect([await breaches('first'), await breaches('next')]).toEqual([first, next]);
    // A note is not an answer to the customer.
    const m2 = await json(`${h.url}/api/v1/sessions/${chat.id}/messages`, {
      method: 'POST',
      token: chat.token,
      body: { text: 'and now?' },
    });
    await sessions.agentReply(ctx(), {
      sessionId: chat.id,
      agent: dir().agent('alice')!,
      text: 'note: VIP',
      origin: 'api',
    });
    expect((await ctx().store.replyClock.current(chat.id))?.id).toBe(m2.body.message.id);
    advance(31);
    expect(await overdue.responseDue(ctx(), chat.id, 'warn', m2.body.message.id as string)).toBe(true);
    expect(await breaches('next')).toBe(next + 1);
  });

  it('stop when the chat ends or goes back to its queue', async () => {
    const chat = await activeChat();
    const since = `accept:${clock}`;
    await json(`${h.url}/api/v1/sessions/${chat.id}/release`, {
      method: 'POST',
      apiKey: KEY,
      body: { agentId: 'alice' },
    });
    expect(await job(`respond-warn-${chat.id}`)).toBeUndefined();
    advance(61);
    expect(await overdue.responseDue(ctx(), chat.id, 'warn', since)).toBe(false);
  });
});

describe('idle chats, on a controlled clock', () => {
  it('the end user is asked once whether they are there; a message from them resets it', async () => {
    const chat = await activeChat('Cid');
    const { entry } = await sessions.agentReply(ctx(), {
      sessionId: chat.id,
      agent: dir().agent('alice')!,
      text: 'Try now',
      origin: 'api',
    });
    expect((await job(`idle-warn-${chat.id}`))?.data).toEqual({ sessionId: chat.id, stage: 'warn', after: entry.id });
    expect((await job(`idle-end-${chat.id}`))?.data).toEqual({ sessionId: chat.id, stage: 'end', after: entry.id });
    advance(121);
    expect(await overdue.idleDue(ctx(), chat.id, 'warn', entry.id)).toBe(true);
    expect(await overdue.idleDue(ctx(), chat.id, 'warn', entry.id)).toBe(false);
    expect((await userMessages(chat)).filter((m) => m.text === 'Are you still there?')).toHaveLength(1);
    await json(`${h.url}/api/v1/sessions/${chat.id}/messages`, {
      method: 'POST',
      token: chat.token,
      body: { text: 'yes!' },
    });
    expect(await job(`idle-end-${chat.id}`)).toBeUndefined();
    advance(200);
    expect(await overdue.idleDue(ctx(), chat.id, 'end', entry.id)).toBe(false);
    expect((await ctx().store.sessions.get(chat.id))?.status).toBe('active');
  });

  it("ends after idleEndSeconds: endReason idle, the end user, the thread and the root told, the owner's slot freed", async () => {
    const chat = await activeChat('Dee');
    expect(await ctx().store.lists.read('owns', 'alice')).toContain(chat.id);
    const { entry } = await sessions.agentReply(ctx(), {
      sessionId: chat.id,
      agent: dir().agent('alice')!,
      text: 'Anything else?',
      origin: 'api',
    });
    advance(301);
    expect(await overdue.idleDue(ctx(), chat.id, 'end', entry.id)).toBe(true);
    expect(await overdue.idleDue(ctx(), chat.id, 'end', entry.id)).toBe(false);
    const s = (await json(`${h.url}/api/v1/sessions/${chat.id}`, { token: chat.token })).body.session;
    expect([s.status, s.endReason]).toEqual(['ended', 'idle']);
    expect((await userMessages(chat)).at(-1)?.text).toMatch(/closed because we had no answer/);
    expect(await ctx().store.lists.read('owns', 'alice')).not.toContain(chat.id);
    await waitFor(
      () =>
        h.recording.calls.some(
          (c) => c.op === 'post' && c.to.includes(chat.id) && /Dee did not answer: the chat has ended/.test(c.text),
        ),
      10_000,
      'the thread line',
    );
    await waitFor(
      () =>
        h.recording.calls.some(
          (c) => c.op === 'update' && c.meta?.kind === 'root' && c.meta.id === chat.id && /Ended \(idle\)/.test(c.text),
        ),
      10_000,
      'the root',
    );
    expect(await job(`idle-warn-${chat.id}`)).toBeUndefined();
  });
});

describe('wrap-up', () => {
  it("the API ends with an outcome of the queue's and a note: kept, on the root, returned with the session", async () => {
    const chat = await activeChat();
    const r = await json(`${h.url}/api/v1/sessions/${chat.id}/end`, {
      method: 'POST',
      apiKey: KEY,
      body: { agentId: 'alice', outcome: 'resolved', note: 'Reset the profile' },
    });
    expect(r.status).toBe(200);
    expect(r.body.session).toMatchObject({ status: 'ended', outcome: 'resolved', outcomeNote: 'Reset the profile' });
    // The end user sees the outcome, never the note.
    const seen = (await json(`${h.url}/api/v1/sessions/${chat.id}`, { token: chat.token })).body.session;
    expect([seen.outcome, seen.outcomeNote]).toEqual(['resolved', undefined]);
    await waitFor(
      () =>
        h.recording.calls.some(
          (c) =>
            c.op === 'update' &&
            c.meta?.kind === 'root' &&
            c.meta.id === chat.id &&
            /Outcome/.test(c.text) &&
            /resolved/.test(c.text),
        ),
      5000,
      'the root with the outcome',
    );
  });

  it('refuses an outcome the queue does not list (400), someone not the owner (409), and without an API key (401): nothing changes', async () => {
    const chat = await activeChat();
    await joinAs(ctx(), chat.id, dir().agent('bob')!, 'participant', 'invite');
    const bad = await json(`${h.url}/api/v1/sessions/${chat.id}/end`, {
      method: 'POST',
      apiKey: KEY,
      body: { agentId: 'alice', outcome: 'solved' },
    });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid']);
    expect(bad.body.error.message).toMatch(/resolved, escalated/);
    const participant = await json(`${h.url}/api/v1/sessions/${chat.id}/end`, {
      method: 'POST',
      apiKey: KEY,
      body: { agentId: 'bob', outcome: 'resolved' },
    });
    expect([participant.status, participant.body.error.code]).toEqual([409, 'forbidden']);
    const keyless = await json(`${h.url}/api/v1/sessions/${chat.id}/end`, {
      method: 'POST',
      body: { agentId: 'alice', outcome: 'resolved' },
    });
    expect(keyless.status).toBe(401);
    const wrongKey = await json(`${h.url}/api/v1/sessions/${chat.id}/end`, {
      method: 'POST',
      apiKey: 'nope',
      body: { agentId: 'alice', outcome: 'resolved' },
    });
    expect(wrongKey.status).toBe(401);
    expect((await ctx().store.sessions.get(chat.id))?.status).toBe('active');
    // Where people end chats (a dialog, a card), a queue with outcomes asks for one.
    expect(await refusal(sessions.endSession(ctx(), chat.id, 'alice', { required: true }))).toBe('invalid');
    expect((await ctx().store.sessions.get(chat.id))?.status).toBe('active');
  });
});
