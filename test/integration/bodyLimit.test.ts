import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackModule } from '../../adapters/slack/index.js';
import { teamsModule } from '../../adapters/teams/index.js';
import { loadEnv } from '../../src/main/config.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { type Harness, startHarness } from '../support/harness.js';
import { SIGNING_SECRET, sign } from '../support/slackRequests.js';

const MB = 1024 * 1024;
let fake: FakeSlack;
let h: Harness;
beforeAll(async () => {
  fake = await FakeSlack.start();
  const env = {
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    TEAMS_ENABLED: 'true',
    MicrosoftAppId: '',
  };
  h = await startHarness({ env, platforms: [slackModule(loadEnv(env)), teamsModule(loadEnv(env))], recording: false });
});
afterAll(async () => {
  await h.stop();
  await fake.close();
});

type Outcome = { status: number; body: string } | 'closed';

/**
 * Streams `total` bytes of one reused 64 KB chunk (nothing is allocated per chunk), honouring
 * back-pressure, and stops as soon as the server answers or closes the connection.
 */
function upload(
  path: string,
  total: number,
  o: { declareLength?: boolean; headers?: Record<string, string> } = {},
): Promise<Outcome> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const { port } = new URL(h.url);
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Outcome) => {
      if (done) return;
      done = true;
      req.destroy();
      resolve(r);
    };
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(o.declareLength ? { 'content-length': String(total) } : {}),
        ...o.headers,
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => finish({ status: res.statusCode ?? 0, body }));
      res.on('error', () => finish('closed'));
    });
    req.on('error', () => finish('closed'));
    req.on('close', () => setTimeout(() => finish('closed'), 50));
    let sent = 0;
    const pump = () => {
      while (!done && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!done) req.end();
    };
    pump();
  });
}

const refused = (r: Outcome) => r === 'closed' || (r.status === 413 && JSON.parse(r.body).error.code === 'too_large');

describe('body limits before the platform receivers read', () => {
  it('four parallel 100 MB unsigned bodies to /slack/events are cut off at 1 MB and leave RSS within 64 MB of its baseline', async () => {
    // Warm the receiver's code paths first, so the baseline is the steady state.
    await upload('/slack/events', 1024, { declareLength: true });
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
    try {
      const outcomes = await Promise.all([
        upload('/slack/events', 100 * MB),
        upload('/slack/events', 100 * MB),
        upload('/slack/events', 100 * MB, { declareLength: true }),
        upload('/slack/events', 100 * MB, { declareLength: true }),
      ]);
      peak = Math.max(peak, process.memoryUsage.rss());
      console.info(
        `RSS baseline ${(baseline / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB, growth ${((peak - baseline) / MB).toFixed(1)} MB; outcomes ${JSON.stringify(outcomes.map((o) => (o === 'closed' ? o : o.status)))}`,
      );
      expect(outcomes.every(refused)).toBe(true);
      expect(peak - baseline).toBeLessThan(64 * MB);
    } finally {
      clearInterval(sampler);
    }
  }, 60_000);

  it('answers a declared oversize body with 413 JSON at once, on /slack/events and /api/messages', async () => {
    for (const path of ['/slack/events', '/api/messages']) {
      const r = await upload(path, 2 * MB, { declareLength: true });
      expect(r).not.toBe('closed');
      expect(r).toMatchObject({ status: 413 });
      expect(JSON.parse((r as { body: string }).body).error).toMatchObject({
        code: 'too_large',
        message: expect.any(String),
      });
    }
  });

  it('lets Bolt read and verify a signed body streamed in chunks just under the limit', async () => {
    const body = JSON.stringify({
      type: 'url_verification',
      challenge: 'chal-123',
      token: 'legacy',
      pad: 'x'.repeat(MB - 200),
    });
    expect(Buffer.byteLength(body)).toBeLessThan(MB);
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { port } = new URL(h.url);
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/slack/events',
          method: 'POST',
          headers: { 'content-type': 'application/json', ...sign(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      // Chunked: no Content-Length, so the limit counts as the bytes go by.
      for (let i = 0; i < body.length; i += 50_000) req.write(body.slice(i, i + 50_000));
      req.end();
    });
    expect(r.status).toBe(200);
    expect(r.body).toContain('chal-123');
  });
});
