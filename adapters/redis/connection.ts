import type { EventEmitter } from 'node:events';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A single Redis or a Redis Cluster: the commands Switchboard uses work on both. */
export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  /** `redis://` or `rediss://`: the server, or (with `clusterNodes`) the credentials and TLS. */
  url: string;
  /** Seeds (`host:port`) of a Redis Cluster. */
  clusterNodes?: readonly string[] | undefined;
}

/**
 * What a connection is for: the store (auto-pipelined), pub/sub (a subscriber), or BullMQ
 * (whose blocked workers must wait out a restart, so no retry limit).
 */
export type Purpose = 'store' | 'pubsub' | 'queues';

/**
 * Back within a second of Redis: reconnects are tried at most 500 ms apart, and a server
 * still loading its data is asked again every 100 ms (ioredis would otherwise wait out the
 * server's whole loading estimate, seconds after it answers).
 */
const RECONNECT: RedisOptions = { retryStrategy: (times) => Math.min(50 * times, 500), maxLoadingRetryTime: 100 };

const PER_PURPOSE: Record<Purpose, RedisOptions> = {
  store: { maxRetriesPerRequest: 2, enableAutoPipelining: true },
  pubsub: { maxRetriesPerRequest: null },
  queues: { maxRetriesPerRequest: null, enableReadyCheck: true },
};

/** The one place connections are made: store, pub/sub and BullMQ alike, plain or Cluster. */
export function connect(target: RedisTarget, purpose: Purpose, extra: RedisOptions = {}): RedisClient {
  const options: RedisOptions = {
    ...RECONNECT,
    ...PER_PURPOSE[purpose],
    connectionName: `switchboard-${purpose}`,
    ...extra,
  };
  if (!target.clusterNodes?.length) return new Redis(target.url, options);
  const u = new URL(target.url);
  const auth: RedisOptions = {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: { servername: u.hostname } } : {}),
  };
  const { enableAutoPipelining, maxRetriesPerRequest, ...nodeOptions } = options;
  return new Cluster(target.clusterNodes.map(seed), {
    redisOptions: { ...nodeOptions, ...auth, maxRetriesPerRequest },
    enableAutoPipelining: enableAutoPipelining ?? false,
    clusterRetryStrategy: (times) => Math.min(50 * times, 500),
    // A subscriber on a shard channel follows the shard's master.
    shardedSubscribers: purpose === 'pubsub',
    // BullMQ's blocking commands must not be given up on while the cluster fails over.
    ...(purpose === 'queues' ? { enableOfflineQueue: true } : {}),
  });
}

function seed(hostPort: string): { host: string; port: number } {
  const i = hostPort.lastIndexOf(':');
  return i > 0 ? { host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) } : { host: hostPort, port: 6379 };
}

export const isCluster = (r: RedisClient): r is Cluster => r instanceof Cluster;

/** Every master: where node-local work goes (key scans, keyspace events, CONFIG). */
export const masters = (r: RedisClient): Redis[] => (isCluster(r) ? r.nodes('master') : [r]);

/** SCAN (never KEYS) every master for keys matching `match`. */
export async function scanKeys(
  r: RedisClient,
  match: string,
  each: (keys: string[], node: Redis) => Promise<void>,
): Promise<void> {
  for (const node of masters(r)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await each(keys, node);
    } while (cursor !== '0');
  }
}

/** Connection errors go to `report`; the client reconnects by itself. */
export function onError(r: RedisClient, report: (err: Error) => void): void {
  (r as EventEmitter).on('error', report);
}

/**
 * Answers within `ms` whether the server (every master, on a cluster) is there: 'ok' or what
 * is wrong. On a cluster, every slot must be served by a master this client reaches and that
 * answers, and the cluster must say cluster_state:ok: a shard down shows at once, not once
 * the other nodes have voted it failed.
 */
export async function probe(r: RedisClient, ms: number): Promise<string> {
  if (r.status !== 'ready') return `not connected (${r.status})`;
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve(`no answer in ${ms} ms`), ms).unref());
  const check = async (): Promise<string> => {
    if (!isCluster(r)) return (await r.ping()) === 'PONG' ? 'ok' : 'unexpected answer to PING';
    const nodes = masters(r);
    // ioredis opens a master's connection on its first command ('wait' until then): a master
    // holding none of this client's keys (BullMQ's sit in one slot) is not down, and the PING
    // below opens it.
    const down = nodes.find((n) => n.status !== 'ready' && n.status !== 'wait');
    if (down) return `master ${down.options.host}:${down.options.port} is ${down.status}`;
    const reached = new Set(nodes.map((n) => `${n.options.host}:${n.options.port}`));
    const uncovered = r.slots.findIndex((keys) => !keys?.[0] || !reached.has(keys[0]));
    if (uncovered >= 0) {
      // ioredis refreshes its slot map only on a redirection (MOVED), and a client whose keys
      // are on other shards (BullMQ's) never gets one: after a failover it would name the dead
      // master forever and never be ready again. Ask the cluster now; the next probe sees it.
      r.refreshSlotsCache();
      return `slot ${uncovered} has no master here`;
    }
    const answers = await Promise.all(
      nodes.map((n) =>
        n.ping().then(
          () => 'ok',
          (e: Error) => `master ${n.options.host}:${n.options.port}: ${e.message}`,
        ),
      ),
    );
    const wrong = answers.find((a) => a !== 'ok');
    if (wrong) return wrong;
    const info = await r.cluster('INFO');
    return /cluster_state:ok/.test(String(info)) ? 'ok' : 'cluster_state is not ok';
  };
  return Promise.race([check().catch((e: Error) => e.message), timeout]);
}

/**
 * Whether an error means Redis (or the shard holding the keys) cannot be reached now, so the
 * request is answered 503 with Retry-After, not 500: a closed or refused connection, a
 * cluster failing over (MOVED/ASK past the retries, CLUSTERDOWN, TRYAGAIN), a server loading
 * or read-only, ioredis giving up on a request.
 */
export function isUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const name = err.name;
  if (name === 'MaxRetriesPerRequestError' || name === 'ClusterAllFailedError') return true;
  const code = (err as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|ECONNABORTED)$/.test(code)
  )
    return true;
  return /^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|READONLY|NOREPLICAS)\b|Connection is closed|Stream isn't writeable|enableOfflineQueue|Failed to refresh slots cache|None of startup nodes is available|connect ECONNREFUSED|Too many Cluster redirections/.test(
    err.message,
  );
}

const sharded = new WeakSet<object>();

/**
 * Chat events use sharded pub/sub (SPUBLISH/SSUBSCRIBE) on a Redis 7 cluster, where a plain
 * PUBLISH would be copied to every node; plain pub/sub on one server and on Redis 6.2.
 * Decided once per connection at start-up; the scripts and the subscriber ask here.
 */
export async function choosePubSub(store: RedisClient): Promise<boolean> {
  if (!isCluster(store)) return false;
  const info = await store.info('server').catch(() => '');
  // Unknown (the cluster is not up yet): assume the Redis 7 a cluster deployment is documented for.
  const major = Number(/redis_version:(\d+)/.exec(info)?.[1] ?? 7);
  if (major >= 7) sharded.add(store);
  return major >= 7;
}

export const usesShardedPubSub = (store: RedisClient): boolean => sharded.has(store);
