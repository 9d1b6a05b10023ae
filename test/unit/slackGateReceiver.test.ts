import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { GateReceiver } from '../../adapters/slack/receiver/gateReceiver.js';

const quiet = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/** A real Bolt app on the gate's receiver; each request answers with Bolt's handling of `body`. */
async function serve(body: Record<string, unknown>, listen: (app: App) => void) {
  const receiver = new GateReceiver(quiet);
  const app = new App({
    receiver,
    logger: quiet,
    authorize: async () => ({ botToken: 'xoxb-test', botId: 'B1', botUserId: 'UBOT' }),
  });
  listen(app);
  const server = createServer((req, res) => void receiver.handle(req, res, body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  closers.push(() => new Promise((r) => server.close(() => r())));
  return url;
}
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe('GateReceiver (one parse of each Slack payload)', () => {
  it("hands Bolt the very object the gate checked, and answers with the listener's ack", async () => {
    const body = {
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: 'U1' },
      api_app_id: 'A1',
      token: 't',
      trigger_id: 'x',
      actions: [{ action_id: 'act', type: 'button', value: 'v', block_id: 'b', action_ts: '1' }],
    };
    const seen: unknown[] = [];
    const url = await serve(body, (app) =>
      app.action('act', async ({ ack, body: got }) => {
        seen.push(got);
        await ack();
      }),
    );
    const res = await fetch(url, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(body);
  });

  it('answers a slash command with what the listener acks', async () => {
    const body = {
      command: '/chat',
      text: 'help',
      user_id: 'U1',
      team_id: 'T1',
      channel_id: 'C1',
      trigger_id: 'x',
      token: 't',
    };
    const url = await serve(body, (app) =>
      app.command('/chat', async ({ ack }) => {
        await ack({ text: 'hello' });
      }),
    );
    const res = await fetch(url, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ text: 'hello' });
  });

  it('answers url_verification and ssl_check itself', async () => {
    expect(
      await (
        await fetch(await serve({ type: 'url_verification', challenge: 'c-1' }, () => {}), { method: 'POST' })
      ).json(),
    ).toEqual({ challenge: 'c-1' });
    const ssl = await fetch(await serve({ ssl_check: '1', token: 't' }, () => {}), { method: 'POST' });
    expect(ssl.status).toBe(200);
    expect(await ssl.text()).toBe('');
  });

  it('answers 401 when no installation authorizes the event, as Bolt does', async () => {
    const receiver = new GateReceiver(quiet);
    const app = new App({
      receiver,
      logger: quiet,
      authorize: async () => {
        throw new Error('no installation');
      },
    });
    app.event('app_home_opened', async () => {});
    const server = createServer(
      (req, res) =>
        void receiver.handle(req, res, {
          type: 'event_callback',
          event_id: 'Ev1',
          team_id: 'T9',
          event: { type: 'app_home_opened', user: 'U1' },
        }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method: 'POST' });
    expect(res.status).toBe(401);
  });
});
