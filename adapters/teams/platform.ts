import type { ConversationParameters } from 'botbuilder';
import type { Logger } from 'pino';
import type { AppContext } from '../../src/app/context.js';
import {
  type FileDownload,
  type MessageRef,
  type PlatformPort,
  type Posted,
  type Reach,
  RetryLaterError,
} from '../../src/app/ports.js';
import { monitoringSurface } from '../../src/app/surfaces/home.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import { monitoringView } from '../../src/app/views.js';
import type { Agent, Queue } from '../../src/domain/directory.js';
import { isSupervisor } from '../../src/domain/directory.js';
import type { FileRef } from '../../src/domain/transcript.js';
import { activitiesOf, activityOf } from './activity.js';
import { type PostedRef, statusOf, type TeamsConnector } from './connector.js';
import type { TeamsPeople } from './people.js';
import type { TeamsReferences } from './references.js';
import { teamsOfQueue } from './settings.js';

export const TEAMS = 'teams';
/** A conversation (a channel thread, a 1:1) as a place where chats are shown. */
export const placeKey = (conversationId: string): string => `${TEAMS}:${conversationId}`;
const CHANNEL = `${TEAMS}:channel:`;
const AGENT = `${TEAMS}:agent:`;

const asRef = (r: MessageRef): PostedRef | undefined =>
  r.conversationId && r.activityId && r.serviceUrl
    ? { conversationId: r.conversationId, activityId: r.activityId, serviceUrl: r.serviceUrl }
    : undefined;

/** Statuses meaning "this user cannot be messaged by the bot" (not installed, unknown, blocked). */
const UNREACHABLE = new Set([400, 403, 404]);
/** A send into a 1:1 refused so: the conversation is not one the bot may write in (yet). */
const REFUSED_HERE = new Set([403, 404]);

export interface TeamsClientDeps {
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
 * The platform port on the Bot Framework connector. Destinations: `teams:channel:<id>` (a
 * queue's channel, where each chat is a thread) and `teams:agent:<id>` (an agent's 1:1, where
 * lines cannot be threaded). Teams cannot be read back: after an ambiguous failure a post is
 * sent again (see the README).
 */
export class TeamsPlatform implements PlatformPort {
  readonly id = TEAMS;
  readonly threads = false;

  constructor(private readonly d: TeamsClientDeps) {}

  reaches(agent: Agent): Reach {
    return this.d.people.reaches(agent);
  }

  channels(queue: Queue): string[] {
    const q = teamsOfQueue(queue);
    return q ? [`${CHANNEL}${q.channelId}`] : [];
  }

  direct(agent: Agent): string {
    return `${AGENT}${agent.id}`;
  }

  /** About seven messages per second per conversation; a channel's threads share its budget here. */
  pace(): { perSecond: number; burst: number } {
    return { perSecond: 7, burst: 7 };
  }

  private async bot(): Promise<{ id: string; name: string } | undefined> {
    const id = (await this.d.refs.botId()) ?? (this.d.appId ? `28:${this.d.appId}` : undefined);
    return id ? { id, name: '' } : undefined;
  }

