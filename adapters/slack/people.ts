import type { Logger } from 'pino';
import type { Reach } from '../../src/app/ports.js';
import type { LinkStore } from '../../src/app/store.js';
import type { DirectoryHolder } from '../../src/app/directory.js';
import type { Agent, Directory } from '../../src/domain/directory.js';
import { agentTeam, slackOfAgent } from './settings.js';
import type { Workspace, Workspaces } from './workspaces.js';

const byUserId = new WeakMap<Directory, Map<string, Agent[]>>();

/**
 * Who is who between the directory and Slack, per workspace: the directory's user id when
 * given, else users.lookupByEmail / users.info with the workspace's own token, cached in
 * memory and in Redis (so every instance learns it once). An agent works in one workspace
 * (their `slack.team`, else their first queue's): their cards and App Home go there.
 */
export class SlackPeople {
  private readonly userOf = new Map<string, string | null>();
  private readonly agentOf = new Map<string, string | null>();

  constructor(private readonly workspaces: Workspaces, private readonly store: LinkStore, private readonly directory: DirectoryHolder, private readonly log: Logger) {}

  /** The directory agent with this id. */
  directoryAgent(id: string): Agent | undefined {
    return this.directory.get().agent(id);
  }

  /** The workspace an agent works in (undefined: the only one). */
  teamOf(agent: Agent): string | undefined {
    const dir = this.directory.get();
    return agentTeam(agent, (id) => dir.queue(id));
  }

  /** Known in Slack, known not to be, or not known yet (an email look-up may find them). */
  reaches(agent: Agent): Reach {
    if (slackOfAgent(agent)?.userId) return 'yes';
    const cached = this.userOf.get(agent.id);
    return cached === undefined ? 'maybe' : cached === null ? 'no' : 'yes';
  }

  /** Link-store keys: the single token's as before, an installation's under its id. */
  private key(ws: Workspace, kind: 'agent' | 'user', id: string): string {
    return ws.id ? `slack:${kind}:${ws.id}:${id}` : `slack:${kind}:${id}`;
  }

  async userId(agent: Agent): Promise<string | undefined> {
    const configured = slackOfAgent(agent)?.userId;
    if (configured) return configured;
    const cached = this.userOf.get(agent.id);
    if (cached !== undefined) return cached ?? undefined;
    const ws = await this.workspaces.forTeam(this.teamOf(agent));
    if (!ws) return undefined; // not installed (yet): asked again next time
    const stored = await this.store.lookup(this.key(ws, 'agent', agent.id));
    if (stored) return this.learn(ws, agent.id, stored);
    try {
      const r = await ws.client.users.lookupByEmail({ email: agent.email });
      if (r.user?.id) {
        await this.store.remember(this.key(ws, 'agent', agent.id), r.user.id);
        await this.store.remember(this.key(ws, 'user', r.user.id), agent.id);
        return this.learn(ws, agent.id, r.user.id);
      }
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error;
      if (code !== 'users_not_found') throw err;
      this.log.info({ agentId: agent.id }, 'agent has no Slack account with their email');
    }
    this.userOf.set(agent.id, null);
    return undefined;
  }

  private learn(ws: Workspace, agentId: string, userId: string): string {
    this.userOf.set(agentId, userId);
    this.agentOf.set(`${ws.id ?? ''}:${userId}`, agentId);
    return userId;
  }

  /**
   * The directory agent behind a Slack user of a workspace (`team`: the event's), by the id the
   * directory gives them there, else by the email that workspace knows.
   */
  async agent(userId: string, team?: string): Promise<Agent | undefined> {
    const dir = this.directory.get();
    let index = byUserId.get(dir);
    if (!index) {
      index = new Map();
      for (const a of dir.agents) {
        const id = slackOfAgent(a)?.userId;
        if (id) index.set(id, [...(index.get(id) ?? []), a]);
      }
      byUserId.set(dir, index);
    }
    // One user id may be configured in two workspaces (ids are unique per workspace only).
    const direct = index.get(userId);
    if (direct) return direct.length === 1 ? direct[0] : direct.find((a) => this.teamOf(a) === team) ?? direct[0];
    const ws = await this.workspaces.forTeam(team);
    if (!ws) return undefined;
    const mem = `${ws.id ?? ''}:${userId}`;
    const known = this.agentOf.get(mem) ?? (await this.store.lookup(this.key(ws, 'user', userId)));
    if (known) return dir.agent(known);
    if (known === null) return undefined;
    try {
      const r = await ws.client.users.info({ user: userId });
      const email = r.user?.profile?.email;
      const agent = email ? dir.byEmail(email) : undefined;
      if (agent) {
        await this.store.remember(this.key(ws, 'user', userId), agent.id);
        this.agentOf.set(mem, agent.id);
        return agent;
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message, userId }, 'users.info failed');
      return undefined;
    }
    this.agentOf.set(mem, null);
    return undefined;
  }
}
