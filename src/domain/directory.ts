import { z } from 'zod';

/** The directory file: support queues and the agents who work them. */
export const QueueSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _'),
  name: z.string().min(1).max(100),
  slack: z.object({ channel: z.string().regex(/^[CG][A-Z0-9]+$/, 'a Slack channel id such as C0123ABC') }).optional(),
  teams: z
    .object({
      channelId: z.string().min(1),
      serviceUrl: z.url(),
      tenantId: z.string().min(1).optional(),
    })
    .optional(),
});

export const AgentSchema = z.object({
  id: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/, 'letters, digits, ., - and _'),
  firstName: z.string().min(1),
  lastName: z.string().min(1),
  email: z.email(),
  permissions: z.array(z.string()).default([]),
  roles: z.array(z.enum(['agent', 'supervisor'])).default(['agent']),
  queues: z.array(z.string()).default([]),
  slack: z.object({ userId: z.string().regex(/^[UW][A-Z0-9]+$/) }).optional(),
  teams: z.object({ aadObjectId: z.string().min(1) }).optional(),
});

export const DirectorySchema = z
  .object({
    queues: z.array(QueueSchema).min(1),
    agents: z.array(AgentSchema).default([]),
  })
  .superRefine((d, ctx) => {
    const queueIds = new Set<string>();
    d.queues.forEach((q, i) => {
      if (queueIds.has(q.id)) ctx.addIssue({ code: 'custom', path: ['queues', i, 'id'], message: `duplicate queue id "${q.id}"` });
      queueIds.add(q.id);
    });
    const agentIds = new Set<string>();
    d.agents.forEach((a, i) => {
      if (agentIds.has(a.id)) ctx.addIssue({ code: 'custom', path: ['agents', i, 'id'], message: `duplicate agent id "${a.id}"` });
      agentIds.add(a.id);
      a.queues.forEach((q, j) => {
        if (!queueIds.has(q)) ctx.addIssue({ code: 'custom', path: ['agents', i, 'queues', j], message: `unknown queue "${q}"` });
      });
    });
  });

export type Queue = z.infer<typeof QueueSchema>;
export type Agent = z.infer<typeof AgentSchema>;
export type DirectoryData = z.infer<typeof DirectorySchema>;

export const AGENT_PERMISSION = 'ESChat_Agent';

export const isAgent = (a: Agent): boolean => a.permissions.includes(AGENT_PERMISSION);
export const isSupervisor = (a: Agent): boolean => isAgent(a) && a.roles.includes('supervisor');
export const isSupervisorOf = (a: Agent, queueId: string): boolean => isSupervisor(a) && a.queues.includes(queueId);
export const fullName = (a: Agent): string => `${a.firstName} ${a.lastName}`;

/** A read-only view of the directory with the look-ups every use case needs. */
export class Directory {
  private readonly agentsById: Map<string, Agent>;
  private readonly queuesById: Map<string, Queue>;
  private readonly supervisorsByQueue = new Map<string, Agent[]>();

  constructor(readonly data: DirectoryData) {
    this.agentsById = new Map(data.agents.map((a) => [a.id, a]));
    this.queuesById = new Map(data.queues.map((q) => [q.id, q]));
    for (const q of data.queues) this.supervisorsByQueue.set(q.id, data.agents.filter((a) => isSupervisorOf(a, q.id)));
  }

  /** The supervisors of a queue, computed once per directory. */
  supervisorsOf(queueId: string): readonly Agent[] {
    return this.supervisorsByQueue.get(queueId) ?? [];
  }

  get agents(): readonly Agent[] {
    return this.data.agents;
  }
  get queues(): readonly Queue[] {
    return this.data.queues;
  }
  agent(id: string): Agent | undefined {
    return this.agentsById.get(id);
  }
  queue(id: string): Queue | undefined {
    return this.queuesById.get(id);
  }
  byEmail(email: string): Agent | undefined {
    const e = email.trim().toLowerCase();
    return this.data.agents.find((a) => a.email.toLowerCase() === e);
  }
  bySlackId(userId: string): Agent | undefined {
    return this.data.agents.find((a) => a.slack?.userId === userId);
  }
  byAadObjectId(id: string): Agent | undefined {
    return this.data.agents.find((a) => a.teams?.aadObjectId === id);
  }
}