  async postTop(dest: string, s: Surface, _deliveryId: string): Promise<Posted | null> {
    if (dest.startsWith(AGENT)) {
      const agent = this.d.ctx.directory.get().agent(dest.slice(AGENT.length));
      const to = agent ? await this.direct1on1(agent) : null;
      if (!agent || !to) return null;
      let ref: PostedRef;
      try {
        ref = await this.sendAll(to.serviceUrl, to.conversationId, s);
      } catch (err) {
        const status = statusOf(err);
        if (err instanceof RetryLaterError || status === undefined || !REFUSED_HERE.has(status)) throw err;
        // Not a 1:1 the bot may write in: forgotten, so a resend tries afresh (or the one they open).
        this.d.log.info(
          { agentId: agent.id, status },
          "Teams refused a message in the agent's 1:1 (app not installed for them?)",
        );
        await this.d.refs.forgetConversation(to.aad, to.conversationId);
        return null;
      }
      // A 1:1 opened for this card is kept once something reached it.
      if (to.opened)
        await this.d.refs.saveUser({
          aadObjectId: to.aad,
          conversationId: to.conversationId,
          serviceUrl: to.serviceUrl,
          tenantId: to.tenantId,
        });
      return { ref: { ...ref }, place: placeKey(to.conversationId) };
    }
    const channelId = dest.slice(CHANNEL.length);
    const q = this.d.ctx.directory
      .get()
      .queues.map(teamsOfQueue)
      .find((t) => t?.channelId === channelId);
    if (!q) return null;
    const tenantId = q.tenantId ?? (await this.d.refs.channel(q.channelId))?.tenantId ?? this.d.tenantId;
    const bot = await this.bot();
    const params: Partial<ConversationParameters> = {
      isGroup: true,
      channelData: { channel: { id: q.channelId }, ...(tenantId ? { tenant: { id: tenantId } } : {}) },
      activity: activityOf(s, { userIds: await this.teamsIdsOf(s) }) as ConversationParameters['activity'],
      ...(tenantId ? { tenantId } : {}),
      ...(bot ? { bot } : {}),
    };
    const r = await this.d.connector.create(q.serviceUrl, params, q.channelId);
    const rootId = r.activityId ?? r.id.split(';messageid=')[1] ?? '';
    const thread = r.id.includes(';messageid=') ? r.id : `${q.channelId};messageid=${rootId}`;
    return { ref: { conversationId: thread, activityId: rootId, serviceUrl: q.serviceUrl }, place: placeKey(thread) };
  }

  async postUnder(root: MessageRef, s: Surface): Promise<MessageRef> {
    return { ...(await this.sendAll(root.serviceUrl ?? '', root.conversationId ?? '', s)) };
  }

  /** A surface as the messages that carry it whole, in order; the first is its reference (an edit redraws it). */
  private async sendAll(serviceUrl: string, conversationId: string, s: Surface): Promise<PostedRef> {
    const [first, ...rest] = activitiesOf(s);
    const ref = await this.d.connector.send(serviceUrl, conversationId, first!);
    for (const a of rest) await this.d.connector.send(serviceUrl, conversationId, a);
    return ref;
  }

  async update(ref: MessageRef, s: Surface): Promise<void> {
    const r = asRef(ref);
    if (r) await this.d.connector.update(r, activityOf(s, { userIds: await this.teamsIdsOf(s) }));
  }

  /** The Teams ids of a shared surface's viewers that Teams knows (learned when they wrote to the bot), for their own versions. */
  private async teamsIdsOf(s: Surface): Promise<string[] | undefined> {
    if (!s.viewers) return undefined;
    const dir = this.d.ctx.directory.get();
    const ids = await Promise.all(
      s.viewers.agentIds.map(async (id) => {
        const agent = dir.agent(id);
        const aad = agent ? await this.d.people.aadObjectId(agent) : undefined;
        return aad ? (await this.d.refs.user(aad))?.userId : undefined;
      }),
    );
    return ids.filter((x): x is string => typeof x === 'string' && x.length > 0);
  }

  async remove(ref: MessageRef): Promise<void> {
    const r = asRef(ref);
    if (!r) return;
    await this.d.connector.delete(r).catch((err: unknown) => {
      if (statusOf(err) !== 404) throw err;
    });
  }

