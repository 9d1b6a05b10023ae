import { LEASE_MS } from '../../src/app/delivery/clocks.js';
import type { Delivery, Queued } from '../../src/app/delivery/delivery.js';
import { type Ack, type DeliveryStore, type Inflight, isInstanceEntry } from '../../src/app/delivery/store.js';
import type { MessageRef } from '../../src/app/ports.js';
import { type RedisClient, scanKeys } from './connection.js';
import * as scripts from './deliveryScripts.js';
import { destKeyPattern, destKeys, destOfKey, globalKeys } from './keys.js';
import { withScripts } from './scripts.js';

/** Destinations on Redis: a stream of deliveries, a lease, and the refs of what was posted (lua/enqueue.lua …). */
export class RedisDeliveries implements DeliveryStore {
  private readonly g: ReturnType<typeof globalKeys>;
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    this.g = globalKeys(prefix);
  }

  private k(dest: string) {
    return destKeys(this.prefix, dest);
  }

  async enqueue(dest: string, items: Delivery[], owner: string) {
    const { claimed } = await scripts.enqueue(this.redis, this.k(dest), { owner, leaseMs: LEASE_MS, items });
    return { claimed };
  }

  async claim(dest: string, owner: string, count: number) {
    const r = await scripts.claimDest(this.redis, this.k(dest), { owner, leaseMs: LEASE_MS, count });
    return r.state === 'claimed' ? r.items : r.state;
  }

  async ack(dest: string, owner: string, a: Ack) {
    const counted = new Map<string, number>();
    for (const q of a.done) if (q.d.counted) counted.set(q.d.sessionId, (counted.get(q.d.sessionId) ?? 0) + 1);
    const r = await scripts.ackDeliveries(this.redis, this.k(dest), {
      owner,
      leaseMs: LEASE_MS,
      count: a.count,
      after: a.after,
      held: a.held === 'handover' ? 'handover' : a.held ? 'items' : 'nothing',
      done: a.done.map((q) => q.qid),
      countDown: [...counted],
      refs: Object.entries(a.refs).map(([key, ref]) => [key, JSON.stringify(ref)]),
    });
    return { released: r.state === 'released', lost: r.state === 'lost', next: r.state === 'more' ? r.items : [] };
  }

  async renew(dest: string, owner: string) {
    return scripts.renewLease(this.redis, this.k(dest), { owner, leaseMs: LEASE_MS });
  }

  async refs(dest: string, keys: string[]) {
    if (keys.length === 0) return [];
    const raw = await this.redis.hmget(this.k(dest).refs, ...keys);
    return raw.map((j) => (j ? (JSON.parse(j) as MessageRef) : undefined));
  }

  async markInflight(dest: string, owner: string, m: Inflight) {
    return scripts.markInflight(this.redis, this.k(dest), { owner, leaseMs: LEASE_MS, ...m });
  }

  async inflight(dest: string): Promise<Inflight | undefined> {
    const k = this.k(dest);
    const h = await this.redis.hgetall(k.inflight);
    if (h.id) return { id: h.id, at: Number(h.at ?? 0), qids: (h.qids ?? '').split(' ').filter(Boolean) };
    // Unless a mark says otherwise, a fresh claim's first post (0-1, with the field `at`) is in
    // flight from when the commit that queued it began (lua/appendEntries.lua), until acknowledged.
    const [head] = await this.redis.xrange(k.queue, '0-1', '0-1');
    return head ? scripts.premarked(head) : undefined;
  }

  async stale(now: number) {
    return this.redis.zrangebyscore(this.g.active, '-inf', now, 'LIMIT', 0, 200);
  }

  async watch(dest: string, deadline: number) {
    await this.redis.zadd(this.g.active, deadline, dest);
  }

  async unwatch(dest: string, when: 'eq' | 'le', deadline: number) {
    // A drainer's own entry: its score is its own (a random fraction), so one command removes
    // it and nothing else; an entry the destination's next drainer wrote has another score.
    if (when === 'eq') await this.redis.zremrangebyscore(this.g.active, deadline, deadline);
    else await scripts.unwatchDest(this.redis, { list: this.g.active }, { dest, when, score: deadline });
  }

  /** SCAN, never KEYS (on every master): every destination queue that still holds deliveries. */
  async queued() {
    const out: string[] = [];
    await scanKeys(this.redis, destKeyPattern(this.prefix, 'q'), async (keys, node) => {
      const lengths = await Promise.all(keys.map((key) => node.xlen(key)));
      keys.forEach((key, i) => {
        const dest = destOfKey(this.prefix, key, 'q');
        if (lengths[i]! > 0 && dest !== undefined) out.push(dest);
      });
    });
    return out;
  }

  async claimLeastLoaded(dests: string[]) {
    if (dests.length === 0) return '';
    return String(await withScripts(this.redis).claimLeastLoaded(this.g.load, Math.random(), ...dests));
  }

  async load(dest: string, delta: number) {
    await this.redis.zincrby(this.g.load, delta, dest);
  }

  async deadLetter(dest: string, item: Queued, error: string) {
    await this.redis.xadd(
      this.g.dead,
      'MAXLEN',
      '~',
      '10000',
      '*',
      'dest',
      dest,
      'delivery',
      JSON.stringify(item.d),
      'error',
      error,
    );
  }

  async depth() {
    const dests = (await this.redis.zrange(this.g.active, 0, -1)).filter((d) => !isInstanceEntry(d));
    if (dests.length === 0) return 0;
    // One command each (auto-pipelined): a pipeline may not span slots on a cluster.
    const lengths = await Promise.all(dests.map((d) => this.redis.xlen(this.k(d).queue)));
    return lengths.reduce((n, v) => n + v, 0);
  }
}
