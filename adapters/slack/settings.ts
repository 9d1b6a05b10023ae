import { z } from 'zod';
import type { Agent, Queue } from '../../src/domain/directory.js';

/** Slack's sections of the directory file: `queues[].slack`, `agents[].slack`. */
const ChannelId = z.string().regex(/^[CG][A-Z0-9]+$/, 'a Slack channel id such as C0123ABC');

export const SlackQueueSettings = z.object({
  /** Where the queue's new chats are posted. */
  channel: ChannelId.optional(),
  /** A pool of channels new chats are spread over. */
  channels: z.array(ChannelId).min(1).optional(),
}).strict().refine((s) => s.channel !== undefined || s.channels !== undefined, 'give channel or channels');

export const SlackAgentSettings = z.object({ userId: z.string().regex(/^[UW][A-Z0-9]+$/, 'a Slack user id such as U0123ABC') }).strict();

export const slackSection = { queue: SlackQueueSettings, agent: SlackAgentSettings };

// The directory validated these sections when it was loaded.
export const slackOfQueue = (q: Queue): z.infer<typeof SlackQueueSettings> | undefined => q.settings.slack as z.infer<typeof SlackQueueSettings> | undefined;
export const slackOfAgent = (a: Agent): z.infer<typeof SlackAgentSettings> | undefined => a.settings.slack as z.infer<typeof SlackAgentSettings> | undefined;

/** The queue's channels on Slack: its pool, or its one channel. */
export const queueChannels = (q: Queue): string[] => {
  const s = slackOfQueue(q);
  return s?.channels ?? (s?.channel ? [s.channel] : []);
};
