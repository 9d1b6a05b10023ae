import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sessions from '../../src/app/sessions.js';
import { type Harness, json, startHarness, waitFor } from '../support/harness.js';

/** WAITING_TIMEOUT_SECONDS: a chat no one takes in time ends as unanswered, and its end user is told. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { WAITING_TIMEOUT_SECONDS: '1' } });
});
afterAll(async () => h?.stop());

const create = async () => {
  const r = await json(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' }, text: 'anyone?' },
  });
  return { id: r.body.session.id as string, token: r.body.token as string };
};

describe('unanswered chats', () => {
  it('end after the timeout: the end user is told, the root says so, the queue no longer lists it', async () => {
    const chat = await create();
    expect(await h.service.ctx.store.lists.read('waiting', 'it-support')).toContain(chat.id);
    const seen = await waitFor(
      async () => {
        const r = await json(`${h.url}/api/v1/sessions/${chat.id}`, { token: chat.token });
        return r.body.session.status === 'ended' ? r.body.session : undefined;
      },
      8000,
      'the chat to end',
    );
    expect(seen.endReason).toBe('unanswered');
    const messages = (await json(`${h.url}/api/v1/sessions/${chat.id}/messages`, { token: chat.token })).body
      .messages as Array<{ kind: string; author?: string; text?: string }>;
    expect(messages.find((m) => m.kind === 'message' && m.author === 'system')?.text).toMatch(/no one was free/);
    expect(await h.service.ctx.store.lists.read('waiting', 'it-support')).not.toContain(chat.id);
    await waitFor(
      () =>
        h.recording.calls.some(
          (c) => c.op === 'update' && c.meta?.kind === 'root' && c.meta.id === chat.id && /Unanswered/.test(c.text),
        ),
      5000,
      'the root updated',
    );
    await waitFor(
      () =>
        h.recording.calls.some(
          (c) => c.op === 'post' && c.to.includes(chat.id) && /No one answered in time/.test(c.text),
        ),
      5000,
      'the line in the thread',
    );
    expect(await h.service.metrics.registry.getSingleMetricAsString('switchboard_chats_unanswered_total')).toMatch(
      / [1-9]\d*$/m,
    );
  });

  it('leave alone a chat taken before the timeout, and a timer that fires late or twice does nothing', async () => {
    const chat = await create();
    await sessions.accept(h.service.ctx, chat.id, h.service.ctx.directory.get().agent('alice'));
    await new Promise((r) => setTimeout(r, 1500));
    expect((await h.service.ctx.store.sessions.get(chat.id))?.status).toBe('active');
    expect(await sessions.endUnanswered(h.service.ctx, chat.id)).toBe(false);
    expect((await h.service.ctx.store.sessions.get(chat.id))?.status).toBe('active');
  });

  it('a waiting chat without a timer (from before the timeout existed) gets one at start-up', async () => {
    const chat = await create();
    await h.service.ctx.timers.cancelUnanswered(chat.id);
    const next = await startHarness({ prefix: h.prefix, env: { WAITING_TIMEOUT_SECONDS: '1' } });
    try {
      await waitFor(
        async () => (await next.service.ctx.store.sessions.get(chat.id))?.endReason === 'unanswered',
        8000,
        'the chat to end unanswered',
      );
    } finally {
      await next.service.stop();
    }
  });
});
