import { afterEach, describe, expect, it } from 'vitest';
import { buttons, renderText } from '../../adapters/recording/render.js';
import * as sessions from '../../src/app/sessions.js';
import { homeSurface } from '../../src/app/surfaces/home.js';
import { homeView } from '../../src/app/views.js';
import { type Harness, json, startHarness, testDirectory, waitFor } from '../support/harness.js';

/** The end user's place in line (live over SSE), escalation, and the supervisors' Waiting list. */
const DIRECTORY = `
queues:
  - { id: it-support, name: IT Support, escalateAfterSeconds: 1 }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support] }
  - { id: carol, firstName: Carol, lastName: Lefèvre, email: carol@example.com, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [it-support] }
`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const create = async () => {
  const r = await json(`${h!.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' } },
  });
  return {
    id: r.body.session.id as string,
    token: r.body.token as string,
    session: r.body.session as Record<string, unknown>,
  };
};

/** Reads an event stream, handing each event's name and data to `seen` until it says stop. */
async function events(url: string, seen: (event: string, data: Record<string, unknown>) => boolean, timeoutMs = 8000) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const res = await fetch(url, { signal: ac.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buf += value;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data && seen(event, JSON.parse(data) as Record<string, unknown>)) return;
      }
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

describe('the queue, as the end user sees it', () => {
  it('carries the place in line and an estimate from recent waits, and updates them live over SSE', async () => {
    h = await startHarness({ directory: testDirectory(DIRECTORY.replace(', escalateAfterSeconds: 1', '')) });
    const first = await create();
    const second = await create();
    const third = await create();
    expect(third.session.queuePosition).toBe(3);
    expect(third.session.estimatedWaitSeconds).toBeUndefined(); // no wait to learn from yet
    await new Promise((r) => setTimeout(r, 1100));
    await sessions.accept(h.service.ctx, first.id, h.service.ctx.directory.get().agent('alice'));
    const now = (await json(`${h.url}/api/v1/sessions/${third.id}`, { token: third.token })).body.session;
    expect(now).toMatchObject({ status: 'waiting', queuePosition: 2 });
    expect(now.estimatedWaitSeconds).toBeGreaterThanOrEqual(2);

    // Live: the stream says where the chat stands at once, and again when someone ahead is taken.
    const positions: number[] = [];
    const watching = events(`${h.url}/api/v1/sessions/${third.id}/events?token=${third.token}`, (event, data) => {
      if (event === 'status' && typeof data.queuePosition === 'number') positions.push(data.queuePosition);
      return positions.includes(1);
    });
    await waitFor(() => positions.length > 0, 5000, 'the first standing');
    await sessions.accept(h.service.ctx, second.id, h.service.ctx.directory.get().agent('carol'));
    await watching;
    expect(positions).toEqual([2, 1]);
    // Once taken, no place in line any more.
    await sessions.accept(h.service.ctx, third.id, h.service.ctx.directory.get().agent('alice')).catch(() => undefined);
    const taken = (await json(`${h.url}/api/v1/sessions/${third.id}`, { token: third.token })).body.session;
    expect(taken.queuePosition).toBeUndefined();
  });
});

describe('escalation and the Waiting list', () => {
  it('a chat waiting longer than the queue allows is escalated once: a line in its thread, a card with Accept to each supervisor', async () => {
    h = await startHarness({ directory: testDirectory(DIRECTORY) });
    const ctx = h.service.ctx;
    const chat = await create();
    // Before: on the supervisor's Waiting list, with Accept.
    const before = homeSurface(await homeView(ctx, ctx.directory.get().agent('carol')!));
    expect(renderText(before)).toMatch(/## Waiting \(1\)/);
    expect(buttons(before)).toContain('Accept');

    await waitFor(
      () => h!.recording.calls.some((c) => c.meta?.kind === 'escalation' && c.op === 'send' && c.to === 'carol'),
      8000,
      'the card to Carol',
    );
    await waitFor(
      () =>
        h!.recording.calls.some((c) => c.op === 'post' && c.to.includes(chat.id) && /Waiting too long/.test(c.text)),
      5000,
      'the line',
    );
    const card = h.recording.calls.find((c) => c.meta?.kind === 'escalation' && c.op === 'send')!;
    expect(card.text).toMatch(/has been waiting in \*?IT Support/);
    expect(buttons(card.surface!)).toEqual(['Accept']);
    // Once: the timer firing again changes nothing.
    expect(await sessions.escalate(ctx, chat.id)).toBe(false);
    expect((await ctx.store.sessions.get(chat.id))?.escalatedAt).toBeGreaterThan(0);
    expect(renderText(homeSurface(await homeView(ctx, ctx.directory.get().agent('carol')!)))).toMatch(/escalated/);

    // Carol takes it from the card: every copy of the card says so, with no button left.
    await sessions.accept(ctx, chat.id, ctx.directory.get().agent('carol'));
    await waitFor(
      () =>
        h!.recording.calls.some(
          (c) => c.meta?.kind === 'escalation' && c.op === 'update' && /Carol Lefèvre took this chat/.test(c.text),
        ),
      5000,
      'the card updated',
    );
    const updated = h.recording.calls.filter((c) => c.meta?.kind === 'escalation' && c.op === 'update').at(-1)!;
    expect(buttons(updated.surface!)).toEqual([]);
    expect(h.recording.calls.filter((c) => c.meta?.kind === 'escalation' && c.op === 'send')).toHaveLength(1);
  });

  it('a chat taken in time is never escalated', async () => {
    h = await startHarness({ directory: testDirectory(DIRECTORY) });
    const chat = await create();
    await sessions.accept(h.service.ctx, chat.id, h.service.ctx.directory.get().agent('alice'));
    await new Promise((r) => setTimeout(r, 1600));
    expect(h.recording.calls.some((c) => c.meta?.kind === 'escalation')).toBe(false);
    expect((await h.service.ctx.store.sessions.get(chat.id))?.escalatedAt).toBeUndefined();
  });
});
