import type { ConversationParameters } from 'botbuilder';
import type { Logger } from 'pino';
import type { AppContext } from '../../src/app/context.js';
import { type HomeView, type InviteView, type MessageRef, type Mirror, type PlatformPort, RetryLaterError, type SessionView } from '../../src/app/ports.js';
import type { Agent, Queue } from '../../src/domain/directory.js';
import type { TranscriptEntry } from '../../src/domain/transcript.js';
import { cardMessage, markdownMessage } from './activity.js';
import { entryText, escapeTeamsMarkdown, inviteCard, inviteOutcomeCard, sessionCard } from './cards/index.js';
import { type PostedRef, statusOf, type TeamsConnector } from './connector.js';
import type { TeamsPeople } from './people.js';
import type { TeamsReferences } from './references.js';

export const TEAMS = 'teams';
export const mirrorKey = (conversationId: string): string => `${TEAMS}:${conversationId}`;

/** A 1:1 conversation with an agent. */
interface Direct {
  conversationId: string;
  serviceUrl: string;
  tenantId?: string | undefined;
}

const posted = (m: Mirror): PostedRef => ({ conversationId: m.address.conversationId ?? '', activityId: m.address.activityId ?? '', serviceUrl: m.address.serviceUrl ?? '' });
const asRef = (r: MessageRef): PostedRef | undefined =>
  r.conversationId && r.activityId && r.serviceUrl ? { conversationId: r.conversationId, activityId: r.activityId, serviceUrl: r.serviceUrl } : undefined;

/** Statuses meaning "this user cannot be messaged by the bot" (not installed, unknown, blocked). */
const UNREACHABLE = new Set([400, 403, 404]);

export interface TeamsPlatformDeps {
  ctx: AppContext;
  connector: TeamsConnector;
  people: TeamsPeople;
  refs: TeamsReferences;
  appId: string;
  /** MicrosoftAppTenantId: the tenant to use when nothing more specific is known. */
  tenantId: string | undefined;
  log: Logger;
}

/**
 * The platform port on the Bot Framework connector. Sessions live as channel threads (root
 * card + replies); joiners from elsewhere and invitees get 1:1 messages. Every multi-step
 * call records its progress in the session's refs, so a retry never posts twice.
 */
export class TeamsPlatform implements PlatformPort {
  readonly id = TEAMS;

  constructor(private readonly d: TeamsPlatformDeps) {}

  reaches(agent: Agent): boolean {
    return this.d.people.reaches(agent);
  }

  private async bot(): Promise<{ id: string; name: string } | undefined> {
    const id = (await this.d.refs.botId()) ?? (this.d.appId ? `28:${this.d.appId}` : undefined);
    return id ? { id, name: '' } : undefined;
  }

  async openChannelMirror(view: SessionView): Promise<Mirror | null> {
    const q = view.queue.teams;
    if (!q) return null;
    const sid = view.session.id;
    let root = await this.d.ctx.store.getRef(sid, 'teams:root');
    const tenantId = q.tenantId ?? (await this.d.refs.channel(q.channelId))?.tenantId ?? this.d.tenantId;
    if (!root) {
      const bot = await this.bot();
      const params: Partial<ConversationParameters> = {
        isGroup: true,
        channelData: { channel: { id: q.channelId }, ...(tenantId ? { tenant: { id: tenantId } } : {}) },
        activity: cardMessage(sessionCard(view)) as ConversationParameters['activity'],
        ...(tenantId ? { tenantId } : {}),
        ...(bot ? { bot } : {}),
      };
      const r = await this.d.connector.create(q.serviceUrl, params, q.channelId);
      const rootId = r.activityId ?? r.id.split(';messageid=')[1] ?? '';
      const thread = r.id.includes(';messageid=') ? r.id : `${q.channelId};messageid=${rootId}`;
      root = { conversationId: thread, activityId: rootId, serviceUrl: q.serviceUrl };
      await this.d.ctx.store.setRef(sid, 'teams:root', root);
    }
    return {
      key: mirrorKey(root.conversationId ?? ''), platform: TEAMS, kind: 'channel',
      address: { ...root, channelId: q.channelId, ...(tenantId ? { tenantId } : {}) },
    };
  }

  async openDirectMirror(view: SessionView, agent: Agent): Promise<Mirror | null> {
    const to = await this.direct(agent, view.queue);
    if (!to) return null;
    const sid = view.session.id;
    const rootKey = `teams:direct:${agent.id}`;
    let root = await this.d.ctx.store.getRef(sid, rootKey);
    if (!root) {
      root = { ...(await this.d.connector.send(to.serviceUrl, to.conversationId, cardMessage(sessionCard(view)))) };
      await this.d.ctx.store.setRef(sid, rootKey, root);
    }
    // The recent messages give the joiner the context the channel thread would have shown.
    for (const e of view.recent) {
      const key = `${rootKey}:${e.id}`;
      if (await this.d.ctx.store.getRef(sid, key)) continue;
      const sent = await this.d.connector.send(to.serviceUrl, to.conversationId, markdownMessage(this.directText(view, entryText(e, view))));
      await this.d.ctx.store.setRef(sid, key, { ...sent });
    }
    await this.d.refs.addDirectSession(to.conversationId, sid);
    return {
      key: mirrorKey(to.conversationId), platform: TEAMS, kind: 'direct', agentId: agent.id,
      address: { conversationId: to.conversationId, serviceUrl: to.serviceUrl, activityId: root.activityId ?? '', ...(to.tenantId ? { tenantId: to.tenantId } : {}) },
    };
  }

