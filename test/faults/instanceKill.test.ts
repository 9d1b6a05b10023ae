import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { slackModule } from '../../adapters/slack/index.js';
import { loadEnv } from '../../src/main/config.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { DIRECTORY_YAML, type Harness, startHarness, uniquePrefix, waitFor } from '../support/harness.js';
import { SIGNING_SECRET } from '../support/slackRequests.js';
import { allDelivered, type Chat, FAULTS, figures, openChat, SKIP_REASON, sendLoad } from './load.js';

/**
 * A service instance (its own process, src/main/main.ts) killed with SIGKILL three times under
 * about 50 msg/s while a second instance runs: the fake Slack shows every message once, in order.
 * Runs in `npm run test:faults` (scripts/test-faults.sh).
 */
if (!FAULTS) console.warn(`skipped: ${SKIP_REASON}`);
const main = fileURLToPath(new URL('../../src/main/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sb-faults-'));
let fake: FakeSlack | undefined;
let h: Harness | undefined;
let child: ChildProcess | undefined;
afterAll(async () => {
  child?.kill('SIGKILL');
  await h?.stop();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(FAULTS)('a service instance killed three times under load', () => {
  it('loses, doubles and reorders nothing at the fake Slack', async () => {
    fake = await FakeSlack.start();
    const slackEnv = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.url };
    const prefix = uniquePrefix();
    h = await startHarness({ prefix, env: slackEnv, platforms: [slackModule(loadEnv(slackEnv))], recording: false });
    const file = join(dir, 'directory.yaml');
    writeFileSync(file, DIRECTORY_YAML);
    let childUrl: string | undefined;
    let childErr = '';
    // The killed instance: the real entry point, its Slack calls going to this test's fake.
    const startChild = () => {
      childUrl = undefined;
      const c = spawn(process.execPath, ['--import', 'tsx', main], {
        env: {
          ...process.env,
          ...slackEnv,
          REDIS_PREFIX: prefix,
          DIRECTORY_FILE: file,
          DATA_DIR: dir,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          API_KEYS: 'test-key',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      c.stderr!.on('data', (d) => (childErr += String(d)));
      c.once('exit', (code, signal) => {
        if (signal !== 'SIGKILL') childErr += `instance exited ${code} ${signal}\n`;
      });
      createInterface({ input: c.stdout! }).on('line', (l) => {
        try {
          const o = JSON.parse(l) as { msg?: string; url?: string };
          if (o.msg === 'switchboard listening' && c === child) childUrl = o.url;
        } catch {
          /* not a log line */
        }
      });
      child = c;
      return c;
    };
    startChild();
    await waitFor(() => childUrl, 30_000, 'the instance to kill');
    const urls = () => (childUrl ? [h!.url, childUrl] : [h!.url]);
    const chats: Chat[] = [];
    for (let n = 0; n < 5; n++) chats.push(await openChat(urls, n));
    const kills: number[] = [];
    // 5 chats × 10 msg/s, until the third kill is behind us and its replacement has taken some.
    const sending = sendLoad(chats, 30, 100, urls, () => kills.length === 3 && childUrl !== undefined);
    for (let k = 0; k < 3; k++) {
      await waitFor(() => childUrl, 60_000, 'the instance back').catch((e: Error) => {
        throw new Error(`${e.message}; its stderr: ${childErr.slice(-2000)}`);
      });
      await new Promise((r) => setTimeout(r, 1_500)); // it takes its share of the load
      const c = child!;
      childUrl = undefined;
      c.kill('SIGKILL');
      await new Promise((r) => c.once('exit', r));
      kills.push(Date.now());
      startChild();
    }
    const { answers, counts } = await sending;
    await waitFor(() => allDelivered(fake!, chats, counts), 60_000, 'every message at the fake Slack');
    await new Promise((r) => setTimeout(r, 2_000)); // anything sent twice would show by now
    const f = figures(fake, chats, counts);
    const statuses = answers.map((a) => a.status);
    const refused = statuses.filter((s) => s !== 202);
    const byKilled = answers.filter((a) => a.url !== h!.url && a.status === 202).length;
    process.stderr.write(
      `instance kill ×3: sent ${f.sent} (${byKilled} taken by the killed instance), delivered ${f.delivered}, lost ${f.lost}, duplicated ${f.duplicated}, reordered ${f.reordered}; ${statuses.filter((s) => s === 503).length} × 503, ${statuses.filter((s) => s === 0).length} cut connections (the killed instance), other: [${refused.filter((s) => s !== 0 && s !== 503).join(',')}]\n`,
    );
    expect({ lost: f.lost, duplicated: f.duplicated, reordered: f.reordered }).toEqual({
      lost: 0,
      duplicated: 0,
      reordered: 0,
    });
    expect(f.delivered).toBe(f.sent);
    expect(refused.filter((s) => s !== 0 && s !== 503)).toEqual([]);
    expect(kills).toHaveLength(3);
    expect(byKilled).toBeGreaterThan(0);
  }, 150_000);
});
