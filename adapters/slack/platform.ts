import { buffer } from 'node:stream/consumers';
import type { Logger } from 'pino';
import { Refused } from '../../src/app/errors.js';
import type { FileStore } from '../../src/app/files.js';
import {
  type FileDownload,
  type MessageRef,
  type PlatformPort,
  type Posted,
  type Reach,
  RetryLaterError,
} from '../../src/app/ports.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import type { Agent, Queue } from '../../src/domain/directory.js';
import type { FileRef } from '../../src/domain/transcript.js';
import type { SlackPeople } from './people.js';
import { home, message } from './render/blockKit.js';
import { queueChannels, queueTeam } from './settings.js';
import { delivering, platformError } from './webErrors.js';
import type { Workspace, Workspaces } from './workspaces.js';

export const SLACK = 'slack';
/** A chat's thread: its channel and the root's ts (where replies typed there come from). */
export const threadKey = (channel: string, ts: string): string => `${SLACK}:${channel}:${ts}`;
/** Every post carries its delivery id here, so an ambiguous failure can be checked (metadata). */
const EVENT_TYPE = 'switchboard_delivery';

const AGENT = `${SLACK}:agent:`;

/**
 * Where Slack serves private files (`url_private_download`): the file object's documented
 * host. The bot token is sent nowhere else but the Web API's own origin (SLACK_API_URL).
 */
const SLACK_FILE_ORIGINS: readonly string[] = ['https://files.slack.com'];
/** Redirects followed within those origins, at most. */
const MAX_REDIRECTS = 3;

/** The origins the bot token may be sent to, each as scheme, host and port (URL.origin). */
export const tokenOrigins = (apiUrl: string): ReadonlySet<string> =>
  new Set([...SLACK_FILE_ORIGINS, new URL(apiUrl).origin]);

/** Whether a URL is on one of `origins`: its scheme, host and port, never a prefix of the text. */
export function onOrigins(url: string, origins: ReadonlySet<string>): boolean {
  try {
    return origins.has(new URL(url).origin);
  } catch {
    return false;
  }
}

/** Where a destination is: a channel of a workspace (`slack:C0123`, `slack:T0A:C0123`) or an agent's DM (`slack:agent:<id>`). */
export function parseDest(dest: string): { team?: string; channel?: string; agentId?: string } {
  const rest = dest.slice(SLACK.length + 1);
  if (dest.startsWith(AGENT)) return { agentId: dest.slice(AGENT.length) };
  const i = rest.indexOf(':');
  return i < 0 ? { channel: rest } : { team: rest.slice(0, i), channel: rest.slice(i + 1) };
}

/** A file's workspace rides in its URL's fragment, which is never sent anywhere. */
export const fileUrlIn = (url: string, team: string | undefined): string =>
  team ? `${url.split('#')[0]}#team=${team}` : url;
const teamOfFileUrl = (url: string): string | undefined => /#team=([TE][A-Z0-9]+)$/.exec(url)?.[1];

/**
 * The platform port on Slack's Web API. Destinations: `slack:C0123` (a channel of the only
 * workspace), `slack:T0123:C0123` (a channel of a named workspace), `slack:agent:<id>` (an
 * agent's DM, in their workspace). Each call uses the token of the destination's workspace,
 * and what it posts remembers that workspace (`ws` in the message ref) for later edits.
 */
export class SlackPlatform implements PlatformPort {
  readonly id = SLACK;
  readonly threads = true;

  private readonly tokenOrigins: ReadonlySet<string>;

  constructor(
    private readonly workspaces: Workspaces,
    private readonly people: SlackPeople,
    private readonly log: Logger,
    apiUrl: string,
    private readonly files?: FileStore,
  ) {
    this.tokenOrigins = tokenOrigins(apiUrl);
  }

  reaches(agent: Agent): Reach {
    return this.people.reaches(agent);
  }

  channels(queue: Queue): string[] {
    const team = queueTeam(queue);
    return queueChannels(queue).map((c) => (team ? `${SLACK}:${team}:${c}` : `${SLACK}:${c}`));
  }

  direct(agent: Agent): string {
    return `${AGENT}${agent.id}`;
  }

  /** About one post per second per channel, with short bursts. */
  pace(): { perSecond: number; burst: number } {
    // Slack allows about 1 post/s per channel with a burst of about 4. One token short of
    // that burst keeps a second's cushion, so a post delayed in transit never meets a 429.
    return { perSecond: 1, burst: 3 };
  }

  /** A queue with Slack channels takes new chats only while its workspace is installed. */
  async available(queue: Queue): Promise<boolean> {
    if (!this.workspaces.multi || queueChannels(queue).length === 0) return true;
    return (await this.workspaces.forTeam(queueTeam(queue))) !== undefined;
  }

