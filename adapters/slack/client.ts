import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { buffer } from 'node:stream/consumers';
import type { FileStore } from '../../src/app/files.js';
import { type FileDownload, type MessageRef, type PlatformPort, type Posted, type Reach, RetryLaterError } from '../../src/app/ports.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import type { Agent, Queue } from '../../src/domain/directory.js';
import type { FileRef } from '../../src/domain/transcript.js';
import type { SlackPeople } from './people.js';
import { Refused } from '../../src/app/errors.js';
import { home, message } from './render/blockKit.js';
import { queueChannels } from './settings.js';
import { delivering, platformError } from './webErrors.js';

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
export const tokenOrigins = (apiUrl: string): ReadonlySet<string> => new Set([...SLACK_FILE_ORIGINS, new URL(apiUrl).origin]);

/** Whether a URL is on one of `origins`: its scheme, host and port, never a prefix of the text. */
export function onOrigins(url: string, origins: ReadonlySet<string>): boolean {
  try {
    return origins.has(new URL(url).origin);
  } catch {
    return false;
  }
}

/** The platform port on Slack's Web API. Destinations: `slack:C0123` (a channel), `slack:agent:<id>` (an agent's DM). */
export class SlackPlatform implements PlatformPort {
  readonly id = SLACK;
  readonly threads = true;

  private readonly tokenOrigins: ReadonlySet<string>;

  constructor(private readonly client: WebClient, private readonly people: SlackPeople, private readonly token: string, private readonly log: Logger, apiUrl: string, private readonly files?: FileStore) {
    this.tokenOrigins = tokenOrigins(apiUrl);
  }

  reaches(agent: Agent): Reach {
    return this.people.reaches(agent);
  }

