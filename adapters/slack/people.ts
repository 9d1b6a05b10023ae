import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Reach } from '../../src/app/ports.js';
import type { LinkStore } from '../../src/app/store.js';
import type { DirectoryHolder } from '../../src/app/directory.js';
import type { Agent, Directory } from '../../src/domain/directory.js';
import { slackOfAgent } from './settings.js';

const byUserId = new WeakMap<Directory, Map<string, Agent>>();

/**
 * Who is who between the directory and Slack: the directory's user id when given, else
 * users.lookupByEmail, cached in memory and in Redis (so every instance learns it once).
 */
export class SlackPeople {
  private readonly userOf = new Map<string, string | null>();
  private readonly agentOf = new Map<string, string | null>();

  constructor(private readonly client: WebClient, private readonly store: LinkStore, private readonly directory: DirectoryHolder, private readonly log: Logger) {}

  /** The directory agent with this id. */
  directoryAgent(id: string): Agent | undefined {
    return this.directory.get().agent(id);
  }

  /** Known in Slack, known not to be, or not known yet (an email look-up may find them). */
  reaches(agent: Agent): Reach {
    if (slackOfAgent(agent)) return 'yes';
    const cached = this.userOf.get(agent.id);
    return cached === undefined ? 'maybe' : cached === null ? 'no' : 'yes';
  }

  async userId(agent: Agent): Promise<string | undefined> {
    const configured = slackOfAgent(agent)?.userId;
    if (configured) return configured;
    const cached = this.userOf.get(agent.id);
    if (cached !== undefined) return cached ?? undefined;
    const stored = await this.store.lookup(`slack:agent:${agent.id}`);
    if (stored) return this.learn(agent.id, stored);
    try {
      const r = await this.client.users.lookupByEmail({ email: agent.email });
      if (r.user?.id) {
        await this.store.remember(`slack:agent:${agent.id}`, r.user.id);
        await this.store.remember(`slack:user:${r.user.id}`, agent.id);
        return this.learn(agent.id, r.user.id);
      }
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error;
      if (code !== 'users_not_found') throw err;
      this.log.info({ agentId: agent.id }, 'agent has no Slack account with their email');
    }
    this.userOf.set(agent.id, null);
    return undefined;
  }

  private learn(agentId: string, userId: string): string {
    this.userOf.set(agentId, userId);
    this.agentOf.set(userId, agentId);
    return userId;
  }

  /** The directory agent behind a Slack user, by id or by the email Slack knows. */
  async agent(userId: string): Promise<Agent | undefined> {
    const dir = this.directory.get();
    let index = byUserId.get(dir);
    if (!index) {
      index = new Map(dir.agents.flatMap((a) => { const id = slackOfAgent(a)?.userId; return id ? [[id, a] as const] : []; }));
      byUserId.set(dir, index);
    }
    const direct = index.get(userId);
    if (direct) return direct;
    const known = this.agentOf.get(userId) ?? (await this.store.lookup(`slack:user:${userId}`));
    if (known) return dir.agent(known);
    if (known === null) return undefined;
    try {
      const r = await this.client.users.info({ user: userId });
      const email = r.user?.profile?.email;
      const agent = email ? dir.byEmail(email) : undefined;
      if (agent) {
        await this.store.remember(`slack:user:${userId}`, agent.id);
        this.learn(agent.id, userId);
        return agent;
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message, userId }, 'users.info failed');
      return undefined;
    }
    this.agentOf.set(userId, null);
    return undefined;
  }
}
