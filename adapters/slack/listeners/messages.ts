import type { App } from '@slack/bolt';
import { z } from 'zod';
import { Refused } from '../../../src/app/errors.js';
import { agentReply, agentRevision } from '../../../src/app/sessions.js';
import { MESSAGE_LINK_SECONDS } from '../../../src/app/store.js';
import type { FileRef } from '../../../src/domain/transcript.js';
import { asAgent, type SlackDeps, tell } from '../deps.js';
import { mirrorKey, SLACK } from '../platform.js';
import { slackToPlain } from '../text.js';

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
  bot_id: z.string().optional(),
  files: z.array(SlackFile).optional(),
});
const Changed = z.object({
  subtype: z.literal('message_changed'),
  channel: z.string(),
  message: z.object({ user: z.string(), text: z.string().default(''), ts: z.string(), thread_ts: z.string().optional(), bot_id: z.string().optional() }),
  previous_message: z.object({ text: z.string().default('') }).optional(),
});
const Deleted = z.object({
  subtype: z.literal('message_deleted'),
  channel: z.string(),
  deleted_ts: z.string(),
  previous_message: z.object({ user: z.string().optional(), bot_id: z.string().optional() }).optional(),
});

const entryKey = (channel: string, ts: string) => `slack:entry:${channel}:${ts}`;

function fileRef(f: z.infer<typeof SlackFile>): FileRef {
  return {
    id: f.id, name: (f.name ?? f.title ?? 'file').slice(0, 255), platform: SLACK,
    ...(f.mimetype ? { mimetype: f.mimetype } : {}), ...(f.size !== undefined ? { size: f.size } : {}),
    ...(f.url_private_download ? { url: f.url_private_download } : {}),
  };
}

/** Thread replies, edits, deletions and files shared by agents in a session's thread. */
export function registerMessages(app: App, d: SlackDeps): void {
  app.event('message', async ({ event }) => {
    const raw = event as unknown as Record<string, unknown>;
    if (raw.bot_id || raw.subtype === 'bot_message') return; // our own posts and other bots
    const changed = Changed.safeParse(raw);
    if (changed.success) return onChanged(d, changed.data);
    const deleted = Deleted.safeParse(raw);
    if (deleted.success) return onDeleted(d, deleted.data);
    const posted = Posted.safeParse(raw);
    if (posted.success && posted.data.thread_ts !== posted.data.ts) return onReply(d, posted.data);
  });
}

async function onReply(d: SlackDeps, m: z.infer<typeof Posted>) {
  const origin = mirrorKey(m.channel, m.thread_ts);
  const sessionId = await d.ctx.store.lookup(`mirror:${origin}`);
  if (!sessionId) return; // a thread that is not a chat
  // Slack may deliver one message twice (retries, two event types): one ts, one entry.
  if (!(await d.ctx.store.claimOnce(`slack:msg:${m.channel}:${m.ts}`, 86_400))) return;
  const where = { channel: m.channel, threadTs: m.thread_ts };
  const files = (m.files ?? []).map(fileRef);
  await asAgent(d, m.user, where, async (agent) => {
    // One entry per file; the message's text goes with the first.
    for (let i = 0; i < Math.max(1, files.length); i++) {
      const file = files[i];
      const text = (i === 0 ? slackToPlain(m.text).trim() : '') || (file ? file.name : '');
      if (!text && !file) continue;
      const { entry, notice } = await agentReply(d.ctx, { sessionId, agent, text, origin, ...(file ? { file } : {}) });
      if (i === 0) await d.ctx.store.remember(entryKey(m.channel, m.ts), `${sessionId} ${entry.id}`, MESSAGE_LINK_SECONDS);
      if (notice && i === 0) await tell(d, m.user, where, notice);
    }
  });
}

async function onChanged(d: SlackDeps, e: z.infer<typeof Changed>) {
  if (e.message.bot_id || e.previous_message?.text === e.message.text) return; // unfurls, our own edits
  await revise(d, e.channel, e.message.ts, e.message.user, slackToPlain(e.message.text));
}

async function onDeleted(d: SlackDeps, e: z.infer<typeof Deleted>) {
  if (e.previous_message?.bot_id || !e.previous_message?.user) return;
  await revise(d, e.channel, e.deleted_ts, e.previous_message.user, null);
}

async function revise(d: SlackDeps, channel: string, ts: string, user: string, text: string | null) {
  const known = await d.ctx.store.lookup(entryKey(channel, ts));
  if (!known) return;
  const [sessionId = '', entryId = ''] = known.split(' ');
  const agent = await d.people.agent(user);
  if (!agent) return;
  const origin = (await d.ctx.store.mirrors(sessionId)).find((m) => m.platform === SLACK && m.address.channel === channel)?.key ?? `${SLACK}:${channel}`;
  await agentRevision(d.ctx, sessionId, agent.id, entryId, origin, text).catch((err: unknown) => {
    if (!(err instanceof Refused)) throw err;
  });
}
