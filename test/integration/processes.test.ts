import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanup, REDIS_URL, uniquePrefix, waitFor } from '../support/harness.js';
import { TEST_DATABASE_URL, testDatabase } from '../support/record.js';

const main = fileURLToPath(new URL('../../src/main/main.ts', import.meta.url));

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, REDIS_URL, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a failed test kills the primary and its workers together.
    detached: true,
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (l) => logs.push(JSON.parse(l)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { child, logs, exited, stderr: () => stderr };
}

const directory = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-procs-'));
  writeFileSync(join(dir, 'directory.yaml'), 'queues:\n  - { id: alpha, name: Alpha }\nagents: []\n');
  return dir;
};

describe('one process per core (WEB_CONCURRENCY)', () => {
  it('refuses more than one process on the embedded PGlite, naming why', async () => {
    const dir = directory();
    const p = start({
      WEB_CONCURRENCY: '2',
      DIRECTORY_FILE: join(dir, 'directory.yaml'),
      DATA_DIR: dir,
      DATABASE_URL: '',
    });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/WEB_CONCURRENCY: more than one process needs DATABASE_URL/);
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'runs two instances on one port, hands them SIGHUP, replaces a crashed one, and stops on SIGTERM',
    async () => {
      const db = await testDatabase();
      const dir = directory();
      const prefix = uniquePrefix();
      const p = start({
        WEB_CONCURRENCY: '2',
        DIRECTORY_FILE: join(dir, 'directory.yaml'),
        DATA_DIR: dir,
        DATABASE_URL: db.url!,
        REDIS_PREFIX: prefix,
      });
      try {
        const listening = () => p.logs.filter((l) => l.msg === 'switchboard listening');
        await waitFor(() => listening().length >= 2 || undefined, 90_000, 'two processes listening');
        const pids = new Set(listening().map((l) => l.pid));
        expect(pids.size).toBe(2);
        const url = String(listening()[0]!.url);
        expect(listening().every((l) => l.url === url)).toBe(true);

        // Every process takes the new directory.
        writeFileSync(
          join(dir, 'directory.yaml'),
          'queues:\n  - { id: alpha, name: Alpha }\n  - { id: beta, name: Beta }\nagents: []\n',
        );
        p.child.kill('SIGHUP');
        await waitFor(
          () => p.logs.filter((l) => l.msg === 'directory reloaded').length >= 2 || undefined,
          10_000,
          'both reloaded',
        );

        // A worker killed outright is replaced.
        process.kill(Number([...pids][0]), 'SIGKILL');
        await waitFor(() => listening().length >= 3 || undefined, 60_000, 'a replacement listening');
        const res = await fetch(`${url}/api/v1/queues`);
        expect(((await res.json()) as { queues: Array<{ id: string }> }).queues.map((q) => q.id)).toEqual([
          'alpha',
          'beta',
        ]);

        p.child.kill('SIGTERM');
        expect(await p.exited).toBe(0);
      } finally {
        try {
          process.kill(-p.child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
        await cleanup(prefix);
        await db.drop();
      }
    },
    150_000,
  );
});
