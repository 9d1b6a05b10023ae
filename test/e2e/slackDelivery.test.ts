import { afterEach, describe, expect, it } from 'vitest';
import { DIRECTORY_YAML, json, testDirectory, waitFor } from '../support/harness.js';
import { type SlackWorld, startSlackWorld } from './slackSetup.js';

/** The delivery engine against Slack's rules: its pace, its ambiguous failures, channel pools. */
let w: SlackWorld;
afterEach(async () => w?.stop());

const CHANNEL = 'C0ITSUPPORT';
const say = (id: string, token: string, text: string) =>
  json(`${w.h.url}/api/v1/sessions/${id}/messages`, { method: 'POST', token, body: { text } });

async function startChat(channel = CHANNEL) {
  const r = await json(`${w.h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' }, text: 'hello' },
  });
  expect(r.status).toBe(201);
  const id = r.body.session.id as string;
  await waitFor(() => w.fake.messages(channel).length > 0 || undefined, 5000, 'a root');
  return { id, token: r.body.token as string };
}

/** The root message of a chat, wherever its pool put it. */
const rootOf = (sessionId: string) =>
  w.fake.messages().find((m) => !m.thread_ts && JSON.stringify(m.blocks ?? []).includes(sessionId));

/** What the thread under a root shows, one line per relayed message, in order. */
const threadLines = (channel: string, ts: string) =>
  w.fake
    .messages(channel)
    .filter((m) => m.thread_ts === ts)
    .flatMap((m) => (m.text ?? '').split('\n'));

describe('Slack delivery', () => {
  it('tags every post with its delivery id, and after a 500 that was stored reads the thread back instead of posting twice', async () => {
    w = await startSlackWorld();
    const chat = await startChat();
    const root = await waitFor(() => rootOf(chat.id), 5000, 'root');
    await waitFor(() => threadLines(CHANNEL, root.ts).some((l) => l.includes('hello')), 5000, 'first line');
    for (const m of w.fake.messages(CHANNEL)) {
      expect(m.metadata?.event_type).toBe('switchboard_delivery');
      expect(typeof m.metadata?.event_payload?.id).toBe('string');
    }
    w.fake.failNext('chat.postMessage', { status: 500, stored: true });
    expect((await say(chat.id, chat.token, 'stored but lost')).status).toBe(202);
    expect((await say(chat.id, chat.token, 'after it')).status).toBe(202);
    await waitFor(() => threadLines(CHANNEL, root.ts).some((l) => l.includes('after it')), 10_000, 'the line after');
    const lines = threadLines(CHANNEL, root.ts);
    expect(lines.filter((l) => l.includes('stored but lost'))).toHaveLength(1);
    expect(lines.findIndex((l) => l.includes('stored but lost'))).toBeLessThan(
      lines.findIndex((l) => l.includes('after it')),
    );
    expect(w.fake.storedThenFailed).toBe(1);
    const readBack = w.fake.calls('conversations.replies').filter((c) => c.args.ts === root.ts);
    expect(readBack.length).toBeGreaterThanOrEqual(1);
    expect(String(readBack[0]!.args.include_all_metadata)).toBe('true');
    expect(w.fake.violations).toEqual([]);
  });

  it("goes at Slack's pace (1 post/s, burst 4): no 429 at all, each chat in order, its waiting lines merged", async () => {
    w = await startSlackWorld();
    w.fake.limitPosts({ perSecond: 1, burst: 4 });
    const chats = [];
    for (let i = 0; i < 3; i++) chats.push(await startChat());
    const texts = Array.from({ length: 6 }, (_, i) => `line ${i}`);
    for (const t of texts) for (const c of chats) expect((await say(c.id, c.token, t)).status).toBe(202);
    const roots = await Promise.all(chats.map((c) => waitFor(() => rootOf(c.id), 10_000, 'root')));
    await waitFor(
      () => roots.every((r) => threadLines(CHANNEL, r.ts).filter((l) => l.includes('line ')).length === texts.length),
      20_000,
      'all lines',
    );
    for (const r of roots)
      expect(
        threadLines(CHANNEL, r.ts)
          .filter((l) => l.includes('line '))
          .map((l) => /line \d/.exec(l)![0]),
      ).toEqual(texts);
    expect(w.fake.limited).toBe(0);
    // 3 roots and 3 × 7 lines in far fewer posts than 24.
    expect(w.fake.calls('chat.postMessage').length).toBeLessThan(15);
  });

  it("spreads a queue's new chats over its channel pool, least loaded first, even when they come at once", async () => {
    const yaml = DIRECTORY_YAML.replace(
      'slack: { channel: C0ITSUPPORT }',
      'slack: { channels: [C0POOLA, C0POOLB, C0POOLC] }',
    );
    w = await startSlackWorld({}, testDirectory(yaml));
    // All at once: each picks its channel and counts itself in one step.
    await Promise.all(
      Array.from({ length: 9 }, () =>
        json(`${w.h.url}/api/v1/sessions`, { method: 'POST', body: { queue: 'it-support', user: { name: 'Zed' } } }),
      ),
    );
    await waitFor(
      () =>
        ['C0POOLA', 'C0POOLB', 'C0POOLC'].reduce(
          (n, c) => n + w.fake.messages(c).filter((m) => !m.thread_ts).length,
          0,
        ) === 9,
      10_000,
      'nine roots',
    );
    for (const c of ['C0POOLA', 'C0POOLB', 'C0POOLC'])
      expect(w.fake.messages(c).filter((m) => !m.thread_ts)).toHaveLength(3);
  });
});
