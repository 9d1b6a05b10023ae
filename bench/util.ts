import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { deletePrefix } from '../adapters/redis/deletePrefix.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh key prefix so a bench never touches anyone else's keys. */
export const benchPrefix = (): string => `bench${randomBytes(4).toString('hex')}`;

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until `done()` holds, or `timeoutMs` passed; says which. */
export async function until(done: () => boolean, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= end) return false;
    await sleep(everyMs);
  }
  return true;
}

/** Deletes every key under a bench prefix. */
export const cleanup = (prefix: string): Promise<void> => deletePrefix(REDIS_URL, prefix);

export interface Answer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

/** A JSON request (POST with a body, GET without) over a keep-alive agent. */
export function request(
  agent: http.Agent,
  base: URL,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path,
        method: data === undefined ? 'GET' : 'POST',
        headers:
          data === undefined
            ? headers
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** A JSON POST over a keep-alive agent. */
export const postJson = (
  agent: http.Agent,
  base: URL,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> => request(agent, base, path, body, headers);

/** Reads a whole request body as JSON. */
export function readJson<T>(req: http.IncomingMessage): Promise<T> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
      } catch (err) {
        reject(err as Error);
      }
    });
    req.on('error', reject);
  });
}

/** Runs `work` over items with at most `limit` at a time. */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** A child's CPU time so far (user + system), and its event loop's delay since the last reading. */
export interface Usage {
  cpuMs: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

export interface Child {
  url: URL;
  usage(): Promise<Usage>;
  stop(): Promise<void>;
}

/**
 * In a child started by spawnServer: answers `usage` on stdin with `USAGE <cpu µs> <loop
 * delay p99 ns> <max ns>` on stdout, and exits when the bench that started it goes away
 * (its stdin closes).
 */
export function serveChild(url: string): void {
  process.stdout.write(`READY ${url}\n`);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (l) => {
    if (l.trim() !== 'usage') return;
    const u = process.cpuUsage();
    process.stdout.write(`USAGE ${u.user + u.system} ${loop.percentile(99)} ${loop.max}\n`);
    loop.reset();
  });
  lines.on('close', () => process.exit(0));
}

/**
 * Starts a server script in its own Node process (so the load generator does not share
 * its event loop) and waits for the `READY <url>` line it prints (see serveChild).
 */
export async function spawnServer(
  script: string,
  env: Record<string, string>,
  extraNodeArgs: string[] = [],
): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, [...extraNodeArgs, '--import', 'tsx', script], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const waiters: Array<(u: Usage) => void> = [];
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<URL>((resolve, reject) => {
    lines.on('line', (l) => {
      if (l.startsWith('READY ')) resolve(new URL(l.slice(6).trim()));
      else if (l.startsWith('USAGE ')) {
        const [cpu = 0, p99 = 0, max = 0] = l.slice(6).split(' ').map(Number);
        waiters.shift()?.({ cpuMs: cpu / 1000, loopP99Ms: p99 / 1e6, loopMaxMs: max / 1e6 });
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready:\n${stderr}`)));
  });
  return {
    url,
    usage() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        child.stdin!.write('usage\n');
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

export const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISS');

/** Left-aligns the first column and right-aligns the others. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '))
    .join('\n');
}
