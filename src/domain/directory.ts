import { z } from 'zod';
import { CannedReply } from './canned.js';
import { HoursSchema } from './hours.js';

/**
 * The directory file: support queues and the agents who work them. Each chat platform keeps
 * its own per-queue and per-agent settings in a section named after it (its adapter's id),
 * validated by that platform's adapter; the domain carries them without reading them.
 */
const QueueCore = {
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _'),
  name: z.string().min(1).max(100),
  /** manual: the first Accept wins; auto: each chat goes to the least busy available agent. */
  routing: z.enum(['manual', 'auto']).default('manual'),
  /** A chat waiting longer than this is escalated once to the queue's supervisors. */
  escalateAfterSeconds: z.number().int().min(1).max(86_400).optional(),
  /** Business hours: while closed, new chats are refused. Absent: always open. */
  hours: HoursSchema.optional(),
  /** Takes messages (with an email) while closed or while none of its agents is available. */
  offline: z.boolean().optional(),
  /** The end-user context attributes its root card shows, in this order. */
  context: z
    .array(z.string().regex(/^[a-zA-Z0-9_.-]{1,40}$/, 'an attribute name: letters, digits, _ . -'))
    .max(20)
    .optional(),
  /** Agents' tools (README "Agents' tools"): canned replies, response targets, idle chats, wrap-up outcomes. */
  canned: z.array(CannedReply).max(200).optional(),
  firstResponseSeconds: z.number().int().min(1).max(86_400).optional(),
  nextResponseSeconds: z.number().int().min(1).max(86_400).optional(),
  idleWarnSeconds: z.number().int().min(1).max(86_400).optional(),
  idleEndSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .optional(),
  outcomes: z
    .array(
      z
        .string()
        .trim()
        .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, - and _'),
    )
    .max(25)
    .optional(),
};

const AgentCore = {
  id: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/, 'letters, digits, ., - and _'),
  firstName: z.string().min(1),
  lastName: z.string().min(1),
  email: z.email(),
  permissions: z.array(z.string()).default([]),
  roles: z.array(z.enum(['agent', 'supervisor'])).default(['agent']),
  queues: z.array(z.string()).default([]),
  /** How many chats auto routing gives them at most (chats they own; invites and joins do not count). */
  maxChats: z.number().int().min(1).max(50).default(3),
  /** manual: their own Available/Away toggle; presence: their platforms' presence too. Absent: AVAILABILITY_MODE. */
  availability: z.enum(['manual', 'presence']).optional(),
};

/** A platform's own settings schemas for the directory. */
export interface DirectorySection {
  queue?: z.ZodType;
  agent?: z.ZodType;
}
export type DirectorySections = Readonly<Record<string, DirectorySection>>;

/** Platform sections, each validated by its platform's schema; unknown keys are refused. */
function withSections<T extends z.ZodRawShape>(core: T, sections: DirectorySections, kind: keyof DirectorySection) {
  const platformShape = Object.fromEntries(
    Object.entries(sections).flatMap(([id, s]) => (s[kind] ? [[id, s[kind]!.optional()]] : [])),
  );
  return z
    .object({ ...core, ...platformShape })
    .strict()
    .transform((raw) => {
      const settings: Record<string, unknown> = {};
      const coreOnly: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(raw)) {
        if (k in core) coreOnly[k] = v;
        else if (v !== undefined) settings[k] = v;
      }
      return { ...(coreOnly as z.output<z.ZodObject<T>>), settings: settings as Readonly<Record<string, unknown>> };
    });
}

export const directorySchema = (sections: DirectorySections = {}) =>
  z
    .object({
      queues: z.array(withSections(QueueCore, sections, 'queue')).min(1),
      agents: z.array(withSections(AgentCore, sections, 'agent')).default([]),
    })
    .superRefine((d, ctx) => {
      const queueIds = new Set<string>();
      d.queues.forEach((q, i) => {
        if (queueIds.has(q.id))
          ctx.addIssue({ code: 'custom', path: ['queues', i, 'id'], message: `duplicate queue id "${q.id}"` });
        queueIds.add(q.id);
        const shortcuts = new Set<string>();
        (q.canned ?? []).forEach((c, j) => {
          if (shortcuts.has(c.shortcut))
            ctx.addIssue({
              code: 'custom',
              path: ['queues', i, 'canned', j, 'shortcut'],
              message: `duplicate shortcut "${c.shortcut}"`,
            });
          shortcuts.add(c.shortcut);
        });
        if (q.outcomes && new Set(q.outcomes).size !== q.outcomes.length)
          ctx.addIssue({ code: 'custom', path: ['queues', i, 'outcomes'], message: 'duplicate outcome' });
        if (q.idleWarnSeconds && q.idleEndSeconds && q.idleEndSeconds <= q.idleWarnSeconds)
          ctx.addIssue({
            code: 'custom',
            path: ['queues', i, 'idleEndSeconds'],
            message: 'must be more than idleWarnSeconds',
          });
      });
      const agentIds = new Set<string>();
      d.agents.forEach((a, i) => {
        if (agentIds.has(a.id))
          ctx.addIssue({ code: 'custom', path: ['agents', i, 'id'], message: `duplicate agent id "${a.id}"` });
        agentIds.add(a.id);
        a.queues.forEach((q, j) => {
          if (!queueIds.has(q))
            ctx.addIssue({ code: 'custom', path: ['agents', i, 'queues', j], message: `unknown queue "${q}"` });
        });
      });
    });

export type DirectoryData = z.output<ReturnType<typeof directorySchema>>;
export type Queue = DirectoryData['queues'][number];
export type Agent = DirectoryData['agents'][number];

export const AGENT_PERMISSION = 'ESChat_Agent';

export const isAgent = (a: Agent): boolean => a.permissions.includes(AGENT_PERMISSION);
export const isSupervisor = (a: Agent): boolean => isAgent(a) && a.roles.includes('supervisor');
export const isSupervisorOf = (a: Agent, queueId: string): boolean => isSupervisor(a) && a.queues.includes(queueId);
export const fullName = (a: Agent): string => `${a.firstName} ${a.lastName}`;

/** A read-only view of the directory with the look-ups every use case needs. */
export class Directory {
  private readonly agentsById: Map<string, Agent>;
  private readonly queuesById: Map<string, Queue>;
  private readonly agentsByEmail: Map<string, Agent>;
  private readonly supervisorsByQueue = new Map<string, Agent[]>();
  private readonly agentsByQueue = new Map<string, Agent[]>();

  constructor(readonly data: DirectoryData) {
    this.agentsById = new Map(data.agents.map((a) => [a.id, a]));
    this.queuesById = new Map(data.queues.map((q) => [q.id, q]));
    this.agentsByEmail = new Map(data.agents.map((a) => [a.email.toLowerCase(), a]));
    for (const q of data.queues)
      this.supervisorsByQueue.set(
        q.id,
        data.agents.filter((a) => isSupervisorOf(a, q.id)),
      );
    for (const a of data.agents)
      for (const q of a.queues) this.agentsByQueue.set(q, [...(this.agentsByQueue.get(q) ?? []), a]);
  }

  /** Everyone who works a queue (agents and supervisors), computed once per directory. */
  agentsOf(queueId: string): readonly Agent[] {
    return this.agentsByQueue.get(queueId) ?? [];
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
    return this.agentsByEmail.get(email.trim().toLowerCase());
  }
}
