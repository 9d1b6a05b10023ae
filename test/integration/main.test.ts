import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanup, REDIS_URL, uniquePrefix, waitFor } from '../support/harness.js';

const main = fileURLToPath(new URL('../../src/main/main.ts', import.meta.url));
const queuesYaml = (names: string[]) =>
  `queues:\n${names.map((n) => `  - { id: ${n}, name: ${n.toUpperCase()} }`).join('\n')}\nagents: []\n`;

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, REDIS_URL, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (l) => logs.push(JSON.parse(l)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { child, logs, exited, stderr: () => stderr };
}

describe('the process', () => {
  it('reloads the directory on SIGHUP, keeps the old one when the new is invalid, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-'));
    const file = join(dir, 'directory.yaml');
    writeFileSync(file, queuesYaml(['alpha']));
    const prefix = uniquePrefix();
    const p = start({ DIRECTORY_FILE: file, REDIS_PREFIX: prefix, PORT: '0', DATA_DIR: dir });
    try {
      const listening = await waitFor(() => p.logs.find((l) => l.msg === 'switchboard listening'), 15_000, 'listening');
      const url = String(listening.url);
      const queues = async () =>
        ((await (await fetch(`${url}/api/v1/queues`)).json()) as { queues: Array<{ id: string }> }).queues.map(
          (q) => q.id,
        );
      expect(await queues()).toEqual(['alpha']);
      writeFileSync(file, queuesYaml(['alpha', 'beta']));
      p.child.kill('SIGHUP');
      await waitFor(async () => (await queues()).includes('beta'), 5000, 'reloaded');
      writeFileSync(file, 'queues: []\n');
      p.child.kill('SIGHUP');
      await waitFor(
        () => p.logs.some((l) => l.msg === 'directory reload refused; keeping the current one'),
        5000,
        'refused',
      );
      expect(await queues()).toEqual(['alpha', 'beta']);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    } finally {
      p.child.kill('SIGKILL');
      await cleanup(prefix);
    }
  });

  it('stops at start with one message naming every bad variable', async () => {
    const p = start({ PORT: 'eighty', INVITE_TTL_SECONDS: '0', DIRECTORY_FILE: '/nonexistent.yaml' });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/PORT/);
    expect(p.stderr()).toMatch(/INVITE_TTL_SECONDS/);
  });
});
