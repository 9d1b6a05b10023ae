import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { FileDownload, HomeView, InviteView, MessageRef, Mirror, PlatformPort, SessionView } from '../../src/app/ports.js';
import type { Agent } from '../../src/domain/directory.js';
import type { FileRef, TranscriptEntry } from '../../src/domain/transcript.js';
import { entryMessage, homeView, inviteCard, inviteOutcome, sessionRoot, type SlackMessage } from './blocks/index.js';
import type { ChannelPacer } from './channelPacer.js';
import type { SlackPeople } from './people.js';
import { delivering, platformError } from './webErrors.js';

export const SLACK = 'slack';
export const mirrorKey = (channel: string, ts: string): string => `${SLACK}:${channel}:${ts}`;

const where = (m: Mirror) => ({ channel: m.address.channel ?? '', ts: m.address.ts ?? '' });

/** The platform port on Slack's Web API. Every post has a fallback text; posts are paced per channel. */
export class SlackPlatform implements PlatformPort {
  readonly id = SLACK;

  constructor(private readonly client: WebClient, private readonly people: SlackPeople, private readonly pacer: ChannelPacer, private readonly token: string, private readonly log: Logger) {}

  private async post(channel: string, msg: SlackMessage, threadTs?: string): Promise<{ channel: string; ts: string }> {
    await this.pacer.take(channel);
    const r = await delivering(() => this.client.chat.postMessage({ channel, ...msg, ...(threadTs ? { thread_ts: threadTs } : {}), unfurl_links: false, unfurl_media: false }));
    return { channel: r.channel ?? channel, ts: r.ts ?? '' };
  }

  private update(channel: string, ts: string, msg: SlackMessage) {
    return delivering(() => this.client.chat.update({ channel, ts, ...msg }));
  }

  private async dm(agent: Agent): Promise<string | undefined> {
    const user = await this.people.userId(agent);
    if (!user) return undefined;
    const r = await delivering(() => this.client.conversations.open({ users: user }));
    return r.channel?.id;
  }

  reaches(agent: Agent): boolean {
    return this.people.reaches(agent);
  }

  async openChannelMirror(view: SessionView): Promise<Mirror | null> {
    const channel = view.queue.slack?.channel;
    if (!channel) return null;
    const { ts } = await this.post(channel, sessionRoot(view));
    return { key: mirrorKey(channel, ts), platform: SLACK, kind: 'channel', address: { channel, ts } };
  }

  async openDirectMirror(view: SessionView, agent: Agent): Promise<Mirror | null> {
    const channel = await this.dm(agent);
    if (!channel) return null;
    const { ts } = await this.post(channel, sessionRoot(view));
    // The recent messages give the joiner the context the channel thread would have shown.
    for (const e of view.recent) await this.post(channel, entryMessage(e, view), ts);
    return { key: mirrorKey(channel, ts), platform: SLACK, kind: 'direct', agentId: agent.id, address: { channel, ts } };
  }

  async renderSession(mirror: Mirror, view: SessionView): Promise<void> {
    const { channel, ts } = where(mirror);
    await this.update(channel, ts, sessionRoot(view));
  }

  async postEntry(mirror: Mirror, view: SessionView, entry: TranscriptEntry, target: MessageRef | undefined): Promise<MessageRef | null> {
    const { channel, ts } = where(mirror);
    if (entry.kind === 'status') return null; // the root message shows the status
    if ((entry.kind === 'edit' || entry.kind === 'delete') && target?.ts) {
      if (entry.kind === 'delete') {
        await delivering(() => this.client.chat.delete({ channel, ts: target.ts! })).catch((err: unknown) => {
          if (platformError(err) !== 'message_not_found') throw err;
        });
      } else {
        await this.update(channel, target.ts, entryMessage(entry, view));
      }
      return target;
    }
    return this.post(channel, entryMessage(entry, view), ts);
  }

  async postInviteOutcome(mirror: Mirror, iv: InviteView): Promise<void> {
    const { channel, ts } = where(mirror);
    await this.post(channel, inviteOutcome(iv), ts);
  }

  async sendInviteCard(iv: InviteView): Promise<MessageRef | null> {
    const channel = await this.dm(iv.invitee);
    if (!channel) return null;
    return this.post(channel, inviteCard(iv, Date.now()));
  }

  async updateInviteCard(iv: InviteView, ref: MessageRef): Promise<void> {
    if (!ref.channel || !ref.ts) return;
    await this.update(ref.channel, ref.ts, inviteCard(iv, Date.now()));
  }

  async postNotice(mirror: Mirror, _view: SessionView, text: string): Promise<void> {
    const { channel, ts } = where(mirror);
    await this.post(channel, { text }, ts);
  }

  async publishHome(home: HomeView): Promise<void> {
    const user = await this.people.userId(home.agent);
    if (!user) return;
    await delivering(() => this.client.views.publish({ user_id: user, view: homeView(home) }));
  }

  async admit(mirror: Mirror, agent: Agent): Promise<void> {
    const user = await this.people.userId(agent);
    if (!user || !mirror.address.channel) return;
    await delivering(() => this.client.conversations.invite({ channel: mirror.address.channel!, users: user })).catch((err: unknown) => {
      // Already there, or a channel the bot cannot manage: the agent can still be added by hand.
      const code = platformError(err);
      if (code === 'already_in_channel' || code === 'cant_invite_self') return;
      this.log.warn({ code, agentId: agent.id }, 'could not add the agent to the channel');
    });
  }

  async openFile(file: FileRef): Promise<FileDownload> {
    if (!file.url) throw new Error('file has no download URL');
    // Private Slack file URLs open with the bot token; the end user never sees the URL.
    const res = await fetch(file.url, { headers: { authorization: `Bearer ${this.token}` } });
    if (!res.ok || !res.body) throw new Error(`Slack file download failed: ${res.status}`);
    return { body: res.body, contentType: res.headers.get('content-type') ?? file.mimetype ?? 'application/octet-stream', ...(file.size ? { size: file.size } : {}) };
  }
}
