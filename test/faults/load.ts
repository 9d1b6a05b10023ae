import type { FakeSlack } from '../support/fakeSlack.js';
import { json } from '../support/harness.js';

/** Helpers shared by the fault tests: steady end-user load, and what the fake Slack shows of it. */
export const FAULTS = process.env.SWITCHBOARD_FAULTS === '1';
export const SKIP_REASON =
  'fault tests: set SWITCHBOARD_FAULTS=1 and REDIS_CLUSTER_NODES (6-node cluster); run them with `npm run test:faults`';

export interface Chat {
  id: string;
  token: string;
  n: number;
}

/** The text of message i of chat n: a token no other line contains. */
export const line = (n: number, i: number) => `q${n}x${i}`;

export async function openChat(urls: () => string[], n: number): Promise<Chat> {
  for (;;) {
    const r = await json(`${urls()[0]}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    }).catch(() => ({ status: 0, body: {} as Record<string, any> }));
    if (r.status === 201) return { id: r.body.session.id as string, token: r.body.token as string, n };
    await new Promise((res) => setTimeout(res, 100));
  }
}

export interface Answer {
  status: number;
  url: string;
  at: number;
}

/**
 * Sends at least `min` messages on each chat, and goes on until `done()`, one chat after another every
 * `gapMs` (chats × 1000/gapMs msg/s), round-robin over the instances' urls. A message not taken (503,
 * or an instance gone) is retried with the same clientMessageId, on the next url, until it is: the
 * chat's order is the order of sending. Returns every answer, and how many messages each chat sent.
 */
export async function sendLoad(
  chats: Chat[],
  min: number,
  gapMs: number,
  urls: () => string[],
  done: () => boolean = () => true,
): Promise<{ answers: Answer[]; counts: Map<number, number> }> {
  const answers: Answer[] = [];
  const counts = new Map<number, number>();
  let turn = 0;
  await Promise.all(
    chats.map(async (c, k) => {
      await new Promise((res) => setTimeout(res, (gapMs / chats.length) * k));
      for (let i = 0; i < min || !done(); i++) {
        const started = Date.now();
        for (;;) {
          const list = urls();
          const url = list[turn++ % list.length]!;
          const r = await json(`${url}/api/v1/sessions/${c.id}/messages`, {
            method: 'POST',
            token: c.token,
            body: { text: line(c.n, i), clientMessageId: `c${i}` },
          }).catch(() => ({ status: 0 }));
          answers.push({ status: r.status, url, at: Date.now() });
          if (r.status === 202) break;
          await new Promise((res) => setTimeout(res, 100));
        }
        counts.set(c.n, i + 1);
        await new Promise((res) => setTimeout(res, Math.max(0, gapMs - (Date.now() - started))));
      }
    }),
  );
  return { answers, counts };
}

/** Each chat's tokens as the fake Slack shows them, in the order they were posted. */
export function seen(fake: FakeSlack, chats: Chat[]): Map<number, number[]> {
  const out = new Map<number, number[]>(chats.map((c) => [c.n, []]));
  for (const m of fake.messages()) {
    for (const [, n, i] of (m.text ?? '').matchAll(/\bq(\d+)x(\d+)\b/g)) out.get(Number(n))?.push(Number(i));
  }
  return out;
}

export interface Figures {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
}

export function figures(fake: FakeSlack, chats: Chat[], counts: Map<number, number>): Figures {
  const f: Figures = {
    sent: [...counts.values()].reduce((a, b) => a + b, 0),
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
  };
  for (const [n, xs] of seen(fake, chats)) {
    const count = counts.get(n) ?? 0;
    const unique = new Set(xs);
    f.delivered += xs.length;
    f.duplicated += xs.length - unique.size;
    f.lost += count - [...unique].filter((i) => i < count).length;
    f.reordered += xs.filter((x, j) => j > 0 && x < xs[j - 1]!).length;
  }
  return f;
}

export const allDelivered = (fake: FakeSlack, chats: Chat[], counts: Map<number, number>) =>
  [...seen(fake, chats)].every(([n, xs]) => new Set(xs).size >= (counts.get(n) ?? 0));
