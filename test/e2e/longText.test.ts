import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeCall } from '../support/fakeSlack.js';
import { json } from '../support/harness.js';
import { acceptedChat, inThreadOf } from '../support/teamsChat.js';
import { startTeamsWorld, type TeamsWorld } from '../support/teamsWorld.js';
import { type SlackWorld, startSlackWorld } from './slackSetup.js';

/**
 * Nothing an end user wrote is cut: the longest message the API takes (3,990 characters
 * here), plain or full of what escaping makes longer, reaches the thread whole on each
 * platform, whose fakes refuse what the real ones refuse (Slack: text over 40,000 characters,
 * blocks over Block Kit's limits; Teams: a message over 40 KB).
 */
const words = Array.from({ length: 800 }, (_, i) => `word${i}`)
  .join(' ')
  .slice(0, 3990);
const LONG = [
  ['words', words],
  ['& < > only', '&<>'.repeat(1330)],
  ['& only', '&'.repeat(3990)],
] as const;

const unescapeSlack = (t: string) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const unescapeTeams = (t: string) =>
  t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\\(.)/g, '$1');

describe('Slack: a 3,990-character message arrives whole', () => {
  let w: SlackWorld;
  beforeAll(async () => {
    w = await startSlackWorld();
  });
  afterAll(async () => w?.stop());

  /** What a thread post says: its text, or its sections' texts joined (a text longer than one message's). */
  const said = (c: FakeCall) =>
    c.args.blocks
      ? (c.args.blocks as Array<{ type: string; text?: { text: string } }>)
          .filter((b) => b.type === 'section')
          .map((b) => b.text!.text)
          .join('')
      : String(c.args.text);

  it.each(LONG)('%s', async (_name, text) => {
    expect(text.length).toBe(3990);
    const r = await json(`${w.h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    });
    const root = await w.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && !c.args.thread_ts && JSON.stringify(c.args).includes(r.body.session.ref),
    );
    const ts = w.fake
      .messages(String(root.args.channel))
      .find((m) => !m.thread_ts && JSON.stringify(m.blocks).includes(r.body.session.ref))!.ts;
    expect(
      (
        await json(`${w.h.url}/api/v1/sessions/${r.body.session.id}/messages`, {
          method: 'POST',
          token: r.body.token,
          body: { text },
        })
      ).status,
    ).toBe(202);
    const post = await w.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.thread_ts === ts && said(c).includes('Zed:'),
      8000,
    );
    expect(post.error).toBeUndefined();
    expect(unescapeSlack(said(post))).toBe(`*Zed:* ${text}`);
  });
});

describe('Teams: a 3,990-character message arrives whole', () => {
  let w: TeamsWorld;
  beforeAll(async () => {
    w = await startTeamsWorld();
  });
  afterAll(async () => w?.stop());

  it.each(LONG)('%s', async (_name, text) => {
    const chat = await acceptedChat(w);
    expect(
      (
        await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, {
          method: 'POST',
          token: chat.token,
          body: { text },
        })
      ).status,
    ).toBe(202);
    const post = await w.fake.waitFor((c) => inThreadOf(chat)(c) && String(c.body?.text ?? '').includes('Jane:'), 8000);
    expect(post.status).toBe(200);
    expect(unescapeTeams(String(post.body.text))).toBe(`**Jane:** ${text}`);
  });
});
