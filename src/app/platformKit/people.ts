import type { Agent, Directory } from '../../domain/directory.js';
import type { DirectoryHolder } from '../directory.js';
import type { Reach } from '../ports.js';

/**
 * What a platform tells the shared identity look-up. `Scope` is where a platform id means
 * something (a Slack workspace; Teams' one bot); `Where` is where a user acted (a Slack event's
 * team; a Teams turn and account).
 */
export interface PeopleHooks<Scope, Where> {
  /** The platform id the directory gives an agent, if any. */
  configuredId(agent: Agent): string | undefined;
  /** The scope an agent works in; undefined: not reachable now (asked again next time). */
  homeOf(agent: Agent): Promise<Scope | undefined>;
  /** The scope of where a user acted; undefined: unknown (not installed). */
  scopeOf(where: Where): Promise<Scope | undefined>;
  /** Tells scopes apart in this process's caches. */
  scopeKey(scope: Scope): string;
  /** The stored links, shared by every instance (the link store). */
  storedUser(scope: Scope, agentId: string): Promise<string | undefined>;
  storedAgent(scope: Scope, userId: string): Promise<string | undefined>;
  /** Keeps a link found from the agent's side (by their email): both ways. */
  link(scope: Scope, agentId: string, userId: string): Promise<void>;
  /** Keeps a link learned on first contact (the platform stores what it means to). */
  linkOnContact(scope: Scope, agentId: string, userId: string): Promise<void>;
  /** The platform user with an agent's email; null: none. Absent: the platform cannot search by email. */
  userByEmail?(scope: Scope, agent: Agent): Promise<string | null>;
  /**
   * The email behind a user who acted, and their definitive id (a Teams account may come
   * without its AAD id); undefined: the look-up failed (the hook logs why), nothing is learned.
   */
  emailOf(
    where: Where,
    scope: Scope,
    userId: string | undefined,
  ): Promise<{ email?: string | undefined; userId?: string | undefined } | undefined>;
  /** Whether a user of this place may be matched by email (Teams: trusted tenants only; the hook logs a refusal). */
  mayMatchByEmail?(where: Where, userId: string | undefined): boolean;
  /** Picks among agents configured with the same id (ids unique per scope only). Default: the last. */
  choose?(candidates: readonly Agent[], where: Where): Agent;
  /** A link learned on contact also answers the agent's side in this process (one scope). */
  contactTeachesBothWays?: boolean;
}

/**
 * Who is who between the directory and a chat platform, written once for every platform
 * (adapters/slack/people.ts, adapters/teams/people.ts): the directory's configured id, else
 * this process's cache, else the stored link, else learned by email and remembered.
 */
export class PlatformPeople<Scope, Where> {
  /** agent id → platform id (null: the platform said there is none). */
  private readonly userOf = new Map<string, string | null>();
  /** `scope:user id` → agent id. */
  private readonly agentOf = new Map<string, string>();
  private readonly byId = new WeakMap<Directory, Map<string, Agent[]>>();

  constructor(
    private readonly hooks: PeopleHooks<Scope, Where>,
    private readonly directory: DirectoryHolder,
  ) {}

  /** Known on the platform, known not to be, or not known yet (an email look-up may find them). */
  reaches(agent: Agent): Reach {
    if (this.hooks.configuredId(agent)) return 'yes';
    const cached = this.userOf.get(agent.id);
    return cached === undefined ? 'maybe' : cached === null ? 'no' : 'yes';
  }

  /** The agent's platform id, if it can be known. */
  async userId(agent: Agent): Promise<string | undefined> {
    const configured = this.hooks.configuredId(agent);
    if (configured) return configured;
    const cached = this.userOf.get(agent.id);
    if (cached !== undefined) return cached ?? undefined;
    const scope = await this.hooks.homeOf(agent);
    if (scope === undefined) return undefined;
    const stored = await this.hooks.storedUser(scope, agent.id);
    if (stored) return this.learn(scope, agent.id, stored);
    if (!this.hooks.userByEmail) return undefined; // learned on first contact instead
    const found = await this.hooks.userByEmail(scope, agent);
    if (found) {
      await this.hooks.link(scope, agent.id, found);
      return this.learn(scope, agent.id, found);
    }
    this.userOf.set(agent.id, null);
    return undefined;
  }

  /** The directory agent behind a platform user who acted (`userId` may be unknown: then by email only). */
  async agent(userId: string | undefined, where: Where): Promise<Agent | undefined> {
    const dir = this.directory.get();
    if (userId) {
      const direct = this.index(dir).get(userId);
      if (direct)
        return direct.length === 1
          ? direct[0]
          : this.hooks.choose
            ? this.hooks.choose(direct, where)
            : direct[direct.length - 1];
    }
    const scope = await this.hooks.scopeOf(where);
    if (scope === undefined) return undefined;
    if (userId) {
      const known = this.agentOf.get(this.memo(scope, userId)) ?? (await this.hooks.storedAgent(scope, userId));
      if (known) return dir.agent(known);
    }
    if (this.hooks.mayMatchByEmail && !this.hooks.mayMatchByEmail(where, userId)) return undefined;
    const found = await this.hooks.emailOf(where, scope, userId);
    if (!found) return undefined;
    const agent = found.email ? dir.byEmail(found.email) : undefined;
    const id = found.userId ?? userId;
    if (agent && id) {
      await this.hooks.linkOnContact(scope, agent.id, id);
      this.agentOf.set(this.memo(scope, id), agent.id);
      if (this.hooks.contactTeachesBothWays) this.userOf.set(agent.id, id);
    }
    return agent;
  }

  private learn(scope: Scope, agentId: string, userId: string): string {
    this.userOf.set(agentId, userId);
    this.agentOf.set(this.memo(scope, userId), agentId);
    return userId;
  }

  private memo(scope: Scope, userId: string): string {
    return `${this.hooks.scopeKey(scope)}:${userId}`;
  }

  /** Configured ids → agents, once per directory (one id may be configured in two scopes). */
  private index(dir: Directory): Map<string, Agent[]> {
    let index = this.byId.get(dir);
    if (!index) {
      index = new Map();
      for (const a of dir.agents) {
        const id = this.hooks.configuredId(a);
        if (id) index.set(id, [...(index.get(id) ?? []), a]);
      }
      this.byId.set(dir, index);
    }
    return index;
  }
}
