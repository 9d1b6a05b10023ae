import { type ChannelAccount, TeamsInfo, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Reach } from '../../src/app/ports.js';
import type { DirectoryHolder } from '../../src/app/directory.js';
import type { Agent, Directory } from '../../src/domain/directory.js';
import { tenantOf } from './activity.js';
import { statusOf } from './connector.js';
import type { TeamsReferences } from './references.js';
import { teamsOfAgent, teamsOfQueue } from './settings.js';

const byAad = new WeakMap<Directory, Map<string, Agent>>();

/**
 * Who is who between the directory and Teams: `teams.aadObjectId` from the directory, else
 * learned on first contact by the email (or UPN) Teams gives for the user, and remembered.
 */
export class TeamsPeople {
  /** agent id → AAD object id, learned by this process. */
  private readonly aadOf = new Map<string, string>();

  constructor(private readonly refs: TeamsReferences, private readonly directory: DirectoryHolder, private readonly log: Logger, private readonly appTenantId?: string, private readonly allowedTenants: readonly string[] = []) {}

  /**
   * Whether an activity's tenant may be matched by email: the app's tenant, a queue's, or one of TEAMS_ALLOWED_TENANTS. A
   * guest or another tenant's user could carry a directory agent's email; an AAD object id
   * cannot be forged. With no tenant configured anywhere (local use), any tenant.
   */
  private trusted(tenantId: string | undefined): boolean {
    const known = new Set([this.appTenantId, ...this.allowedTenants, ...this.directory.get().queues.map((q) => teamsOfQueue(q)?.tenantId)].filter((t): t is string => !!t));
    return known.size === 0 || (tenantId !== undefined && known.has(tenantId));
  }

  /** Known in Teams (configured or learned), or maybe: they may have written to the bot from another instance. */
  reaches(agent: Agent): Reach {
    if (teamsOfAgent(agent)) return 'yes';
    const cached = this.aadOf.get(agent.id);
    return cached ? 'yes' : 'maybe';
  }

  async aadObjectId(agent: Agent): Promise<string | undefined> {
    const configured = teamsOfAgent(agent)?.aadObjectId;
    if (configured) return configured;
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
      let index = byAad.get(dir);
      if (!index) {
        index = new Map(dir.agents.flatMap((a) => { const id = teamsOfAgent(a)?.aadObjectId; return id ? [[id, a] as const] : []; }));
        byAad.set(dir, index);
      }
      const direct = index.get(aad);
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
