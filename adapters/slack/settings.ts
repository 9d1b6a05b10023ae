import { z } from 'zod';
import type { Agent, Queue } from '../../src/domain/directory.js';

/** Slack's sections of the directory file: `queues[].slack`, `agents[].slack`. */
const ChannelId = z.string().regex(/^[CG][A-Z0-9]+$/, 'a Slack channel id such as C0123ABC');
/** A workspace (T…) or, for an org-wide install of Enterprise Grid, the organisation (E…). */
export const TeamId = z
  .string()
  .regex(/^[TE][A-Z0-9]+$/, 'a Slack team id such as T0123ABC (or an enterprise id E0123ABC)');

export const SlackQueueSettings = z
  .object({
    /** The workspace of the channels (with OAuth installs); may be left out with one installation. */
    team: TeamId.optional(),
    /** Where the queue's new chats are posted. */
    channel: ChannelId.optional(),
    /** A pool of channels new chats are spread over. */
    channels: z.array(ChannelId).min(1).optional(),
  })
  .strict()
  .refine((s) => s.channel !== undefined || s.channels !== undefined, 'give channel or channels');

export const SlackAgentSettings = z
  .object({
    userId: z
      .string()
      .regex(/^[UW][A-Z0-9]+$/, 'a Slack user id such as U0123ABC')
      .optional(),
    /** The agent's workspace: where their cards and App Home go (default: their first queue's). */
    team: TeamId.optional(),
  })
  .strict()
  .refine((s) => s.userId !== undefined || s.team !== undefined, 'give userId or team');

export const slackSection = { queue: SlackQueueSettings, agent: SlackAgentSettings };

// The directory validated these sections when it was loaded.
export const slackOfQueue = (q: Queue): z.infer<typeof SlackQueueSettings> | undefined =>
  q.settings.slack as z.infer<typeof SlackQueueSettings> | undefined;
export const slackOfAgent = (a: Agent): z.infer<typeof SlackAgentSettings> | undefined =>
  a.settings.slack as z.infer<typeof SlackAgentSettings> | undefined;

/** The queue's channels on Slack: its pool, or its one channel. */
export const queueChannels = (q: Queue): string[] => {
  const s = slackOfQueue(q);
  return s?.channels ?? (s?.channel ? [s.channel] : []);
};

/** The workspace a queue's chats are posted in; undefined: the only one (or the single token's). */
export const queueTeam = (q: Queue): string | undefined => slackOfQueue(q)?.team;

/** The workspace an agent works in: their own setting, else the first of their queues that names one. */
export const agentTeam = (a: Agent, queue: (id: string) => Queue | undefined): string | undefined =>
  slackOfAgent(a)?.team ??
  a.queues
    .map((id) => {
      const q = queue(id);
      return q ? queueTeam(q) : undefined;
    })
    .find((t) => t !== undefined);
