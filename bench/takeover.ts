/**
 * Takeover after `kill -9`: an instance hangs mid-delivery (its platform never answers) and
 * is killed; a second instance, already running on the same Redis, must take the chat's
 * destination over and deliver the rest, in order, once each. Measured: from the kill to
 * the first line the survivor delivers. The baseline is Redis alone: a key with the
 * drainer's lease lifetime, set at the kill, and the moment its expiry is announced
 * (keyspace notification), which is as soon as anyone can know the drainer is gone.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RecordingPlatform } from '../adapters/recording/platform.js';
import { LEASE_MS } from '../src/app/delivery/clocks.js';
import { json, startHarness, uniquePrefix, waitFor } from '../test/support/harness.js';
import { textsBy } from '../test/support/recording.js';
import { fmt, percentile, REDIS_URL, table, verdict } from './util.js';

const LINES = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'];

export interface TakeoverOptions {
  rounds: number;
}
export const takeoverOptions = (quick: boolean): TakeoverOptions => ({ rounds: quick ? 2 : 5 });

export interface TakeoverResult {
  takeoverMs: number[];
  expiryMs: number[];
  lost: number;
  duplicated: number;
  reordered: number;
}

async function round(
  log: (line: string) => void,
): Promise<{ ms: number; lost: number; duplicated: number; reordered: number }> {
  const prefix = uniquePrefix();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('../test/support/hangingInstance.ts', import.meta.url))],
    {
      env: { ...process.env, PREFIX: prefix, HANG_ON: 'm2' },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const lines: Array<Record<string, string>> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l) as Record<string, string>));
  const survivor = new RecordingPlatform();
  const b = await startHarness({ prefix, recording: survivor });
  try {
    const { url } = await waitFor(() => lines.find((l) => l.url), 20_000, 'the instance to kill');
    const created = await json(`${url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    });
    const id = created.body.session.id as string;
    for (const text of LINES)
      await json(`${url}/api/v1/sessions/${id}/messages`, {
        method: 'POST',
        token: created.body.token,
        body: { text },
      });
    await waitFor(() => lines.some((l) => l.hanging === 'm2'), 10_000, 'the hang');
    const killedAt = performance.now();
    child.kill('SIGKILL');
    const first = await waitFor(
      () => (textsBy(survivor, id, 'Zed').length > 0 ? performance.now() : 0),
      15_000,
      'the survivor',
    );
    await waitFor(() => textsBy(survivor, id, 'Zed').length >= LINES.length - 2, 10_000, 'the rest');
    const delivered = [...lines.filter((l) => l.delivered).map((l) => l.delivered!), ...textsBy(survivor, id, 'Zed')];
    const seen = new Set(delivered);
    const ms = first - killedAt;
    log(`  takeover: ${fmt(ms, 0)} ms; delivered ${delivered.join(' ')}`);
    return {
      ms,
      lost: LINES.filter((t) => !seen.has(t)).length,
      duplicated: delivered.length - seen.size,
      reordered: delivered.filter((t, i) => i > 0 && LINES.indexOf(t) < LINES.indexOf(delivered[i - 1]!)).length,
    };
  } finally {
    child.kill('SIGKILL');
    await b.stop(); // and every key of the prefix
  }
}

/** Redis alone: how long after a lease's last renewal its expiry is announced. */
async function leaseExpiry(): Promise<number> {
  const key = `${uniquePrefix()}:lease`;
  const redis = new Redis(REDIS_URL);
  const sub = new Redis(REDIS_URL);
  try {
    await sub.psubscribe('__keyevent@*__:expired');
    const expired = new Promise<number>((resolve) =>
      sub.on('pmessage', (_p, _c, k: string) => k === key && resolve(performance.now())),
    );
    const setAt = performance.now();
    await redis.set(key, '1', 'PX', LEASE_MS);
    return (await expired) - setAt;
  } finally {
    redis.disconnect();
    sub.disconnect();
  }
}

export async function runTakeover(o: TakeoverOptions, log: (line: string) => void): Promise<TakeoverResult> {
  const r: TakeoverResult = { takeoverMs: [], expiryMs: [], lost: 0, duplicated: 0, reordered: 0 };
  for (let i = 0; i < o.rounds; i++) {
    const one = await round(log);
    r.takeoverMs.push(one.ms);
    r.lost += one.lost;
    r.duplicated += one.duplicated;
    r.reordered += one.reordered;
    r.expiryMs.push(await leaseExpiry());
  }
  return r;
}

export function formatTakeover(r: TakeoverResult, o: TakeoverOptions): string {
  const row = (system: string, xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return [system, String(s.length), fmt(percentile(s, 50), 0), fmt(s.at(-1) ?? NaN, 0)];
  };
  const worst = Math.max(...r.takeoverMs);
  return [
    `(8) Takeover after kill -9 — ${o.rounds} rounds: an instance hangs mid-delivery and is killed; a running second instance delivers the rest (shared Redis at REDIS_URL)`,
    table([
      ['system', 'rounds', 'p50 ms', 'max ms'],
      row('switchboard: kill → first line from the survivor', r.takeoverMs),
      row(`baseline: a ${LEASE_MS} ms key's expiry announced by Redis`, r.expiryMs),
    ]),
    `  targets: resumed within 2 s: max ${fmt(worst, 0)} ms ${verdict(worst <= 2_000)} | lost 0: ${r.lost} ${verdict(r.lost === 0)} | duplicated 0: ${r.duplicated} ${verdict(r.duplicated === 0)} | reordered 0: ${r.reordered} ${verdict(r.reordered === 0)}`,
  ].join('\n');
}
