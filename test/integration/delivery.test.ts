import { afterEach, describe, expect, it } from 'vitest';
import * as sessions from '../../src/app/sessions.js';
import type { Session } from '../../src/domain/session.js';
import type { MessageEntry } from '../../src/domain/transcript.js';
import { cleanup, type Harness, startHarness, uniquePrefix, waitFor } from '../support/harness.js';
import { PacedRecording, shownBy } from '../support/pacedRecording.js';

/**
 * The delivery engine as a destination sees it: in order per chat on every mirror, at the
 * platform's pace, merging what waits, fair to every chat of a busy channel.
 */
let hs: Harness[] = [];
afterEach(async () => {
  await Promise.all(hs.map((h) => h.service.stop().catch(() => undefined)));
  await Promise.all([...new Set(hs.map((h) => h.prefix))].map(cleanup));
  hs = [];
});

async function start(o: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness(o);
  hs.push(h);
  return h;
}

const newChat = async (h: Harness): Promise<Session> =>
  (await sessions.createSession(h.service.ctx, { queueId: 'it-support', user: { name: 'Zed' } })).session;

describe('delivery engine', () => {
  it('keeps each chat in order on every mirror while two instances commit to one Redis', async () => {
    const prefix = uniquePrefix();
    // Two platforms, each one list shared by both instances: what each destination saw, in order.
    const one = new PacedRecording({ perSecond: 50, burst: 5 });
    const two = new PacedRecording({ perSecond: 50, burst: 5 }, 'second');
    const platforms = [() => ({ platform: two })];
    const a = await start({ prefix, recording: one, platforms });
    const b = await start({ prefix, recording: one, platforms });
    const chats = await Promise.all(Array.from({ length: 12 }, (_, i) => newChat(i % 2 ? a : b)));
    const expected = Array.from({ length: 10 }, (_, i) => `m${i}`);
    await Promise.all(
      chats.map(async (s) => {
        for (const [i, text] of expected.entries()) await sessions.userMessage((i % 2 ? a : b).service.ctx, s, text);
      }),
    );
    await waitFor(
      () => chats.every((s) => [one, two].every((p) => shownBy(p.calls, s.id, 'Zed').length >= expected.length)),
      20_000,
      'every line on both platforms',
    );
    for (const p of [one, two]) for (const s of chats) expect(shownBy(p.calls, s.id, 'Zed')).toEqual(expected);
  });

  it("goes at the destination's pace, merging a chat's waiting lines into one post, in order", async () => {
    const shown = new PacedRecording({ perSecond: 2, burst: 1 });
    const h = await start({ recording: shown });
    const s = await newChat(h);
    await waitFor(() => shown.of('open').length === 1, 5000, 'root');
    const texts = Array.from({ length: 12 }, (_, i) => `line ${i}`);
    for (const t of texts) await sessions.userMessage(h.service.ctx, s, t);
    await waitFor(() => shownBy(shown.calls, s.id, 'Zed').length === texts.length, 10_000, 'all lines');
    expect(shownBy(shown.calls, s.id, 'Zed')).toEqual(texts);
    // Twelve lines at two posts a second, the first right after the root: far fewer than twelve posts.
    const posts = shown.of('post').filter((c) => c.to.includes(s.id));
    expect(posts.length).toBeLessThanOrEqual(4);
    expect(posts.some((c) => c.meta?.kind === 'entries')).toBe(true);
  });

  it('an edit or a deletion of a line that went out merged redraws that merged post', async () => {
    // One post every 2 s: the replies typed meanwhile wait, and go out merged (on a loaded machine too).
    const shown = new PacedRecording({ perSecond: 0.5, burst: 1 });
    const h = await start({ recording: shown });
    const ctx = h.service.ctx;
    const alice = ctx.directory.get().agent('alice')!;
    const s = await newChat(h);
    await sessions.accept(ctx, s.id, alice);
    // Typed in another mirror: the recording mirror shows them as lines.
    const reply = (text: string) =>
      sessions.agentReply(ctx, { sessionId: s.id, agent: alice, text, origin: 'elsewhere' });
    const sent: MessageEntry[] = [];
    for (const t of ['one', 'two', 'three', 'four']) sent.push((await reply(t)).entry);
    await waitFor(() => shownBy(shown.calls, s.id, 'Alice Ng').length === 4, 10_000, 'the replies');
    const said = (e: MessageEntry) => `Alice Ng: ${e.text}`;
    // The post that carried two or more of them (which ones depends on when each was typed).
    const mergedPost = shown.calls.find(
      (c) => c.op === 'post' && c.meta?.kind === 'entries' && sent.filter((e) => c.text.includes(said(e))).length >= 2,
    );
    expect(mergedPost).toBeDefined();
    const mergedTo = mergedPost!.to;
    const inMerged = sent.filter((e) => mergedPost!.text.includes(said(e)));
    expect(inMerged.length).toBeGreaterThanOrEqual(2);

    await sessions.agentRevision(ctx, s.id, 'alice', inMerged[0]!.id, 'one, edited');
    await sessions.agentRevision(ctx, s.id, 'alice', inMerged.at(-1)!.id, null);
    const redrawn = () => shown.of('update').filter((c) => c.meta?.kind === 'entries');
    await waitFor(() => redrawn().length >= 2, 10_000, 'the merged post redrawn twice');
    expect(new Set(redrawn().map((c) => c.to)).size).toBe(1);
    const last = redrawn().at(-1)!;
    expect(mergedTo).toContain(s.id);
    // The edited line reads its new text in place; the deleted one says so; the others are untouched.
    const linesNow = last.text.split('\n');
    // (The merged post may also hold other lines of the chat that waited with them.)
    expect(linesNow.length).toBe(mergedPost!.text.split('\n').length);
    expect(linesNow[linesNow.length - inMerged.length]).toMatch(/one, edited/);
    expect(linesNow.at(-1)).not.toContain(said(inMerged.at(-1)!));
    // Nothing was posted anew for the revisions.
    expect(shown.of('post').filter((c) => c.to === mergedTo && /edited/.test(c.text))).toEqual([]);
  });

  it("one end user flooding a chat does not hold up the channel's other chats beyond their turn", async () => {
    const shown = new PacedRecording({ perSecond: 4, burst: 2 });
    const h = await start({ recording: shown, maxBacklog: 1000 });
    const ctx = h.service.ctx;
    const flooder = await newChat(h);
    const others = await Promise.all(Array.from({ length: 4 }, () => newChat(h)));
    await waitFor(() => shown.of('open').length === 5, 5000, 'roots');
    for (let i = 0; i < 60; i++) await sessions.userMessage(ctx, flooder, `flood ${i}`);
    const postsBefore = shown.of('post').length;
    for (const s of others) await sessions.userMessage(ctx, s, 'hello');
    await waitFor(
      () => others.every((s) => shownBy(shown.calls, s.id, 'Zed').length === 1),
      10_000,
      "the others' lines",
    );
    // The others go in the next round of turns: no flooder post between them.
    const posts = shown.of('post').slice(postsBefore);
    const lastOther = Math.max(...others.map((s) => posts.findIndex((c) => c.to.includes(s.id))));
    expect(lastOther).toBeLessThanOrEqual(others.length);
    expect(posts.slice(0, lastOther + 1).filter((c) => c.to.includes(flooder.id)).length).toBeLessThanOrEqual(1);
    await waitFor(() => shownBy(shown.calls, flooder.id, 'Zed').length === 60, 20_000, 'the flood, merged');
    expect(shownBy(shown.calls, flooder.id, 'Zed')).toEqual(Array.from({ length: 60 }, (_, i) => `flood ${i}`));
  });
});
