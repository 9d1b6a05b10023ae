import http from 'node:http';
import {
  AmbiguousError,
  type MessageRef,
  type PlatformPort,
  type Posted,
  type Reach,
  RetryLaterError,
} from '../src/app/ports.js';
import type { Surface } from '../src/app/surfaces/surface.js';
import { plain } from '../src/app/wording/index.js';
import type { Post } from './sink.js';
import { type Answer, request } from './util.js';

/** The sequence numbers the load generator writes into messages' text ("#123"); a merged post holds several. */
export const seqsOf = (text: string): number[] => [...text.matchAll(/#(\d+)/g)].map((m) => Number(m[1]));

/** The bench platform's destinations: `bench:c0` … `bench:c<n-1>`. */
export const benchDests = (n: number): string[] => Array.from({ length: n }, (_, i) => `bench:c${i}`);

/** The sink's answer as the engine's errors: 429 = not sent, wait; 5xx or no answer = ambiguous. */
function check(r: Answer): void {
  if (r.status === 429) throw new RetryLaterError('sink answered 429', Number(r.headers['retry-after'] ?? 1) * 1000);
  if (r.status >= 500) throw new AmbiguousError(`sink answered ${r.status}`);
  if (r.status >= 300) throw new Error(`sink answered ${r.status}`);
}

/**
 * A platform that is just an HTTP endpoint (bench/sink.ts): each post, a chat's root or
 * one message of one or more of its lines, is one POST over a keep-alive agent, as a real
 * Slack/Teams client would send it. A queue's channel is a pool of `channels`
 * destinations, each taking `pace` (Slack's, say).
 */
export class HttpPlatform implements PlatformPort {
  readonly id = 'bench';
  readonly threads = true;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly dests: string[];

  constructor(
    private readonly sink: URL,
    channels: number,
    private readonly rate: { perSecond: number; burst: number },
  ) {
    this.dests = benchDests(channels);
  }

  private async send(p: Post): Promise<void> {
    let r: Answer;
    try {
      r = await request(this.agent, this.sink, '/post', p);
    } catch (err) {
      throw new AmbiguousError(`sink did not answer: ${(err as Error).message}`);
    }
    check(r);
  }

  reaches(): Reach {
    return 'no';
  }
  channels(): string[] {
    return this.dests;
  }
  direct(): string {
    return 'bench:nobody';
  }
  pace(): { perSecond: number; burst: number } {
    return this.rate;
  }
  async postTop(dest: string, s: Surface, deliveryId: string): Promise<Posted | null> {
    const sessionId = s.meta?.kind === 'root' ? s.meta.id : '';
    await this.send({ dest, sessionId, deliveryId, seqs: [], top: true });
    return { ref: { sessionId, dest }, place: `bench:${sessionId}` };
  }
  async postUnder(root: MessageRef, s: Surface, deliveryId: string): Promise<MessageRef> {
    await this.send({
      dest: root.dest ?? '',
      sessionId: root.sessionId ?? '',
      deliveryId,
      seqs: seqsOf(plain(s.fallback)),
    });
    return { ...root, deliveryId };
  }
  /** Asks the sink whether the delivery id was stored (Slack: conversations.replies with metadata). */
  async findPosted(
    _dest: string,
    _root: MessageRef | undefined,
    deliveryId: string,
  ): Promise<Posted | null | undefined> {
    const r = await request(this.agent, this.sink, `/posted?id=${encodeURIComponent(deliveryId)}`);
    if (r.status !== 200) return undefined;
    const p = JSON.parse(r.text) as { found: false } | { found: true; dest: string; sessionId: string };
    return p.found
      ? { ref: { sessionId: p.sessionId, dest: p.dest, deliveryId }, place: `bench:${p.sessionId}` }
      : null;
  }
  async update(): Promise<void> {}
  async remove(): Promise<void> {}
  async publishHome(): Promise<void> {}
}

/** Does nothing at all: for benches where platform work is not the subject (invite expiry). */
export class NoopPlatform implements PlatformPort {
  readonly id = 'noop';
  readonly threads = true;
  reaches(): Reach {
    return 'no';
  }
  channels(): string[] {
    return [];
  }
  direct(): string {
    return 'noop:nobody';
  }
  pace(): { perSecond: number; burst: number } {
    return { perSecond: 1, burst: 1 };
  }
  async postTop(): Promise<Posted | null> {
    return null;
  }
  async postUnder(): Promise<MessageRef> {
    return {};
  }
  async update(): Promise<void> {}
  async remove(): Promise<void> {}
  async publishHome(): Promise<void> {}
}
