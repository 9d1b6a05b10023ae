import { type ChannelAccount, TeamsInfo, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { DirectoryHolder } from '../../src/app/directory.js';
import { PlatformPeople } from '../../src/app/platformKit/people.js';
import type { Reach } from '../../src/app/ports.js';
import type { Agent } from '../../src/domain/directory.js';
import { tenantOf } from './activity.js';
import { statusOf } from './connector.js';
import type { TeamsReferences } from './references.js';
import { teamsOfAgent, teamsOfQueue } from './settings.js';

/** Where a Teams user acted: the turn, and the account (the sender, or someone mentioned). */
interface Contact {
  tc: TurnContext;
  from: ChannelAccount;
}

/** Teams has one scope: the bot's AAD object ids mean the same in every tenant. */
const BOT = 'bot';

/**
 * Who is who between the directory and Teams: `teams.aadObjectId` from the directory, else
 * learned on first contact by the email (or UPN) Teams gives for the user, and remembered;
 * the algorithm is the platform kit's (src/app/platformKit/people.ts).
 */
export class TeamsPeople {
  private readonly people: PlatformPeople<typeof BOT, Contact>;

  constructor(
    refs: TeamsReferences,
    private readonly directory: DirectoryHolder,
    log: Logger,
    private readonly appTenantId?: string,
    private readonly allowedTenants: readonly string[] = [],
  ) {
    this.people = new PlatformPeople<typeof BOT, Contact>(
      {
        configuredId: (agent) => teamsOfAgent(agent)?.aadObjectId,
        homeOf: async () => BOT,
        scopeOf: async () => BOT,
        scopeKey: () => BOT,
        storedUser: (_bot, agentId) => refs.aadFor(agentId),
        storedAgent: (_bot, aad) => refs.agentIdFor(aad),
        link: (_bot, agentId, aad) => refs.link(agentId, aad),
        linkOnContact: (_bot, agentId, aad) => refs.link(agentId, aad),
        // No userByEmail: a bot cannot search a tenant's users; they are learned when they write.
        mayMatchByEmail: ({ tc }, aad) => {
          if (this.trusted(tenantOf(tc.activity))) return true;
          log.info({ aad }, 'not matching a Teams user of an unknown tenant by email');
          return false;
        },
        emailOf: async ({ tc, from }, _bot, aad) => {
          try {
            const member = await TeamsInfo.getMember(tc, from.id);
            return { email: member.email ?? member.userPrincipalName, userId: member.aadObjectId ?? aad };
          } catch (err) {
            log.info(
              { status: statusOf(err), err: (err as Error).message, aad },
              'Teams user is not a directory agent (member look-up failed)',
            );
            return undefined;
          }
        },
        contactTeachesBothWays: true,
      },
      directory,
    );
  }

  /**
   * Whether an activity's tenant may be matched by email: the app's tenant, a queue's, or one of TEAMS_ALLOWED_TENANTS. A
   * guest or another tenant's user could carry a directory agent's email; an AAD object id
   * cannot be forged. With no tenant configured anywhere (local use), any tenant.
   */
  private trusted(tenantId: string | undefined): boolean {
    const known = new Set(
      [
        this.appTenantId,
        ...this.allowedTenants,
        ...this.directory.get().queues.map((q) => teamsOfQueue(q)?.tenantId),
      ].filter((t): t is string => !!t),
    );
    return known.size === 0 || (tenantId !== undefined && known.has(tenantId));
  }

  /** Known in Teams (configured or learned), or maybe: they may have written to the bot from another instance. */
  reaches(agent: Agent): Reach {
    return this.people.reaches(agent);
  }

  aadObjectId(agent: Agent): Promise<string | undefined> {
    return this.people.userId(agent);
  }

  /** The agent behind an activity's sender; learns the link by email on first contact. */
  agentOf(tc: TurnContext): Promise<Agent | undefined> {
    return this.agentFor(tc, tc.activity.from);
  }

  /** The agent behind any account of the turn's conversation (the sender, someone mentioned). */
  agentFor(tc: TurnContext, from: ChannelAccount): Promise<Agent | undefined> {
    return this.people.agent(from.aadObjectId, { tc, from });
  }
}
