import { z } from 'zod';
import type { Agent, Queue } from '../../src/domain/directory.js';

/** Teams' sections of the directory file: `queues[].teams`, `agents[].teams`. */
export const TeamsQueueSettings = z
  .object({
    channelId: z.string().min(1),
    serviceUrl: z.url(),
    tenantId: z.string().min(1).optional(),
  })
  .strict();

export const TeamsAgentSettings = z.object({ aadObjectId: z.string().min(1) }).strict();

export const teamsSection = { queue: TeamsQueueSettings, agent: TeamsAgentSettings };

// The directory validated these sections when it was loaded.
export const teamsOfQueue = (q: Queue): z.infer<typeof TeamsQueueSettings> | undefined =>
  q.settings.teams as z.infer<typeof TeamsQueueSettings> | undefined;
export const teamsOfAgent = (a: Agent): z.infer<typeof TeamsAgentSettings> | undefined =>
  a.settings.teams as z.infer<typeof TeamsAgentSettings> | undefined;