  /**
   * Streams a file a Teams agent sent, for the end user (and other platforms' agents). Images
   * pasted in Teams live on the connector and need the bot's token, sent only to the
   * connector's own origins; files sent in a 1:1 come with a pre-authenticated link (short-lived).
   */
  async openFile(file: FileRef): Promise<FileDownload> {
    if (!file.url) throw new Error('file has no download URL');
    const connector = this.connectorOrigin(file.url);
    const auth = connector ? await this.d.connector.authorization(connector) : undefined;
    const res = await fetch(file.url, {
      headers: auth ? { authorization: auth } : {},
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok || !res.body) throw new Error(`Teams file download failed: ${res.status}`);
    const size = Number(res.headers.get('content-length'));
    return {
      body: res.body,
      contentType: res.headers.get('content-type') ?? file.mimetype ?? 'application/octet-stream',
      ...(size > 0 ? { size } : {}),
    };
  }

  /** The serviceUrl a URL belongs to, when it is the Bot Framework connector's (Teams' own, or a queue's). */
  private connectorOrigin(url: string): string | undefined {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return undefined;
    }
    const known = this.d.ctx.directory
      .get()
      .queues.map(teamsOfQueue)
      .flatMap((t) => (t ? [t.serviceUrl] : []));
    const same = known.find((s) => new URL(s).origin === u.origin);
    if (same) return same;
    const teamsHost =
      u.protocol === 'https:' && (u.hostname === 'smba.trafficmanager.net' || u.hostname.endsWith('.botframework.com'));
    return teamsHost ? `${u.origin}/` : undefined;
  }

  /**
   * Teams has no App Home: agents see theirs, and supervisors the monitor card, with the
   * `available`, `away` and `monitor` commands. The last of each drawn for the agent is drawn
   * again here, so it stays current as its chats change.
   */
  async publishHome(agent: Agent, home: Surface): Promise<void> {
    const [homeCard, monitorCard] = await Promise.all([
      this.d.refs.listCard(`home:${agent.id}`),
      isSupervisor(agent) ? this.d.refs.listCard(`monitor:${agent.id}`) : undefined,
    ]);
    if (homeCard) await this.d.connector.update(homeCard, activityOf(home));
    if (monitorCard)
      await this.d.connector.update(
        monitorCard,
        activityOf(monitoringSurface(await monitoringView(this.d.ctx, agent), agent.id)),
      );
  }

  /**
   * The agent's 1:1 with the bot: the stored one, or a new one created with what we know
   * (their Teams or AAD id, a tenant and a serviceUrl). Null when Teams says the bot cannot
   * reach them (app not installed for them) or we know too little to try.
   */
  private async direct1on1(
    agent: Agent,
  ): Promise<{ aad: string; conversationId: string; serviceUrl: string; tenantId?: string; opened?: true } | null> {
    const aad = await this.d.people.aadObjectId(agent);
    if (!aad) return null;
    const rec = await this.d.refs.user(aad);
    if (rec?.conversationId && rec.serviceUrl)
      return { aad, conversationId: rec.conversationId, serviceUrl: rec.serviceUrl };
    const queues = this.d.ctx.directory.get().queues;
    const own = queues
      .filter((q) => agent.queues.includes(q.id))
      .map(teamsOfQueue)
      .find(Boolean);
    const any = own ?? queues.map(teamsOfQueue).find(Boolean);
    const serviceUrl = rec?.serviceUrl ?? any?.serviceUrl;
    const tenantId = rec?.tenantId ?? own?.tenantId ?? this.d.tenantId ?? any?.tenantId;
    if (!serviceUrl || !tenantId) {
      this.d.log.info({ agentId: agent.id }, 'no 1:1 conversation, tenant or serviceUrl known for the agent');
      return null;
    }
    const bot = await this.bot();
    try {
      const r = await this.d.connector.create(
        serviceUrl,
        {
          isGroup: false,
          members: [{ id: rec?.userId ?? aad, name: '' }],
          tenantId,
          channelData: { tenant: { id: tenantId } },
          ...(bot ? { bot } : {}),
        },
        `user:${aad}`,
      );
      // Kept only once a message has gone through it (postTop): Teams may open a 1:1 it then refuses to write in.
      return { aad, conversationId: r.id, serviceUrl, tenantId, opened: true };
    } catch (err) {
      if (err instanceof RetryLaterError) throw err;
      const status = statusOf(err);
      if (status !== undefined && UNREACHABLE.has(status)) {
        this.d.log.info(
          { agentId: agent.id, status },
          'Teams would not open a 1:1 with the agent (app not installed for them?)',
        );
        return null;
      }
      throw err;
    }
  }
}