  channels(queue: Queue): string[] {
    return queueChannels(queue).map((c) => `${SLACK}:${c}`);
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

  /** The channel of a destination (an agent's DM is opened on first use); undefined when the agent has no Slack account. */
  private async channelOf(dest: string): Promise<string | undefined> {
    if (!dest.startsWith(AGENT)) return dest.slice(SLACK.length + 1);
    const agent = this.people.directoryAgent(dest.slice(AGENT.length));
    const user = agent ? await this.people.userId(agent) : undefined;
    if (!user) return undefined;
    const r = await delivering(() => this.client.conversations.open({ users: user }));
    return r.channel?.id;
  }

  private async postIn(channel: string, s: Surface, deliveryId: string, threadTs?: string): Promise<{ channel: string; ts: string }> {
    const r = await delivering(() => this.client.chat.postMessage({
      channel, ...message(s), ...(threadTs ? { thread_ts: threadTs } : {}), unfurl_links: false, unfurl_media: false,
      metadata: { event_type: EVENT_TYPE, event_payload: { id: deliveryId } },
    }));
    return { channel: r.channel ?? channel, ts: r.ts ?? '' };
  }

  async postTop(dest: string, s: Surface, deliveryId: string): Promise<Posted | null> {
    const channel = await this.channelOf(dest);
    if (!channel) return null;
    const ref = await this.postIn(channel, s, deliveryId);
    return { ref, place: threadKey(ref.channel, ref.ts) };
  }

  postUnder(root: MessageRef, s: Surface, deliveryId: string): Promise<MessageRef> {
    const file = s.blocks.find((b): b is Extract<Surface['blocks'][number], { type: 'file' }> => b.type === 'file' && b.local !== undefined);
    if (file?.local && this.files && root.channel && root.ts) return this.upload(root.channel, root.ts, file.local, file.name, { ...s, blocks: s.blocks.filter((b) => b !== file) }, deliveryId);
    return this.postIn(root.channel ?? '', s, deliveryId, root.ts);
  }

  /**
   * A file Switchboard holds, uploaded into the thread with the line as its comment: Slack's
   * external upload (an upload URL, the bytes, then complete into the channel and thread).
   * Nothing shows before the last step, so a failure before it is safe to try again.
   */
  private async upload(channel: string, threadTs: string, local: { sessionId: string; fileId: string }, name: string, line: Surface, deliveryId: string): Promise<MessageRef> {
    const stored = await this.files!.open(local.sessionId, local.fileId);
    // Gone from the disk (an operator cleaned up): the line still says what was sent, with its link.
    if (!stored) return this.postIn(channel, line, deliveryId, threadTs);
    const bytes = await buffer(stored.body);
    const got = await delivering(() => this.client.files.getUploadURLExternal({ filename: name, length: bytes.length }));
    if (!got.upload_url || !got.file_id) throw new Error('Slack gave no upload URL');
    // The bot token goes only to Slack's own origins.
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...(onOrigins(got.upload_url, this.tokenOrigins) ? { authorization: `Bearer ${this.token}` } : {}) };
    // A failure here is an ordinary one (retried, then parked): nothing was shown yet.
    const res = await fetch(got.upload_url, { method: 'POST', body: bytes, headers, signal: AbortSignal.timeout(60_000) });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 429) throw new RetryLaterError('Slack file upload rate limit', 1000);
    if (!res.ok) throw new Error(`Slack file upload answered ${res.status}`);
    const comment = message(line).text;
    await delivering(() => this.client.files.completeUploadExternal({ files: [{ id: got.file_id!, title: name }], channel_id: channel, thread_ts: threadTs, initial_comment: comment }));
    // Slack shares the file into the thread on its own time: there is no message ts to keep.
    return { channel, ts: '', file: got.file_id };
  }

  /** Reads the thread (or the channel's latest messages) back for a post carrying this delivery id. */
  async findPosted(dest: string, root: MessageRef | undefined, deliveryId: string, since: number): Promise<Posted | null | undefined> {
    const oldest = String(Math.floor(since / 1000) - 1);
    const carries = (m: { metadata?: { event_payload?: unknown } }) => (m.metadata?.event_payload as { id?: unknown } | undefined)?.id === deliveryId;
    if (!root?.channel || !root.ts) {
      // A card or root at the top of a channel or a 1:1 (conversations.history, *:history scopes).
      const channel = await this.channelOf(dest);
      if (!channel) return undefined;
      const r = await delivering(() => this.client.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200 }));
      const hit = (r.messages ?? []).find(carries);
      return hit?.ts ? { ref: { channel, ts: hit.ts }, place: threadKey(channel, hit.ts) } : null;
    }
    const r = await delivering(() => this.client.conversations.replies({ channel: root.channel!, ts: root.ts!, oldest, include_all_metadata: true, limit: 200 }));
    const hit = (r.messages ?? []).find(carries);
    // A reply in a thread: replies to it are the thread's (no place of its own).
    return hit?.ts ? { ref: { channel: root.channel, ts: hit.ts }, place: '' } : null;
  }

  async update(ref: MessageRef, s: Surface): Promise<void> {
    if (!ref.channel || !ref.ts) return;
    await delivering(() => this.client.chat.update({ channel: ref.channel!, ts: ref.ts!, ...message(s) }));
  }

  async remove(ref: MessageRef): Promise<void> {
    if (!ref.channel || !ref.ts) return;
    await delivering(() => this.client.chat.delete({ channel: ref.channel!, ts: ref.ts! })).catch((err: unknown) => {
      if (platformError(err) !== 'message_not_found') throw err;
    });
  }

  async publishHome(agent: Agent, s: Surface): Promise<void> {
    const user = await this.people.userId(agent);
    if (!user) return;
    await delivering(() => this.client.views.publish({ user_id: user, view: home(s) }));
  }

  async admit(dest: string, agent: Agent): Promise<void> {
    const user = await this.people.userId(agent);
    const channel = dest.startsWith(AGENT) ? undefined : dest.slice(SLACK.length + 1);
    if (!user || !channel) return;
    await delivering(() => this.client.conversations.invite({ channel, users: user })).catch((err: unknown) => {
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
    for (let hop = 0; url; hop++) {
      if (!onOrigins(url, this.tokenOrigins) || hop > MAX_REDIRECTS) {
        this.log.warn({ fileId: file.id, host: hostOf(url), hop }, 'Slack file URL is not on a Slack origin: not fetched');
        break;
      }
      const res = await fetch(url, { headers: { authorization: `Bearer ${this.token}` }, redirect: 'manual' });
      const next = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && next) {
        await res.body?.cancel();
        url = new URL(next, url).toString();
        continue;
      }
      if (!res.ok || !res.body) throw new Error(`Slack file download failed: ${res.status}`);
      return { body: res.body, contentType: res.headers.get('content-type') ?? file.mimetype ?? 'application/octet-stream', ...(file.size ? { size: file.size } : {}) };
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