  /** A 1:1 may hold several chats: each line there names its chat. */
  private directText(view: SessionView, text: string): string {
    return `${view.session.ref} · ${text}`;
  }

  async renderSession(mirror: Mirror, view: SessionView): Promise<void> {
    const ref = posted(mirror);
    if (!ref.activityId) return;
    await this.d.connector.update(ref, cardMessage(sessionCard(view)));
  }

  async postEntry(mirror: Mirror, view: SessionView, entry: TranscriptEntry, target: MessageRef | undefined): Promise<MessageRef | null> {
    if (entry.kind === 'status') return null; // the root card shows the status
    const where = posted(mirror);
    const text = mirror.kind === 'direct' ? this.directText(view, entryText(entry, view)) : entryText(entry, view);
    if (entry.kind === 'edit' || entry.kind === 'delete') {
      const t = target && asRef(target);
      if (!t) return null;
      if (entry.kind === 'edit') await this.d.connector.update(t, markdownMessage(text));
      else {
        await this.d.connector.delete(t).catch((err: unknown) => {
          if (statusOf(err) !== 404) throw err;
        });
      }
      return { ...t };
    }
    return { ...(await this.d.connector.send(where.serviceUrl, where.conversationId, markdownMessage(text))) };
  }

  async postInviteOutcome(mirror: Mirror, iv: InviteView): Promise<void> {
    const where = posted(mirror);
    await this.d.connector.send(where.serviceUrl, where.conversationId, cardMessage(inviteOutcomeCard(iv)));
  }

  async sendInviteCard(iv: InviteView): Promise<MessageRef | null> {
    const to = await this.direct(iv.invitee, iv.view.queue);
    if (!to) return null;
    return { ...(await this.d.connector.send(to.serviceUrl, to.conversationId, cardMessage(inviteCard(iv, this.d.ctx.now())))) };
  }

  async updateInviteCard(iv: InviteView, ref: MessageRef): Promise<void> {
    const r = asRef(ref);
    if (!r) return;
    await this.d.connector.update(r, cardMessage(inviteCard(iv, this.d.ctx.now())));
  }

  async postNotice(mirror: Mirror, _view: SessionView, text: string): Promise<void> {
    const where = posted(mirror);
    await this.d.connector.send(where.serviceUrl, where.conversationId, markdownMessage(escapeTeamsMarkdown(text)));
  }

  /** Teams has no App Home: agents see their state through the commands' cards (see README). */
  async publishHome(_home: HomeView): Promise<void> {}

  /**
   * The agent's 1:1 with the bot: the stored one, or a new one created with what we know
   * (their Teams or AAD id, a tenant and a serviceUrl). Null when Teams says the bot cannot
   * reach them (app not installed for them) or we know too little to try.
   */
  private async direct(agent: Agent, queue: Queue): Promise<Direct | null> {
    const aad = await this.d.people.aadObjectId(agent);
    if (!aad) return null;
    const rec = await this.d.refs.user(aad);
    if (rec?.conversationId && rec.serviceUrl) return { conversationId: rec.conversationId, serviceUrl: rec.serviceUrl, tenantId: rec.tenantId };
    const anyQueue = this.d.ctx.directory.get().queues.find((q) => q.teams)?.teams;
    const serviceUrl = rec?.serviceUrl ?? queue.teams?.serviceUrl ?? anyQueue?.serviceUrl;
    const tenantId = rec?.tenantId ?? queue.teams?.tenantId ?? this.d.tenantId ?? anyQueue?.tenantId;
    if (!serviceUrl || !tenantId) {
      this.d.log.info({ agentId: agent.id }, 'no 1:1 conversation, tenant or serviceUrl known for the agent');
      return null;
    }
    const bot = await this.bot();
    try {
      const r = await this.d.connector.create(serviceUrl, {
        isGroup: false,
        members: [{ id: rec?.userId ?? aad, name: '' }],
        tenantId,
        channelData: { tenant: { id: tenantId } },
        ...(bot ? { bot } : {}),
      }, `user:${aad}`);
      await this.d.refs.saveUser({ aadObjectId: aad, conversationId: r.id, serviceUrl, tenantId });
      return { conversationId: r.id, serviceUrl, tenantId };
    } catch (err) {
      if (err instanceof RetryLaterError) throw err;
      const status = statusOf(err);
      if (status !== undefined && UNREACHABLE.has(status)) {
        this.d.log.info({ agentId: agent.id, status }, 'Teams would not open a 1:1 with the agent (app not installed for them?)');
        return null;
      }
      throw err;
    }
  }
}