  /** The workspace a message ref (or a destination) belongs to. */
  private async workspace(team: string | undefined): Promise<Workspace> {
    const ws = await this.workspaces.forTeam(team);
    if (!ws) throw new Error(`Slack workspace ${team ?? '(the only one)'} is not installed`);
    return ws;
  }

  private refIn(ws: Workspace, ref: { channel: string; ts: string }): MessageRef {
    return ws.id ? { ...ref, ws: ws.id } : ref;
  }

  /** The workspace and channel of a destination (an agent's DM is opened on first use); undefined when the agent has no Slack account, or their workspace is not installed. */
  private async channelOf(dest: string): Promise<{ ws: Workspace; channel: string } | undefined> {
    const d = parseDest(dest);
    if (d.channel) {
      const ws = await this.workspaces.forTeam(d.team);
      return ws ? { ws, channel: d.channel } : undefined;
    }
    const agent = this.people.directoryAgent(d.agentId ?? '');
    if (!agent) return undefined;
    const ws = await this.workspaces.forTeam(this.people.teamOf(agent));
    const user = ws ? await this.people.userId(agent) : undefined;
    if (!ws || !user) return undefined;
    const r = await delivering(() => ws.client.conversations.open({ users: user }));
    return r.channel?.id ? { ws, channel: r.channel.id } : undefined;
  }

