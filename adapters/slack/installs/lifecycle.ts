import type { Logger } from 'pino';
import type { AppContext } from '../../../src/app/context.js';
import { tellSupervisors } from '../../../src/app/installs.js';
import type { SlackPeople } from '../people.js';
import { queueChannels, queueTeam } from '../settings.js';
import { type InstallationRecords, installationId, type WorkspaceQuery } from './store.js';

const SLACK = 'slack';

/**
 * An installation going and coming back. Removed (app_uninstalled, tokens_revoked): it is
 * deleted, its queues take no new chats (each Slack queue is available only while its
 * workspace is installed), and their supervisors are told wherever else they can be
 * reached. Installed again: the queues take chats again, and the supervisors are told. An
 * org-wide install losing some of its workspaces (team_access_revoked), or getting them back
 * (team_access_granted), does the same for those workspaces' queues.
 */
export class InstallLifecycle {
  constructor(
    private readonly ctx: AppContext,
    private readonly store: InstallationRecords,
    private readonly people: SlackPeople,
    private readonly log: Logger,
  ) {}

  /** The ids of the queues, and of the agents, whose workspace this installation serves. */
  private async servedBy(id: string): Promise<{ queues: string[]; agents: Set<string> }> {
    const dir = this.ctx.directory.get();
    const memo = new Map<string, Promise<string | undefined>>();
    const resolve = (team: string | undefined) => {
      const k = team ?? '';
      if (!memo.has(k))
        memo.set(
          k,
          this.store.find({ teamId: team }).then((i) => (i ? installationId(i) : undefined)),
        );
      return memo.get(k)!;
    };
    const queues: string[] = [];
    for (const q of dir.queues)
      if (queueChannels(q).length > 0 && (await resolve(queueTeam(q))) === id) queues.push(q.id);
    const agents = new Set<string>();
    for (const a of dir.agents) if ((await resolve(this.people.teamOf(a))) === id) agents.add(a.id);
    return { queues, agents };
  }

  async removed(q: WorkspaceQuery): Promise<void> {
    const found = await this.store.find(q);
    if (!found) return; // gone already (the other of the two events, or a retry)
    const id = installationId(found);
    const { queues, agents } = await this.servedBy(id);
    if (!(await this.store.delete(id))) return; // the other event (or instance) removed it
    await this.store.markPaused(id, queues);
    this.log.warn(
      { installation: id, queues },
      'Slack uninstalled: its queues take no new chats until it is installed again',
    );
    await tellSupervisors(
      this.ctx,
      queues,
      true,
      `removed:${id}:${this.ctx.now()}`,
      (platform, agent) => platform !== SLACK || !agents.has(agent.id),
    );
  }

  /**
   * Workspaces an org-wide install no longer reaches (team_access_revoked): their queues
   * pause, as on an uninstall, until access is granted again.
   */
  async teamsRevoked(enterpriseId: string, teamIds: readonly string[]): Promise<void> {
    const revoked: string[] = [];
    // A workspace with an installation of its own is still served by it.
    for (const team of teamIds)
      if ((await this.store.revokeTeam(team, enterpriseId)) && !(await this.store.get(team))) revoked.push(team);
    if (revoked.length === 0) return;
    const gone = new Set(revoked);
    const queues: string[] = [];
    for (const team of revoked) {
      const paused = this.queuesOf(team);
      await this.store.markPaused(`team:${team}`, paused);
      queues.push(...paused);
    }
    const agents = new Set(
      this.ctx.directory
        .get()
        .agents.filter((a) => gone.has(this.people.teamOf(a) ?? ''))
        .map((a) => a.id),
    );
    this.log.warn(
      { enterprise: enterpriseId, teams: revoked, queues },
      'Slack access to workspaces revoked: their queues take no new chats until it is granted again',
    );
    await tellSupervisors(
      this.ctx,
      queues,
      true,
      `revoked:${revoked.join(',')}:${this.ctx.now()}`,
      (platform, agent) => platform !== SLACK || !agents.has(agent.id),
    );
  }

  /** The Slack queues of one workspace. */
  private queuesOf(team: string): string[] {
    return this.ctx.directory
      .get()
      .queues.filter((q) => queueChannels(q).length > 0 && queueTeam(q) === team)
      .map((q) => q.id);
  }

  /** Workspaces an org-wide install reaches again (team_access_granted): their queues resume. */
  async teamsGranted(enterpriseId: string, teamIds: readonly string[]): Promise<void> {
    const resumed: string[] = [];
    for (const team of teamIds)
      if (await this.store.grantTeam(team, enterpriseId))
        resumed.push(...(await this.store.takePaused(`team:${team}`)));
    if (resumed.length === 0) return;
    this.log.info({ enterprise: enterpriseId, teams: teamIds, queues: resumed }, 'Slack access to workspaces granted');
    await tellSupervisors(this.ctx, resumed, false, `granted:${teamIds.join(',')}:${this.ctx.now()}`, () => true);
  }

  async installed(id: string): Promise<void> {
    const paused = await this.store.takePaused(id);
    if (paused.length === 0) return;
    this.log.info({ installation: id, queues: paused }, 'Slack installed again: its queues take new chats');
    await tellSupervisors(this.ctx, paused, false, `installed:${id}:${this.ctx.now()}`, () => true);
  }
}
