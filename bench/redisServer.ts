/**
 * A private redis-server for one bench run, on a free port: nothing else talks to it, so
 * its command statistics are the service's own (scripts' inner commands included).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { sleep } from './util.js';

export interface CommandStats {
  /** Calls per command since the last reset (the bench's own INFO and CONFIG left out). */
  calls: Map<string, number>;
  total: number;
}

export interface PrivateRedis {
  url: string;
  resetStats(): Promise<void>;
  stats(): Promise<CommandStats>;
  /** The server's own CPU so far (user + system), in ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** `INFO commandstats` lines: `cmdstat_get:calls=12,usec=...`. */
export function parseCommandStats(info: string): CommandStats {
  const calls = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (m[1] === 'info' || m[1]!.startsWith('config')) continue;
    calls.set(m[1]!, Number(m[2]));
  }
  let total = 0;
  for (const n of calls.values()) total += n;
  return { calls, total };
}

/** A client once the server takes connections (it needs a moment to start). */
async function connect(url: string): Promise<Redis> {
  for (let i = 0; ; i++) {
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return c;
    } catch (err) {
      c.disconnect();
      if (i >= 50) throw new Error(`redis-server at ${url} did not start: ${(err as Error).message}`);
      await sleep(50);
    }
  }
}

export async function startRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const kill = () => server.kill('SIGKILL');
  process.once('exit', kill); // never outlive the bench
  const exited = new Promise<void>((r) => server.once('exit', () => r()));
  const url = `redis://127.0.0.1:${port}`;
  const admin = await connect(url);
  return {
    url,
    async resetStats() {
      await admin.config('RESETSTAT');
    },
    async stats() {
      return parseCommandStats(await admin.info('commandstats'));
    },
    async cpuMs() {
      const info = await admin.info('cpu');
      const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
      return (read('used_cpu_sys') + read('used_cpu_user')) * 1000;
    },
    async stop() {
      admin.disconnect();
      server.kill('SIGTERM');
      await exited;
      process.removeListener('exit', kill);
    },
  };
}
