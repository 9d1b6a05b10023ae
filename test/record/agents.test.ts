import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../adapters/recording/render.js';
import { withScripts } from '../../adapters/redis/scripts.js';
import { redisStore } from '../../adapters/redis/store.js';
import { commandLine } from '../../src/app/dispatch/commands.js';
import { reconcile } from '../../src/app/record/reconcile.js';
import { homeView } from '../../src/app/views.js';
import { plain } from '../../src/app/wording/index.js';
import { type Harness, json, readyz, startHarness, waitFor } from '../support/harness.js';
import { archived, backendName, recordWorld } from '../support/record.js';
import { testRedis } from '../support/redis.js';

/** What the record gives agents: history on the root and by command, supervisors' Today and report. */
const w = recordWorld();
const { api, agent } = w;
const key = 'test-key';
async function chat(email: string | undefined, text: string, h: Harness = w.h) {
  const c = await json(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed', ...(email ? { email } : {}) }, text },
  });
  return { id: c.body.session.id as string, ref: c.body.session.ref as string, token: c.body.token as string };
}
const run = async (agentId: string, line: string) => {
  const out = await commandLine(w.h.service.ctx, w.h.service.ctx.directory.get().agent(agentId)!, line, [], {
    prefix: '/chat',
  });
  return { open: out.open ? renderText(out.open) : undefined, notice: out.notice ? plain(out.notice.text) : undefined };
};
const rootOf = (h: Harness, id: string) => h.recording.of('open').find((c) => c.meta?.id === id);

describe(`history for agents (${backendName})`, () => {
  let first: Awaited<ReturnType<typeof chat>>;

  it('says on the root card how often the end user chatted before, by email', async () => {
    first = await chat('zed@example.com', 'printer on fire');
    await agent(first.id, 'accept', { agentId: 'alice' });
    await agent(first.id, 'agent-messages', { agentId: 'alice', text: 'Unplug it' });
    await agent(first.id, 'agent-messages', { agentId: 'alice', text: 'note: third fire this month' });
    await api(`/sessions/${first.id}/end`, { method: 'POST', token: first.token });
    await archived(w.h);
    expect(renderText((await waitFor(() => rootOf(w.h, first.id), 10_000, 'the first root')).surface!)).not.toMatch(
      /chatted/,
    );
    const second = await chat('ZED@example.com', 'again');
    const root = await waitFor(() => rootOf(w.h, second.id), 10_000, 'the second root');
    expect(root.text).toContain(`Has chatted once before: ${first.ref}`);
    // No email, no history.
    const anon = await chat(undefined, 'who am I');
    expect((await waitFor(() => rootOf(w.h, anon.id), 10_000, 'the anonymous root')).text).not.toMatch(/chatted/);
  });

  it('shows an ended chat to the agents of its queue with `history <ref>`, without private notes; refuses the others', async () => {
    const mine = await run('alice', `history ${first.ref.toLowerCase()}`);
    expect(mine.notice).toBeUndefined();
    expect(mine.open).toContain(`Chat ${first.ref} with Zed`);
    expect(mine.open).toMatch(/Zed: printer on fire/);
    expect(mine.open).toMatch(/Alice Ng: Unplug it/);
    expect(mine.open).not.toMatch(/third fire/);
    // Erin works HR only: not her queue.
    expect(await run('erin', `history ${first.ref}`)).toEqual({
      notice: `Chat ${first.ref} belongs to a queue you are not in.`,
      open: undefined,
    });
    expect((await run('frank', `history ${first.ref}`)).notice).toBe('Only support agents can do that.');
    expect((await run('alice', 'history ZZZZZZ')).notice).toBe('No chat with reference ZZZZZZ.');
    const live = await chat('someone@example.com', 'hi');
    await archived(w.h);
    expect((await run('alice', `history ${live.ref}`)).notice).toBe(
      `Chat ${live.ref} has not ended: read it in its thread.`,
    );
    // Without a ref it is not a history command.
    expect((await run('alice', 'history')).notice).toMatch(/I did not understand/);
  });
});

