import type { Logger } from 'pino';
import type { DirectoryHolder } from '../../src/app/directory.js';
import { PlatformPeople } from '../../src/app/platformKit/people.js';
import type { Reach } from '../../src/app/ports.js';
import type { LinkStore } from '../../src/app/store.js';
import type { Agent } from '../../src/domain/directory.js';
import { agentTeam, slackOfAgent } from './settings.js';
import type { Workspace, Workspaces } from './workspaces.js';

/** Link-store keys: the single token's as before, an installation's under its id. */
const key = (ws: Workspace, kind: 'agent' | 'user', id: string): string =>
  ws.id ? `slack:${kind}:${ws.id}:${id}` : `slack:${kind}:${id}`;

/**
 * Who is who between the directory and Slack, per workspace: the directory's user id when
 * given, else users.lookupByEmail / users.info with the workspace's own token, cached in
 * memory and in Redis (so every instance learns it once); the algorithm is the platform kit's
 * (src/app/platformKit/people.ts). An agent works in one workspace (their `slack.team`, else
 * their first queue's): their cards and App Home go there.
 */
export class SlackPeople {
  private readonly people: PlatformPeople<Workspace, string | undefined>;

  constructor(
    workspaces: Workspaces,
    store: LinkStore,
    private readonly directory: DirectoryHolder,
    log: Logger,
  ) {
    this.people = new PlatformPeople<Workspace, string | undefined>(
      {
        configuredId: (agent) => slackOfAgent(agent)?.userId,
        homeOf: (agent) => workspaces.forTeam(this.teamOf(agent)),
        scopeOf: (team) => workspaces.forTeam(team),
        scopeKey: (ws) => ws.id ?? '',
        storedUser: (ws, agentId) => store.lookup(key(ws, 'agent', agentId)),
        storedAgent: (ws, userId) => store.lookup(key(ws, 'user', userId)),
        link: async (ws, agentId, userId) => {
          await store.remember(key(ws, 'agent', agentId), userId);
          await store.remember(key(ws, 'user', userId), agentId);
        },
        linkOnContact: (ws, agentId, userId) => store.remember(key(ws, 'user', userId), agentId),
        userByEmail: async (ws, agent) => {
          try {
            const r = await ws.client.users.lookupByEmail({ email: agent.email });
            if (r.user?.id) return r.user.id;
          } catch (err) {
            const code = (err as { data?: { error?: string } }).data?.error;
            if (code !== 'users_not_found') throw err;
            log.info({ agentId: agent.id }, 'agent has no Slack account with their email');
          }
          return null;
        },
        emailOf: async (_team, ws, userId) => {
          try {
            const r = await ws.client.users.info({ user: userId ?? '' });
            return { email: r.user?.profile?.email };
          } catch (err) {
            log.warn({ err: (err as Error).message, userId }, 'users.info failed');
            return undefined;
          }
        },
        // One user id may be configured in two workspaces (ids are unique per workspace only).
        choose: (candidates, team) => candidates.find((a) => this.teamOf(a) === team) ?? candidates[0]!,
      },
      directory,
    );
  }

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
    return this.people.reaches(agent);
  }

  /** The agent's Slack user id in their workspace. */
  userId(agent: Agent): Promise<string | undefined> {
    return this.people.userId(agent);
  }

  /**
   * The directory agent behind a Slack user of a workspace (`team`: the event's), by the id the
   * directory gives them there, else by the email that workspace knows.
   */
  agent(userId: string, team?: string): Promise<Agent | undefined> {
    return this.people.agent(userId, team);
  }
}
