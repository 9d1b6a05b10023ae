import http from 'node:http';
import type { Agent } from '../src/domain/directory.js';
import type { TranscriptEntry } from '../src/domain/transcript.js';
import { type HomeView, type InviteView, type MessageRef, type Mirror, type PlatformPort, RetryLaterError, type SessionView } from '../src/app/ports.js';
import { postJson } from './util.js';

/** The sequence number the load generator writes into each message's text ("#123"). */
export const seqOf = (text: string): number => Number(/#(\d+)/.exec(text)?.[1] ?? -1);

/**
 * A platform that is just an HTTP endpoint: each end-user message becomes one POST of
 * `{sessionId, seq}`, over a keep-alive agent like a real Slack/Teams client would use.
 * Everything else is a no-op, so the bench measures the relay path and nothing more.
 */
export class HttpPlatform implements PlatformPort {
  readonly id = 'bench';
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly sink: URL) {}

  async openChannelMirror(view: SessionView): Promise<Mirror> {
    return { key: `bench:${view.session.id}`, platform: 'bench', kind: 'channel', address: {} };
  }
  async openDirectMirror(_view: SessionView, _agent: Agent): Promise<Mirror | null> {
    return null;
  }
  reaches(_agent: Agent): boolean {
    return false;
  }
  async renderSession(_mirror: Mirror, _view: SessionView): Promise<void> {}

  async postEntry(_mirror: Mirror, view: SessionView, entry: TranscriptEntry): Promise<MessageRef | null> {
    // Status lines and the like are not what we time.
    if (entry.kind !== 'message') return null;
    const seq = seqOf(entry.text);
    const res = await postJson(this.agent, this.sink, '/deliver', { sessionId: view.session.id, seq });
    // Like a real platform: overload is retried later by the outbox, anything else is an error.
    if (res.status === 429 || res.status >= 500) throw new RetryLaterError(`sink answered ${res.status}`, undefined);
    if (res.status >= 300) throw new Error(`sink answered ${res.status}`);
    return { id: `${view.session.id}:${seq}` };
  }

  async postInviteOutcome(_mirror: Mirror, _invite: InviteView): Promise<void> {}
  async sendInviteCard(_invite: InviteView): Promise<MessageRef | null> {
    return null;
  }
  async updateInviteCard(_invite: InviteView, _ref: MessageRef): Promise<void> {}
  async postNotice(_mirror: Mirror, _view: SessionView, _text: string): Promise<void> {}
  async publishHome(_home: HomeView): Promise<void> {}
}

/** Does nothing at all: for benches where platform work is not the subject (invite expiry). */
export class NoopPlatform implements PlatformPort {
  readonly id = 'noop';
  async openChannelMirror(): Promise<Mirror | null> { return null; }
  async openDirectMirror(): Promise<Mirror | null> { return null; }
  reaches(): boolean { return false; }
  async renderSession(): Promise<void> {}
  async postEntry(): Promise<MessageRef | null> { return null; }
  async postInviteOutcome(): Promise<void> {}
  async sendInviteCard(): Promise<MessageRef | null> { return null; }
  async updateInviteCard(): Promise<void> {}
  async postNotice(): Promise<void> {}
  async publishHome(): Promise<void> {}
}