describe(`today's numbers for supervisors (${backendName})`, () => {
  it("are in the supervisor's home and on the report card; others are refused", async () => {
    const ctx = w.h.service.ctx;
    await archived(w.h);
    const report = await run('carol', 'report');
    expect(report.open).toMatch(/^# Today in your queues/);
    // The history tests' four chats today in IT Support, one of them answered; none in HR. As the API says.
    expect(report.open).toContain('IT Support: 4 offered · 1 answered · 0 unanswered · 0 left while waiting');
    const rows = (await api('/reports/queues', { apiKey: key })).body.rows as Array<{
      queue: string;
      offered: number;
      answered: number;
    }>;
    expect(rows.find((r) => r.queue === 'it-support')).toMatchObject({ offered: 4, answered: 1 });
    expect(report.open).toContain('HR: 0 offered');
    // The home draws the same (from a cache of a few seconds: homes are drawn often).
    const home = await homeView(ctx, ctx.directory.get().agent('carol')!);
    expect((home.today as Array<{ queue: string }>).map((r) => r.queue)).toEqual(['it-support', 'hr']);
    expect((await run('alice', 'report')).notice).toBe('Only supervisors have reports.');
    expect((await homeView(ctx, ctx.directory.get().agent('alice')!)).today).toBeUndefined();
  });
});

describe(`the reconciliation (${backendName})`, () => {
  it('finds a chat whose commit lost its mark (a crash between the two) and archives it', async () => {
    const ctx = w.h.service.ctx;
    const c = await chat('lost@example.com', 'first');
    await archived(w.h);
    // A commit made where nothing marks it (another connection, as after a crash before the mark).
    const raw = withScripts(await testRedis());
    const r = await redisStore(raw, w.h.prefix).transcript.append(c.id, ['waiting', 'active'], {
      entries: [
        { kind: 'message', ts: Date.now(), visibility: 'public', author: 'user', authorName: 'Zed', text: 'unmarked' },
      ],
    });
    raw.disconnect();
    expect(r.ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await ctx.record.entries(c.id)).some((e) => e.kind === 'message' && e.text === 'unmarked')).toBe(false);
    expect(await reconcile(ctx)).toBeGreaterThanOrEqual(1);
    await waitFor(
      async () => (await ctx.record.entries(c.id)).some((e) => e.kind === 'message' && e.text === 'unmarked'),
      10_000,
      'the unmarked entry in the record',
    );
    expect(await reconcile(ctx)).toBe(0);
  });
});

describe('with the database out of reach', () => {
  let down: Server;
  let h: Harness;
  beforeAll(async () => {
    down = createServer((s) => s.destroy());
    await new Promise<void>((r) => down.listen(0, '127.0.0.1', r));
    const port = (down.address() as { port: number }).port;
    h = await startHarness({ record: { databaseUrl: `postgres://postgres@127.0.0.1:${port}/nowhere` } });
  }, 30_000);
  afterAll(async () => {
    await h?.stop();
    down?.close();
  });

  it('chats go on, the record waits in Redis, reports say 503, readiness says so and stays ready', async () => {
    const c = await chat('zed@example.com', 'is anyone there?', h);
    await json(`${h.url}/api/v1/sessions/${c.id}/accept`, { method: 'POST', apiKey: key, body: { agentId: 'alice' } });
    await json(`${h.url}/api/v1/sessions/${c.id}/agent-messages`, {
      method: 'POST',
      apiKey: key,
      body: { agentId: 'alice', text: 'Yes!' },
    });
    await waitFor(() => h.recording.of('post').find((p) => p.text.includes('Yes!')), 10_000, 'the reply in the thread');
    expect(rootOf(h, c.id)!.text).not.toMatch(/chatted/);
    expect(await h.service.ctx.archive.backlog()).toBeGreaterThan(0);
    const reports = await json(`${h.url}/api/v1/reports/queues`, { apiKey: key });
    expect(reports.status).toBe(503);
    expect(reports.body.error).toEqual({
      code: 'unavailable',
      message: 'The chat record is unavailable right now; try again shortly.',
    });
    const ready = await readyz(h.url);
    expect(ready.body.checks.record).toBe('unavailable');
    // The end user's transcript comes from Redis while it holds the chat.
    expect((await json(`${h.url}/api/v1/sessions/${c.id}/transcript`, { token: c.token })).status).toBe(200);
  }, 30_000);
});
