import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorCall } from '../support/fakeConnector.js';
import { json } from '../support/harness.js';
import { acceptedChat, inThreadOf, type TeamsChat } from '../support/teamsChat.js';
import { cardsIn, startTeamsWorld, type TeamsWorld, USERS, verbs } from '../support/teamsWorld.js';

/**
 * Prompt delivery (issue 16) on Teams: on an idle destination a delivery reaches the connector
 * within 250 ms of its commit, also 0, 300, 1,000 and 1,400 ms after a thread reply, an edit or
 * a note in the same channel. Measured from the request that commits to the fake's receipt.
 */
let w: TeamsWorld;
beforeAll(async () => {
  w = await startTeamsWorld();
  await w.teams.post(w.teams.install(USERS.bob, 'a:dm-bob'));
});
afterAll(async () => w?.stop());

const LIMIT_MS = 250;
/** Every delivery within LIMIT_MS but one (a shared test machine stalls now and then); never seconds. */
function prompt(times: number[]): void {
  expect(times.filter((t) => t > LIMIT_MS).length).toBeLessThanOrEqual(1);
  expect(Math.max(...times)).toBeLessThan(1_000);
}
const api = (path: string, body: unknown) =>
  json(`${w.h.url}/api/v1${path}`, { method: 'POST', apiKey: 'test-key', body });
const textOf = (c: ConnectorCall) => String(c.body?.text ?? '') + JSON.stringify(c.body?.attachments ?? '');

/** Until the connector has heard nothing for a while: every destination idle, its budget full again. */
async function quiet(ms = 1_100): Promise<void> {
  for (;;) {
    const last = w.fake.calls().at(-1)?.at ?? 0;
    if (Date.now() - last >= ms) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

type First = 'reply' | 'edit' | 'note';
async function firstStep(kind: First, chat: TeamsChat, n: number): Promise<void> {
  if (kind === 'note')
    return void (await w.teams.post(w.teams.threadMessage(USERS.alice, chat.thread, `note: looked into it ${n}`)));
  const original = w.teams.threadMessage(USERS.alice, chat.thread, `reply ${n}`, { id: `r${n}-${Date.now()}` });
  await w.teams.post(original);
  if (kind === 'edit')
    await w.teams.post({
      ...original,
      type: 'messageUpdate',
      text: `edited ${n}`,
      channelData: { ...(original as { channelData?: object }).channelData, eventType: 'editMessage' },
    });
}

const FIRSTS: First[] = ['reply', 'edit', 'note'];
const DELAYS = [0, 300, 1_000, 1_400];
const measured: Record<string, number[]> = {};

async function each(
  name: string,
  second: (chat: TeamsChat, n: number, ready: unknown) => Promise<(c: ConnectorCall) => boolean>,
  fresh: boolean,
  prepare: (chat: TeamsChat) => Promise<unknown> = async () => undefined,
): Promise<number[]> {
  const times: number[] = [];
  let chat = await acceptedChat(w, 'help!');
  let n = 0;
  for (const first of FIRSTS) {
    for (const delay of DELAYS) {
      if (fresh && n > 0) chat = await acceptedChat(w, 'help!');
      const ready = await prepare(chat);
      await quiet();
      await firstStep(first, chat, ++n);
      await new Promise((r) => setTimeout(r, delay));
      const started = Date.now();
      const arrived = await second(chat, n, ready);
      const call = await w.fake.waitFor((c) => c.at >= started && c.status < 300 && arrived(c), 10_000);
      times.push(call.at - started);
    }
  }
  measured[name] = times;
  return times;
}

describe('prompt delivery on Teams (≤ 250 ms from commit, after a reply, an edit or a note)', () => {
  it('an end user’s message', async () => {
    prompt(
      await each(
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
          return (c) => inThreadOf(chat)(c) && textOf(c).includes(`second ${n}`);
        },
        false,
      ),
    );
  }, 120_000);

  it('a monitor joining', async () => {
    prompt(
      await each(
        'monitor joining',
        async (chat, _n, invite) => {
          expect((await api(`/invites/${String(invite)}/answer`, { agentId: 'bob', answer: 'monitor' })).status).toBe(
            200,
          );
          return (c) => inThreadOf(chat)(c) && /joined as monitor/.test(textOf(c));
        },
        true,
        async (chat) =>
          (await api(`/sessions/${chat.id}/invites`, { agentId: 'alice', inviteeId: 'bob', mode: 'monitor' })).body
            .invites[0].id as string,
      ),
    );
  }, 240_000);

  it('Release: the root offers Accept again', async () => {
    prompt(
      await each(
        'release',
        async (chat) => {
          expect((await api(`/sessions/${chat.id}/release`, { agentId: 'alice' })).status).toBe(200);
          return (c) =>
            c.op === 'updateActivity' && c.activityId === chat.root && verbs(cardsIn(c)[0]).includes('accept');
        },
        true,
      ),
    );
  }, 240_000);

  afterAll(() => {
    for (const [k, v] of Object.entries(measured))
      process.stderr.write(`teams prompt ${k}: max ${Math.max(...v)} ms, all ${v.join(' ')}\n`);
  });
});
