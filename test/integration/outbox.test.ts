import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingPlatform } from '../../adapters/recording/platform.js';
import { RetryLaterError } from '../../src/app/ports.js';
import * as sessions from '../../src/app/sessions.js';
import { cleanup, type Harness, json, startHarness, uniquePrefix, waitFor } from '../support/harness.js';
import { textsBy } from '../support/recording.js';

let hs: Harness[] = [];
afterEach(async () => {
  await Promise.all(hs.map((h) => h.service.stop().catch(() => undefined)));
  await Promise.all([...new Set(hs.map((h) => h.prefix))].map(cleanup));
  hs = [];
});

const userTexts = (p: RecordingPlatform, sessionId: string) => textsBy(p, sessionId, 'Zed');

describe('outbox', () => {
  it('delivers in order per session across many sessions', async () => {
    const h = await startHarness();
    hs.push(h);
    const ctx = h.service.ctx;
    const chats = await Promise.all(
      Array.from(
        { length: 20 },
        async () => (await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' } })).session,
      ),
    );
    const ids = chats.map((s) => s.id);
    await Promise.all(
      chats.map(async (s) => {
        for (let i = 0; i < 15; i++) await sessions.userMessage(ctx, s, `m${i}`);
      }),
    );
    const expected = Array.from({ length: 15 }, (_, i) => `m${i}`);
    await waitFor(() => ids.every((id) => userTexts(h.recording, id).length === 15), 15000, 'all delivered');
    for (const id of ids) expect(userTexts(h.recording, id)).toEqual(expected);
    expect(await ctx.store.transcript.outboxDepth()).toBe(0);
  });

  it('waits out a 429 with Retry-After and a 500, then delivers everything in order, once', async () => {
    const h = await startHarness();
    hs.push(h);
    const ctx = h.service.ctx;
    const { session } = await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' } });
    await waitFor(() => h.recording.of('open').length === 1, 5000, 'root');
    h.recording.failWith = () => new RetryLaterError('rate limited', 400);
    h.recording.failTimes = 1;
    const started = Date.now();
    for (let i = 0; i < 5; i++) await sessions.userMessage(ctx, session, `a${i}`);
    await waitFor(() => userTexts(h.recording, session.id).length === 5, 8000, 'after 429');
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    h.recording.failWith = () => new Error('HTTP 500');
    h.recording.failTimes = 2;
    for (let i = 0; i < 5; i++) await sessions.userMessage(ctx, session, `b${i}`);
    await waitFor(() => userTexts(h.recording, session.id).length === 10, 10000, 'after 500');
    expect(userTexts(h.recording, session.id)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4']);
  });

  it('redelivers after a worker is killed mid-delivery, with nothing lost, nothing doubled', async () => {
    const prefix = uniquePrefix();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../support/hangingInstance.ts', import.meta.url))],
      {
        env: { ...process.env, PREFIX: prefix, HANG_ON: 'm2' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines: Array<Record<string, string>> = [];
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l)));
    try {
      const { url } = await waitFor(() => lines.find((l) => l.url), 15000, 'child instance');
      const created = await json(`${url}/api/v1/sessions`, {
        method: 'POST',
        body: { queue: 'it-support', user: { name: 'Zed' } },
      });
      const id = created.body.session.id as string;
      for (let i = 0; i < 6; i++) {
        const r = await json(`${url}/api/v1/sessions/${id}/messages`, {
          method: 'POST',
          token: created.body.token,
          body: { text: `m${i}` },
        });
        expect(r.status).toBe(202);
      }
      await waitFor(() => lines.some((l) => l.hanging === 'm2'), 10000, 'the hang');
      expect(lines.filter((l) => l.delivered).map((l) => l.delivered)).toEqual(['m0', 'm1']);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      const fresh = new RecordingPlatform();
      const b = await startHarness({ prefix, recording: fresh, lockMs: 500 });
      hs.push(b);
      await waitFor(() => userTexts(fresh, id).length === 4, 15000, 'the rest after the restart');
      expect(userTexts(fresh, id)).toEqual(['m2', 'm3', 'm4', 'm5']);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('on SIGTERM finishes the delivery in flight, and leaves the rest for the next instance', async () => {
    const prefix = uniquePrefix();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../support/slowInstance.ts', import.meta.url))],
      {
        env: { ...process.env, PREFIX: prefix, SLOW_MS: '400' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines: Array<Record<string, string>> = [];
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l)));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const { url } = await waitFor(() => lines.find((l) => l.url), 15000, 'child instance');
      const created = await json(`${url}/api/v1/sessions`, {
        method: 'POST',
        body: { queue: 'it-support', user: { name: 'Zed' } },
      });
      const id = created.body.session.id as string;
      for (let i = 0; i < 5; i++) {
        expect(
          (
            await json(`${url}/api/v1/sessions/${id}/messages`, {
              method: 'POST',
              token: created.body.token,
              body: { text: `m${i}` },
            })
          ).status,
        ).toBe(202);
      }
      await waitFor(() => lines.some((l) => l.started === 'm0'), 5000, 'a delivery in flight');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const delivered = lines.filter((l) => l.delivered).map((l) => l.delivered);
      // Whatever had started was finished before the process left.
      expect(lines.filter((l) => l.started).map((l) => l.started)).toEqual(delivered);
      expect(delivered[0]).toBe('m0');
      expect(delivered.length).toBeLessThan(5); // it did not stay to drain everything

      const fresh = new RecordingPlatform();
      const b = await startHarness({ prefix, recording: fresh, lockMs: 500 });
      hs.push(b);
      const rest = ['m0', 'm1', 'm2', 'm3', 'm4'].slice(delivered.length);
      await waitFor(() => userTexts(fresh, id).length === rest.length, 15000, 'the rest');
      expect(userTexts(fresh, id)).toEqual(rest);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('asks an end user to wait (429, Retry-After) while their chat cannot be delivered, and takes messages again after', async () => {
    const h = await startHarness({ maxBacklog: 3 });
    hs.push(h);
    const created = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    });
    const { id } = created.body.session;
    await waitFor(
      async () => h.recording.of('open').length === 1 && (await h.service.ctx.store.transcript.outboxDepth()) === 0,
      5000,
      'root delivered',
    );
    await waitFor(async () => (await h.service.ctx.store.transcript.outboxDepth()) === 0, 5000, 'empty outbox');
    h.recording.failWith = () => new RetryLaterError('platform down', 1_500);
    h.recording.failTimes = 1;
    const post = (text: string) =>
      fetch(`${h.url}/api/v1/sessions/${id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${created.body.token}` },
        body: JSON.stringify({ text }),
      });
    const statuses: number[] = [];
    for (const t of ['a', 'b', 'c', 'd', 'e']) statuses.push((await post(t)).status);
    // 'a' is stuck behind the failure; 'b' and 'c' queue behind it; then the session is full.
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    const refused = await post('f');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('backlog');
    const accepted = statuses.filter((s) => s === 202).length;
    await waitFor(() => userTexts(h.recording, id).length === accepted, 8000, 'backlog delivered');
    expect((await post('g')).status).toBe(202);
  });
});
