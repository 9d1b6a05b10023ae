/**
 * The fake chat platform every relay bench posts to, in the bench's own process (one clock
 * with the load generator). A post is `{dest, sessionId, deliveryId, seqs, top?}`: a chat's
 * root (top) or one message carrying one or more of a chat's lines (a merged post).
 *
 * It records when each line (`session#seq`) first arrived, repeats and lines that came
 * after a later one of their chat, and can act like a platform under pressure: 429 with
 * Retry-After above a per-destination pace, or a share of posts stored and then answered
 * 500 (an ambiguous failure). `GET /posted?id=` says whether a delivery id was stored
 * and where (what Slack's conversations.replies with metadata tells).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { readJson } from './util.js';

export interface Post {
  dest: string;
  sessionId: string;
  deliveryId: string;
  seqs: number[];
  top?: boolean;
}

export interface SinkPolicy {
  /** Per destination: posts above this pace are answered 429, Retry-After: 1. */
  limit?: { perSecond: number; burst: number };
  /** Every n-th post is stored, then answered 500. */
  storeThenFailEvery?: number;
}

/** What the sink answered since a mark. */
export interface SinkCounts {
  posts: number;
  limited: number;
  failed: number;
}

export const lineKey = (sessionId: string, seq: number): string => `${sessionId}#${seq}`;

class Bucket {
  private tokens: number;
  private at = performance.now();
  constructor(private readonly pace: { perSecond: number; burst: number }) {
    this.tokens = pace.burst;
  }
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.pace.burst, this.tokens + ((now - this.at) / 1000) * this.pace.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class Sink {
  /** When each line first arrived. */
  readonly arrived = new Map<string, number>();
  /** Lines that arrived more than once: how many extra times. */
  readonly repeats = new Map<string, number>();
  /** Lines that arrived after a later line of their chat. */
  readonly late = new Set<string>();
  /** Each chat's destination, from its root. */
  readonly roots = new Map<string, string>();
  private readonly highest = new Map<string, number>();
  /** Every stored post by delivery id (what a read-back finds). */
  private readonly stored = new Map<string, Post>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly counts: SinkCounts = { posts: 0, limited: 0, failed: 0 };
  private url: URL | undefined;

  private readonly server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/posted?')) {
      const id = new URL(req.url, 'http://sink').searchParams.get('id') ?? '';
      const p = this.stored.get(id);
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(p ? { found: true, dest: p.dest, sessionId: p.sessionId } : { found: false }));
    }
    readJson<Post>(req).then(
      (p) => {
        const [status, headers] = this.post(p);
        res
          .writeHead(status, { 'content-type': 'application/json', ...headers })
          .end(status === 200 ? '{"ok":true}' : '{"ok":false}');
      },
      () => res.writeHead(400).end(),
    );
  });

  constructor(private readonly policy: SinkPolicy = {}) {}

  private post(p: Post): [number, Record<string, string>] {
    this.counts.posts++;
    const limit = this.policy.limit;
    if (limit) {
      let b = this.buckets.get(p.dest);
      if (!b) this.buckets.set(p.dest, (b = new Bucket(limit)));
      if (!b.take()) {
        this.counts.limited++;
        return [429, { 'retry-after': '1' }];
      }
    }
    this.store(p);
    const every = this.policy.storeThenFailEvery;
    if (every && this.counts.posts % every === 0) {
      this.counts.failed++;
      return [500, {}];
    }
    return [200, {}];
  }

  private store(p: Post): void {
    const at = performance.now();
    this.stored.set(p.deliveryId, p);
    if (p.top) this.roots.set(p.sessionId, p.dest);
    for (const seq of p.seqs) {
      const key = lineKey(p.sessionId, seq);
      if (this.arrived.has(key)) {
        this.repeats.set(key, (this.repeats.get(key) ?? 0) + 1);
        continue;
      }
      this.arrived.set(key, at);
      if (seq < (this.highest.get(p.sessionId) ?? -1)) this.late.add(key);
      else this.highest.set(p.sessionId, seq);
    }
  }

  /** The counts so far; the difference of two marks is what a phase saw. */
  mark(): SinkCounts {
    return { ...this.counts };
  }

  /** How many chats the destinations hold, from the roots: the fewest, the most, and how many destinations. */
  spread(): { min: number; max: number; dests: number } {
    const per = new Map<string, number>();
    for (const d of this.roots.values()) per.set(d, (per.get(d) ?? 0) + 1);
    const n = [...per.values()];
    return { min: Math.min(...n), max: Math.max(...n), dests: per.size };
  }

  async listen(): Promise<URL> {
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.url = new URL(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}`));
  }

  get href(): string {
    return this.url?.href ?? '';
  }

  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }
}
