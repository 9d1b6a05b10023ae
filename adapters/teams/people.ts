import { type ChannelAccount, TeamsInfo, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { DirectoryHolder } from '../../src/config.js';
import type { Agent } from '../../src/domain/directory.js';
import { tenantOf } from './activity.js';
import { statusOf } from './connector.js';
import type { TeamsReferences } from './references.js';

/**
 * Who is who between the directory and Teams: `teams.aadObjectId` from the directory, else
 * learned on first contact by the email (or UPN) Teams gives for the user, and remembered.
 */
export class TeamsPeople {
  /** agent id → AAD object id (null: known to have none), learned by this process. */
  private readonly aadOf = new Map<string, string | null>();

  constructor(private readonly refs: TeamsReferences, private readonly directory: DirectoryHolder, private readonly log: Logger, private readonly appTenantId?: string) {}

  /**
   * Whether an activity's tenant may be matched by email: the app's tenant or a queue's. A
   * guest or another tenant's user could carry a directory agent's email; an AAD object id
   * cannot be forged. With no tenant configured anywhere (local use), any tenant.
   */
  private trusted(tenantId: string | undefined): boolean {
    const known = new Set([this.appTenantId, ...this.directory.get().queues.map((q) => q.teams?.tenantId)].filter((t): t is string => !!t));
    return known.size === 0 || (tenantId !== undefined && known.has(tenantId));
  }

  /** Synchronous best guess (the port wants one): known in Teams, or not known to work elsewhere. */
  reaches(agent: Agent): boolean {
    if (agent.teams) return true;
    const cached = this.aadOf.get(agent.id);
    if (cached !== undefined) return cached !== null;
    return !agent.slack;
  }

  async aadObjectId(agent: Agent): Promise<string | undefined> {
    if (agent.teams) return agent.teams.aadObjectId;
    const cached = this.aadOf.get(agent.id);
    if (cached) return cached;
    const stored = await this.refs.aadFor(agent.id);
    if (stored) this.aadOf.set(agent.id, stored);
    return stored;
  }

  /** The agent behind an activity's sender; learns the link by email on first contact. */
  agentOf(tc: TurnContext): Promise<Agent | undefined> {
    return this.agentFor(tc, tc.activity.from);
  }

  /** The agent behind any account of the turn's conversation (the sender, someone mentioned). */
  async agentFor(tc: TurnContext, from: ChannelAccount): Promise<Agent | undefined> {
    const aad = from.aadObjectId;
    const dir = this.directory.get();
    if (aad) {
      const direct = dir.byAadObjectId(aad);
      if (direct) return direct;
      const known = await this.refs.agentIdFor(aad);
      if (known) return dir.agent(known);
    }
    if (!this.trusted(tenantOf(tc.activity))) {
      this.log.info({ aad }, 'not matching a Teams user of an unknown tenant by email');
      return undefined;
    }
    try {
      const member = await TeamsInfo.getMember(tc, from.id);
      const email = member.email ?? member.userPrincipalName;
      const agent = email ? dir.byEmail(email) : undefined;
      const memberAad = member.aadObjectId ?? aad;
      if (agent && memberAad) {
        await this.refs.link(agent.id, memberAad);
        this.aadOf.set(agent.id, memberAad);
      }
      return agent;
    } catch (err) {
      this.log.info({ status: statusOf(err), err: (err as Error).message, aad }, 'Teams user is not a directory agent (member look-up failed)');
      return undefined;
    }
  }
}
