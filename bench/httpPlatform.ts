import http from 'node:http';
import { type MessageRef, type Mirror, type PlatformPort, type Reach, RetryLaterError } from '../src/app/ports.js';
import type { Surface } from '../src/app/surfaces/surface.js';
import { plain } from '../src/app/wording/index.js';
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
  readonly threads = true;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly sink: URL) {}

  async openMirror(_root: Surface, to: { sessionId: string }): Promise<Mirror | null> {
    return 'queue' in to ? { key: `bench:${to.sessionId}`, platform: 'bench', kind: 'channel', root: { sessionId: to.sessionId } } : null;
  }
  reaches(): Reach {
    return 'no';
  }
  async post(mirror: Mirror, s: Surface): Promise<MessageRef> {
    // Only chat lines are timed.
    if (s.meta?.kind !== 'entry') return {};
    const sessionId = mirror.root.sessionId ?? '';
    const seq = seqOf(plain(s.fallback));
    const res = await postJson(this.agent, this.sink, '/deliver', { sessionId, seq });
    // Like a real platform: overload is retried later by the outbox, anything else is an error.
    if (res.status === 429 || res.status >= 500) throw new RetryLaterError(`sink answered ${res.status}`, undefined);
    if (res.status >= 300) throw new Error(`sink answered ${res.status}`);
    return { id: `${sessionId}:${seq}` };
  }
  async send(): Promise<MessageRef | null> {
    return null;
  }
  async update(): Promise<void> {}
  async remove(): Promise<void> {}
  async publishHome(): Promise<void> {}
}

/** Does nothing at all: for benches where platform work is not the subject (invite expiry). */
export class NoopPlatform implements PlatformPort {
  readonly id = 'noop';
  readonly threads = true;
  reaches(): Reach { return 'no'; }
  async openMirror(): Promise<Mirror | null> { return null; }
  async post(): Promise<MessageRef> { return {}; }
  async send(): Promise<MessageRef | null> { return null; }
  async update(): Promise<void> {}
  async remove(): Promise<void> {}
  async publishHome(): Promise<void> {}
}
