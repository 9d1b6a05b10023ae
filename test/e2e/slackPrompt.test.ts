import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeCall } from '../support/fakeSlack.js';
import { json, waitFor } from '../support/harness.js';
import { type SlackWorld, startSlackWorld } from './slackSetup.js';

/**
 * Prompt delivery (issue 16): on an idle destination a delivery reaches Slack within 250 ms of
 * its commit, also 0, 300, 1,000 and 1,400 ms after a thread reply, an edit or a note in the
 * same channel (which queue nothing there, and once left a lease nobody drained).
 * Measured from the request that commits (an upper bound) to the fake Slack's receipt.
 */
let w: SlackWorld;
beforeAll(async () => {
  w = await startSlackWorld();
});
afterAll(async () => w?.stop());

const CHANNEL = 'C0ITSUPPORT';
const LIMIT_MS = 250;
/**
 * Every delivery within LIMIT_MS, but one: a test machine shared by many processes stalls now
 * and then. The failure this guards against was seconds (a lease nobody drained: 1.5 s and more).
 */
function prompt(times: number[]): void {
  expect(times.filter((t) => t > LIMIT_MS).length).toBeLessThanOrEqual(1);
  expect(Math.max(...times)).toBeLessThan(1_000);
}
const sid = (id: string) => ({ sessionId: id });
const api = (path: string, body: unknown) =>
  json(`${w.h.url}/api/v1${path}`, { method: 'POST', apiKey: 'test-key', body });
const hasAccept = (c: FakeCall) => /"action_id":"sb:accept(#\d+)?"/.test(JSON.stringify(c.args.blocks ?? []));

/**
 * Until Slack has heard nothing for a while: every destination idle again, and (after a
 * second) its posting budget has room for a post: what is measured is not rate-limited.
 */
async function quiet(ms = 1_100): Promise<void> {
  for (;;) {
    const last = w.fake.calls().at(-1)?.at ?? 0;
    if (Date.now() - last >= ms) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function activeChat() {
  const r = await json(`${w.h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' }, text: 'help!' },
  });
  const id = r.body.session.id as string;
  const root = await waitFor(
    () => w.fake.messages(CHANNEL).find((m) => !m.thread_ts && JSON.stringify(m.blocks).includes(id)),
    5000,
    'root',
  );
  await w.slack.click('U0ALICE', 'accept', sid(id), { channel: CHANNEL, ts: root.ts });
  await waitFor(async () => (await w.h.service.ctx.store.sessions.get(id))?.status === 'active', 5000, 'accepted');
  await quiet();
  return { id, ts: root.ts, token: r.body.token as string };
}

type First = 'reply' | 'edit' | 'note';
/** Something in the chat's thread that queues nothing on its channel. */
async function firstStep(kind: First, chat: { ts: string }, n: number): Promise<void> {
  if (kind === 'note') return void (await w.slack.reply('U0ALICE', CHANNEL, chat.ts, `note: looked into it ${n}`).sent);
  const { ts, sent } = w.slack.reply('U0ALICE', CHANNEL, chat.ts, `reply ${n}`);
  await sent;
  if (kind === 'edit') {
    await w.slack.event({
      type: 'message',
      subtype: 'message_changed',
      channel: CHANNEL,
      ts: `9.${n}`,
      event_ts: `9.${n}`,
      message: { type: 'message', user: 'U0ALICE', text: `edited ${n}`, ts, thread_ts: chat.ts },
      previous_message: { type: 'message', user: 'U0ALICE', text: `reply ${n}`, ts },
    });
  }
}

const FIRSTS: First[] = ['reply', 'edit', 'note'];
const DELAYS = [0, 300, 1_000, 1_400];
const measured: Record<string, number[]> = {};

/** Runs every first step and delay before `second`, returning the worst time to Slack. */
type Chat = Awaited<ReturnType<typeof activeChat>>;
async function each(
  name: string,
  second: (chat: Chat, n: number, ready: unknown) => Promise<(c: FakeCall) => boolean>,
  fresh: boolean,
  prepare: (chat: Chat) => Promise<unknown> = async () => undefined,
): Promise<number[]> {
  const times: number[] = [];
  let chat = await activeChat();
  let n = 0;
  for (const first of FIRSTS) {
    for (const delay of DELAYS) {
      if (fresh && n > 0) chat = await activeChat();
      const ready = await prepare(chat);
      await quiet();
      await firstStep(first, chat, ++n);
      await new Promise((r) => setTimeout(r, delay));
      const started = Date.now();
      const arrived = await second(chat, n, ready);
      const call = await w.fake.waitFor((c) => c.at >= started && c.status === 200 && arrived(c), 10_000);
      times.push(call.at - started);
      await quiet();
    }
  }
  measured[name] = times;
  return times;
}

describe('prompt delivery on Slack (≤ 250 ms from commit, after a reply, an edit or a note)', () => {
  it('an end user’s message', async () => {
    const times = await each(
      'end-user message',
      async (chat, n) => {
        expect(
          (
            await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, {
              method: 'POST',
              token: chat.token,
              body: { text: `second ${n}` },
            })
          ).status,
        ).toBe(202);
        return (c) =>
          c.method === 'chat.postMessage' &&
          c.args.thread_ts === chat.ts &&
          String(c.args.text).includes(`second ${n}`);
      },
      false,
    );
    prompt(times);
  }, 120_000);

  it('a monitor joining', async () => {
    const times = await each(
      'monitor joining',
      async (chat, _n, invite) => {
        expect((await api(`/invites/${String(invite)}/answer`, { agentId: 'bob', answer: 'monitor' })).status).toBe(
          200,
        );
        return (c) =>
          c.method === 'chat.postMessage' &&
          c.args.thread_ts === chat.ts &&
          /joined as monitor/.test(String(c.args.text));
      },
      true,
      async (chat) =>
        (await api(`/sessions/${chat.id}/invites`, { agentId: 'alice', inviteeId: 'bob', mode: 'monitor' })).body
          .invites[0].id as string,
    );
    prompt(times);
  }, 240_000);

  it('Release: the root offers Accept again', async () => {
    const times = await each(
      'release',
      async (chat) => {
        expect((await api(`/sessions/${chat.id}/release`, { agentId: 'alice' })).status).toBe(200);
        return (c) => c.method === 'chat.update' && c.args.ts === chat.ts && hasAccept(c);
      },
      true,
    );
    prompt(times);
  }, 240_000);

  afterAll(() => {
    for (const [k, v] of Object.entries(measured))
      process.stderr.write(`slack prompt ${k}: max ${Math.max(...v)} ms, all ${v.join(' ')}\n`);
  });
});
