import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { FileDownload, MessageRef, Mirror, PlatformPort, Reach } from '../../src/app/ports.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import type { Agent, Queue } from '../../src/domain/directory.js';
import type { FileRef } from '../../src/domain/transcript.js';
import type { ChannelPacer } from './channelPacer.js';
import type { SlackPeople } from './people.js';
import { home, message } from './render/blockKit.js';
import { queueChannels } from './settings.js';
import { delivering, platformError } from './webErrors.js';

export const SLACK = 'slack';
/** A chat's thread: its channel and the root's ts. */
export const threadKey = (channel: string, ts: string): string => `${SLACK}:${channel}:${ts}`;

/** The platform port on Slack's Web API. Every post has a fallback text; posts are paced per channel. */
export class SlackPlatform implements PlatformPort {
  readonly id = SLACK;
  readonly threads = true;

  constructor(private readonly client: WebClient, private readonly people: SlackPeople, private readonly pacer: ChannelPacer, private readonly token: string, private readonly log: Logger) {}

  private async postIn(channel: string, s: Surface, threadTs?: string): Promise<{ channel: string; ts: string }> {
    await this.pacer.take(channel);
    const r = await delivering(() => this.client.chat.postMessage({ channel, ...message(s), ...(threadTs ? { thread_ts: threadTs } : {}), unfurl_links: false, unfurl_media: false }));
    return { channel: r.channel ?? channel, ts: r.ts ?? '' };
  }

  private async dm(agent: Agent): Promise<string | undefined> {
    const user = await this.people.userId(agent);
    if (!user) return undefined;
    const r = await delivering(() => this.client.conversations.open({ users: user }));
    return r.channel?.id;
  }

  reaches(agent: Agent): Reach {
    return this.people.reaches(agent);
  }

  async openMirror(root: Surface, to: { queue: Queue; sessionId: string } | { agent: Agent; sessionId: string }): Promise<Mirror | null> {
    const channel = 'queue' in to ? queueChannels(to.queue)[0] : await this.dm(to.agent);
    if (!channel) return null;
    const posted = await this.postIn(channel, root);
    const agentId = 'agent' in to ? to.agent.id : undefined;
    return { key: threadKey(posted.channel, posted.ts), platform: SLACK, kind: agentId ? 'direct' : 'channel', ...(agentId ? { agentId } : {}), root: posted };
  }

  post(mirror: Mirror, s: Surface): Promise<MessageRef> {
    return this.postIn(mirror.root.channel ?? '', s, mirror.root.ts);
  }

  async send(agent: Agent, s: Surface): Promise<MessageRef | null> {
    const channel = await this.dm(agent);
    return channel ? this.postIn(channel, s) : null;
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

  async admit(mirror: Mirror, agent: Agent): Promise<void> {
    const user = await this.people.userId(agent);
    if (!user || !mirror.root.channel) return;
    await delivering(() => this.client.conversations.invite({ channel: mirror.root.channel!, users: user })).catch((err: unknown) => {
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
