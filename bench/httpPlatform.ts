import http from 'node:http';
import { type MessageRef, type PlatformPort, type Posted, type Reach, RetryLaterError } from '../src/app/ports.js';
import type { Surface } from '../src/app/surfaces/surface.js';
import type { Queue } from '../src/domain/directory.js';
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

  reaches(): Reach {
    return 'no';
  }
  channels(queue: Queue): string[] {
    return [`bench:${queue.id}`];
  }
  direct(): string {
    return 'bench:nobody';
  }
  pace(): { perSecond: number; burst: number } {
    return { perSecond: 100_000, burst: 100_000 };
  }
  async postTop(_dest: string, s: Surface): Promise<Posted | null> {
    const sessionId = s.meta?.kind === 'root' ? s.meta.id : '';
    return { ref: { sessionId }, place: `bench:${sessionId}` };
  }
  async postUnder(root: MessageRef, s: Surface): Promise<MessageRef> {
    const sessionId = root.sessionId ?? '';
    for (const seq of plain(s.fallback).match(/#\d+/g) ?? []) {
      const res = await postJson(this.agent, this.sink, '/deliver', { sessionId, seq: seqOf(seq) });
      // Like a real platform: overload is retried later, anything else is an error.
      if (res.status === 429 || res.status >= 500) throw new RetryLaterError(`sink answered ${res.status}`, undefined);
      if (res.status >= 300) throw new Error(`sink answered ${res.status}`);
    }
    return { sessionId };
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
  channels(): string[] { return []; }
  direct(): string { return 'noop:nobody'; }
  pace(): { perSecond: number; burst: number } { return { perSecond: 1, burst: 1 }; }
  async postTop(): Promise<Posted | null> { return null; }
  async postUnder(): Promise<MessageRef> { return {}; }
  async update(): Promise<void> {}
  async remove(): Promise<void> {}
  async publishHome(): Promise<void> {}
}
