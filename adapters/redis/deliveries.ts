import { LEASE_MS } from '../../src/app/delivery/clocks.js';
import { Delivery, type Queued } from '../../src/app/delivery/delivery.js';
import type { Ack, DeliveryStore, Inflight } from '../../src/app/delivery/store.js';
import type { MessageRef } from '../../src/app/ports.js';
import { type RedisClient, scanKeys } from './connection.js';
import { destKeyPattern, destKeys, destOfKey, globalKeys } from './keys.js';
import { withScripts } from './scripts.js';

/** Flattened (queue id, delivery JSON) pairs, as the destination scripts answer them. */
function items(flat: string[]): Queued[] {
  const out: Queued[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ qid: flat[i]!, d: Delivery.parse(JSON.parse(flat[i + 1]!)) });
  return out;
}

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

  async enqueue(dest: string, list: Delivery[], owner: string) {
    const k = this.k(dest);
    const args = list.flatMap((d) => [d.id, JSON.stringify(d)]);
    const [claimed, ...rest] = (await withScripts(this.redis).enqueue(
      k.queue,
      k.lease,
      k.seen,
      owner,
      LEASE_MS,
      ...args,
    )) as [number, ...string[]];
    return { claimed: Number(claimed) === 1, queued: items(rest) };
  }

  async claim(dest: string, owner: string, count: number) {
    const k = this.k(dest);
    const [state, ...flat] = (await withScripts(this.redis).claimDest(
      k.queue,
      k.lease,
      owner,
      LEASE_MS,
      count,
    )) as string[];
    return state === 'claimed' ? items(flat) : state === 'held' ? ('held' as const) : ('empty' as const);
  }

  async ack(dest: string, owner: string, a: Ack) {
    const k = this.k(dest);
    const counted = new Map<string, number>();
    for (const q of a.done) if (q.d.counted) counted.set(q.d.sessionId, (counted.get(q.d.sessionId) ?? 0) + 1);
    const args = [
      owner,
      LEASE_MS,
      a.count,
      a.after ?? '-',
      a.held === 'handover' ? 2 : a.held ? 1 : 0,
      a.done.length,
      ...a.done.map((q) => q.qid),
      counted.size,
      ...[...counted].flat(),
      ...Object.entries(a.refs).flatMap(([key, ref]) => [key, JSON.stringify(ref)]),
    ];
    const [state, ...rest] = (await withScripts(this.redis).ackDeliveries(
      k.queue,
      k.lease,
      k.refs,
      k.waiting,
      k.inflight,
      ...args,
    )) as string[];
    return { released: state === 'released', lost: state === 'lost', next: state === 'more' ? items(rest) : [] };
  }

  async renew(dest: string, owner: string) {
    return Number(await withScripts(this.redis).renewLease(this.k(dest).lease, owner, LEASE_MS)) === 1;
  }

  async refs(dest: string, keys: string[]) {
    if (keys.length === 0) return [];
    const raw = await this.redis.hmget(this.k(dest).refs, ...keys);
    return raw.map((j) => (j ? (JSON.parse(j) as MessageRef) : undefined));
  }

  async markInflight(dest: string, owner: string, m: Inflight) {
    const k = this.k(dest);
    return (
      Number(
        await withScripts(this.redis).markInflight(k.lease, k.inflight, owner, LEASE_MS, m.id, m.at, m.qids.join(' ')),
      ) === 1
    );
  }

  async inflight(dest: string): Promise<Inflight | undefined> {
    const h = await this.redis.hgetall(this.k(dest).inflight);
    if (!h.id) return undefined;
    return { id: h.id, at: Number(h.at ?? 0), qids: (h.qids ?? '').split(' ').filter(Boolean) };
  }

  async stale(now: number) {
    return this.redis.zrangebyscore(this.g.active, '-inf', now, 'LIMIT', 0, 200);
  }

  async watch(dest: string, deadline: number) {
    await this.redis.zadd(this.g.active, deadline, dest);
  }

  async unwatch(dest: string, when: 'eq' | 'le', deadline: number) {
    await withScripts(this.redis).unwatchDest(this.g.active, dest, when, deadline);
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
    const dests = await this.redis.zrange(this.g.active, 0, -1);
    if (dests.length === 0) return 0;
    // One command each (auto-pipelined): a pipeline may not span slots on a cluster.
    const lengths = await Promise.all(dests.map((d) => this.redis.xlen(this.k(d).queue)));
    return lengths.reduce((n, v) => n + v, 0);
  }
}