  private async postIn(
    ws: Workspace,
    channel: string,
    s: Surface,
    deliveryId: string,
    threadTs?: string,
  ): Promise<MessageRef> {
    const r = await delivering(() =>
      ws.client.chat.postMessage({
        channel,
        ...message(s),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: EVENT_TYPE, event_payload: { id: deliveryId } },
      }),
    );
    return this.refIn(ws, { channel: r.channel ?? channel, ts: r.ts ?? '' });
  }

  async postTop(dest: string, s: Surface, deliveryId: string): Promise<Posted | null> {
    const to = await this.channelOf(dest);
    if (!to) return null;
    const ref = await this.postIn(to.ws, to.channel, s, deliveryId);
    return { ref, place: threadKey(ref.channel!, ref.ts!) };
  }

  async postUnder(root: MessageRef, s: Surface, deliveryId: string): Promise<MessageRef> {
    const ws = await this.workspace(root.ws);
    const file = s.blocks.find(
      (b): b is Extract<Surface['blocks'][number], { type: 'file' }> => b.type === 'file' && b.local !== undefined,
    );
    if (file?.local && this.files && root.channel && root.ts)
      return this.upload(
        ws,
        root.channel,
        root.ts,
        file.local,
        file.name,
        { ...s, blocks: s.blocks.filter((b) => b !== file) },
        deliveryId,
      );
    return this.postIn(ws, root.channel ?? '', s, deliveryId, root.ts);
  }

  /**
   * A file Switchboard holds, uploaded into the thread with the line as its comment: Slack's
   * external upload (an upload URL, the bytes, then complete into the channel and thread).
   * Nothing shows before the last step, so a failure before it is safe to try again.
   */
  private async upload(
    ws: Workspace,
    channel: string,
    threadTs: string,
    local: { sessionId: string; fileId: string },
    name: string,
    line: Surface,
    deliveryId: string,
  ): Promise<MessageRef> {
    const stored = await this.files!.open(local.sessionId, local.fileId);
    // Gone from the disk (an operator cleaned up): the line still says what was sent, with its link.
    if (!stored) return this.postIn(ws, channel, line, deliveryId, threadTs);
    const bytes = await buffer(stored.body);
    const got = await delivering(() => ws.client.files.getUploadURLExternal({ filename: name, length: bytes.length }));
    if (!got.upload_url || !got.file_id) throw new Error('Slack gave no upload URL');
    // The bot token goes only to Slack's own origins.
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      ...(onOrigins(got.upload_url, this.tokenOrigins) ? { authorization: `Bearer ${ws.token}` } : {}),
    };
    // A failure here is an ordinary one (retried, then parked): nothing was shown yet.
    const res = await fetch(got.upload_url, {
      method: 'POST',
      body: bytes,
      headers,
      signal: AbortSignal.timeout(60_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 429) throw new RetryLaterError('Slack file upload rate limit', 1000);
    if (!res.ok) throw new Error(`Slack file upload answered ${res.status}`);
    const comment = message(line).text;
    await delivering(() =>
      ws.client.files.completeUploadExternal({
        files: [{ id: got.file_id!, title: name }],
        channel_id: channel,
        thread_ts: threadTs,
        initial_comment: comment,
      }),
    );
    // Slack shares the file into the thread on its own time: there is no message ts to keep.
    return { ...this.refIn(ws, { channel, ts: '' }), file: got.file_id };
  }

  /** Reads the thread (or the channel's latest messages) back for a post carrying this delivery id. */
  async findPosted(
    dest: string,
    root: MessageRef | undefined,
    deliveryId: string,
    since: number,
  ): Promise<Posted | null | undefined> {
    const oldest = String(Math.floor(since / 1000) - 1);
    const carries = (m: { metadata?: { event_payload?: unknown } }) =>
      (m.metadata?.event_payload as { id?: unknown } | undefined)?.id === deliveryId;
    if (!root?.channel || !root.ts) {
      // A card or root at the top of a channel or a 1:1 (conversations.history, *:history scopes).
      const to = await this.channelOf(dest);
      if (!to) return undefined;
      const r = await delivering(() =>
        to.ws.client.conversations.history({ channel: to.channel, oldest, include_all_metadata: true, limit: 200 }),
      );
      const hit = (r.messages ?? []).find(carries);
      return hit?.ts
        ? { ref: this.refIn(to.ws, { channel: to.channel, ts: hit.ts }), place: threadKey(to.channel, hit.ts) }
        : null;
    }
    const ws = await this.workspace(root.ws);
    const r = await delivering(() =>
      ws.client.conversations.replies({
        channel: root.channel!,
        ts: root.ts!,
        oldest,
        include_all_metadata: true,
        limit: 200,
      }),
    );
    const hit = (r.messages ?? []).find(carries);
    // A reply in a thread: replies to it are the thread's (no place of its own).
    return hit?.ts ? { ref: this.refIn(ws, { channel: root.channel, ts: hit.ts }), place: '' } : null;
  }

  async update(ref: MessageRef, s: Surface): Promise<void> {
    if (!ref.channel || !ref.ts) return;
    const ws = await this.workspaces.forTeam(ref.ws);
    if (!ws) return; // its workspace is gone: nothing left to update there
    await delivering(() => ws.client.chat.update({ channel: ref.channel!, ts: ref.ts!, ...message(s) }));
  }

  async remove(ref: MessageRef): Promise<void> {
    if (!ref.channel || !ref.ts) return;
    const ws = await this.workspaces.forTeam(ref.ws);
    if (!ws) return;
    await delivering(() => ws.client.chat.delete({ channel: ref.channel!, ts: ref.ts! })).catch((err: unknown) => {
      if (platformError(err) !== 'message_not_found') throw err;
    });
  }

  async publishHome(agent: Agent, s: Surface): Promise<void> {
    const ws = await this.workspaces.forTeam(this.people.teamOf(agent));
    const user = ws ? await this.people.userId(agent) : undefined;
    if (!ws || !user) return;
    await delivering(() => ws.client.views.publish({ user_id: user, view: home(s) }));
  }

  async admit(dest: string, agent: Agent): Promise<void> {
    const { team, channel } = parseDest(dest);
    const ws = channel ? await this.workspaces.forTeam(team) : undefined;
    const user = ws ? await this.people.userId(agent) : undefined;
    if (!ws || !user || !channel) return;
    await delivering(() => ws.client.conversations.invite({ channel, users: user })).catch((err: unknown) => {
      // Already there, or a channel the bot cannot manage: the agent can still be added by hand.
      const code = platformError(err);
      if (code === 'already_in_channel' || code === 'cant_invite_self') return;
      this.log.warn({ code, agentId: agent.id }, 'could not add the agent to the channel');
    });
  }

  async openFile(file: FileRef): Promise<FileDownload> {
    // Private Slack file URLs open with the bot token; the end user never sees the URL. The URL
    // comes from an event, so the token goes with it only to Slack's own origins, redirects included.
    let url = file.url;
    const ws = url ? await this.workspaces.forTeam(teamOfFileUrl(url)) : undefined;
    if (url) url = url.split('#')[0];
    for (let hop = 0; url && ws; hop++) {
      if (!onOrigins(url, this.tokenOrigins) || hop > MAX_REDIRECTS) {
        this.log.warn(
          { fileId: file.id, host: hostOf(url), hop },
          'Slack file URL is not on a Slack origin: not fetched',
        );
        break;
      }
      const res = await fetch(url, { headers: { authorization: `Bearer ${ws.token}` }, redirect: 'manual' });
      const next = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && next) {
        await res.body?.cancel();
        url = new URL(next, url).toString();
        continue;
      }
      if (!res.ok || !res.body) throw new Error(`Slack file download failed: ${res.status}`);
      return {
        body: res.body,
        contentType: res.headers.get('content-type') ?? file.mimetype ?? 'application/octet-stream',
        ...(file.size ? { size: file.size } : {}),
      };
    }
    throw Refused.of('not_found', undefined, 'file_not_found');
  }
}

const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
};
