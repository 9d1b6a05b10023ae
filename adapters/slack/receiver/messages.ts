import type { App } from '@slack/bolt';
import { z } from 'zod';
import { once } from '../../../src/app/dedupe.js';
import type { FileRef } from '../../../src/domain/transcript.js';
import { fileUrlIn, SLACK, threadKey } from '../platform.js';
import { slackToPlain } from '../text.js';
import { present, run, type SlackDeps, teamOf } from './present.js';

const SlackFile = z.object({
  id: z.string(),
  name: z.string().optional(),
  title: z.string().optional(),
  mimetype: z.string().optional(),
  size: z.number().optional(),
  url_private_download: z.string().optional(),
});
const Posted = z.object({
  subtype: z.enum(['file_share', 'thread_broadcast']).optional(),
  channel: z.string(),
  user: z.string(),
  text: z.string().default(''),
  ts: z.string(),
  thread_ts: z.string(),
  files: z.array(SlackFile).optional(),
});
const Changed = z.object({
  subtype: z.literal('message_changed'),
  channel: z.string(),
  message: z.object({
    user: z.string(),
    text: z.string().default(''),
    ts: z.string(),
    thread_ts: z.string().optional(),
    bot_id: z.string().optional(),
  }),
  previous_message: z.object({ text: z.string().default('') }).optional(),
});
const Deleted = z.object({
  subtype: z.literal('message_deleted'),
  channel: z.string(),
  deleted_ts: z.string(),
  previous_message: z.object({ user: z.string().optional(), bot_id: z.string().optional() }).optional(),
});

const fileRef = (f: z.infer<typeof SlackFile>, team: string | undefined): FileRef => ({
  id: f.id,
  name: (f.name ?? f.title ?? 'file').slice(0, 255),
  platform: SLACK,
  ...(f.mimetype ? { mimetype: f.mimetype } : {}),
  ...(f.size !== undefined ? { size: f.size } : {}),
  ...(f.url_private_download ? { url: fileUrlIn(f.url_private_download, team) } : {}),
});

/** Thread replies, edits and deletions by agents, as reply and revise intents. */
export function registerMessages(app: App, d: SlackDeps): void {
  app.event('message', async ({ event, client, context }) => {
    const team = teamOf(context);
    const raw = event as unknown as Record<string, unknown>;
    if (raw.bot_id || raw.subtype === 'bot_message') return; // our own posts and other bots
    const changed = Changed.safeParse(raw);
    if (changed.success) {
      const e = changed.data;
      if (e.message.bot_id || e.previous_message?.text === e.message.text) return; // unfurls, our own edits
      return revise(d, team, e.message.user, e.channel, e.message.ts, slackToPlain(e.message.text));
    }
    const deleted = Deleted.safeParse(raw);
    if (deleted.success) {
      const e = deleted.data;
      if (e.previous_message?.bot_id || !e.previous_message?.user) return;
      return revise(d, team, e.previous_message.user, e.channel, e.deleted_ts, null);
    }
    const posted = Posted.safeParse(raw);
    if (!posted.success || posted.data.thread_ts === posted.data.ts) return; // not a thread reply
    const m = posted.data;
    // Slack may deliver one message twice (retries, two event types): one ts, one reply.
    await once(d.ctx, `slack:msg:${m.channel}:${m.ts}`, 86_400, async () => {
      const where = { channel: m.channel, threadTs: m.thread_ts };
      const out = await run(d, {
        kind: 'reply',
        agent: await d.people.agent(m.user, team),
        place: threadKey(m.channel, m.thread_ts),
        text: slackToPlain(m.text),
        files: (m.files ?? []).map((f) => fileRef(f, team)),
        link: `${SLACK}:${m.channel}:${m.ts}`,
      });
      await present(d, client, m.user, where, out);
    });
  });
}

async function revise(
  d: SlackDeps,
  team: string | undefined,
  user: string,
  channel: string,
  ts: string,
  text: string | null,
) {
  await run(d, { kind: 'revise', agent: await d.people.agent(user, team), link: `${SLACK}:${channel}:${ts}`, text });
}
