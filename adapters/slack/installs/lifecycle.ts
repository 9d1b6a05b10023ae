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
 * reached. Installed again: the queues take chats again, and the supervisors are told.
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

  async installed(id: string): Promise<void> {
    const paused = await this.store.takePaused(id);
    if (paused.length === 0) return;
    this.log.info({ installation: id, queues: paused }, 'Slack installed again: its queues take new chats');
    await tellSupervisors(this.ctx, paused, false, `installed:${id}:${this.ctx.now()}`, () => true);
  }
}
