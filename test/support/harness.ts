import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { RecordTarget } from '../../adapters/postgres/index.js';
import { RecordingPlatform } from '../../adapters/recording/platform.js';
import { deletePrefix } from '../../adapters/redis/deletePrefix.js';
import type { PlatformFactory } from '../../src/app/platformKit/module.js';
import type { Directory } from '../../src/domain/directory.js';
import { loadEnv, parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { buildService, type Service } from '../../src/main/service.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Set (`host:port,…`) to run the suites against a Redis Cluster. */
export const REDIS_CLUSTER_NODES = process.env.REDIS_CLUSTER_NODES || undefined;
export const REDIS_TARGET = { url: REDIS_URL, clusterNodes: REDIS_CLUSTER_NODES?.split(',') };

export const DIRECTORY_YAML = `
queues:
  - id: it-support
    name: IT Support
    slack: { channel: C0ITSUPPORT }
  - id: hr
    name: HR
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support], slack: { userId: U0ALICE } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support], slack: { userId: U0BOB } }
  - { id: dan, firstName: Dan, lastName: Ortiz, email: dan@example.com, permissions: [ESChat_Agent], queues: [it-support], slack: { userId: U0DAN } }
  - { id: carol, firstName: Carol, lastName: Lefèvre, email: carol@example.com, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [it-support, hr], slack: { userId: U0CAROL } }
  - { id: erin, firstName: Erin, lastName: Hr, email: erin@example.com, permissions: [ESChat_Agent], queues: [hr] }
  - { id: frank, firstName: Frank, lastName: Nope, email: frank@example.com, permissions: [], queues: [it-support] }
`;

export const testDirectory = (yaml = DIRECTORY_YAML): Directory =>
  parseDirectory(yaml, 'test.yaml', DIRECTORY_SECTIONS);

export const uniquePrefix = (): string => `t${randomBytes(5).toString('hex')}`;

export interface Harness {
  service: Service;
  recording: RecordingPlatform;
  url: string;
  prefix: string;
  stop(): Promise<void>;
}

/** A whole service on a fresh Redis prefix, listening on a random port. */
export async function startHarness(
  o: {
    env?: Record<string, string>;
    platforms?: PlatformFactory[];
    directory?: Directory;
    recording?: RecordingPlatform | false;
    prefix?: string;
    lockMs?: number;
    maxBacklog?: number;
    now?: () => number;
    record?: RecordTarget;
    historyLookupMs?: number;
  } = {},
): Promise<Harness> {
  const prefix = o.prefix ?? uniquePrefix();
  // Tests create chats from one address far faster than people do: the rate limits get their own tests.
  const limits = { SESSION_CREATE_LIMIT: '10000', SESSION_CREATE_QUEUE_LIMIT: '10000' };
  // A test that points REDIS_URL elsewhere (a Redis that is down) means that server alone.
  const cluster = REDIS_CLUSTER_NODES && !o.env?.REDIS_URL ? { REDIS_CLUSTER_NODES } : {};
  const env = loadEnv({
    REDIS_URL,
    ...cluster,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    API_KEYS: 'test-key',
    INVITE_TTL_SECONDS: '60',
    PORT: '0',
    HOST: '127.0.0.1',
    ...limits,
    ...o.env,
  });
  const recording = o.recording || new RecordingPlatform();
  const platforms = [...(o.platforms ?? [])];
  if (o.recording !== false) platforms.unshift(() => ({ platform: recording }));
  // The record only where a test asks for one (test/support/record.ts makes its database).
  const service = await buildService({
    env,
    directory: o.directory ?? testDirectory(),
    platforms,
    logger: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    ...(o.maxBacklog ? { maxBacklog: o.maxBacklog } : {}),
    ...(o.now ? { now: o.now } : {}),
    ...(o.historyLookupMs ? { historyLookupMs: o.historyLookupMs } : {}),
    record: o.record ?? false,
  });
  const url = await service.listen(0, '127.0.0.1');
  return {
    service,
    recording,
    url,
    prefix,
    async stop() {
      await service.stop();
      await cleanup(prefix);
    },
  };
}

/** Deletes every key of a test prefix. */
export const cleanup = (prefix: string): Promise<void> => deletePrefix(REDIS_TARGET, prefix);

export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `/readyz` once it answers 200. Each probe has a 1 s budget, which a loaded CI machine (a
 * three-master cluster, tests in parallel) can miss for a moment; a timeout names the checks.
 */
export async function readyz(url: string, timeoutMs = 10_000) {
  let last: Awaited<ReturnType<typeof json>> | undefined;
  return waitFor(
    async () => {
      last = await json(`${url}/readyz`);
      return last.status === 200 ? last : undefined;
    },
    timeoutMs,
    'ready',
  ).catch((err: Error) => {
    throw new Error(`${err.message}: ${JSON.stringify(last?.body)}`);
  });
}

export interface JsonInit {
  method?: string;
  token?: string;
  apiKey?: string;
  /** An object is sent as JSON; a string is sent as is (for malformed bodies). */
  body?: unknown;
}

export async function json(url: string, init: JsonInit = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.apiKey) headers['x-api-key'] = init.apiKey;
  const body =
    typeof init.body === 'string' || init.body === undefined
      ? (init.body as string | undefined)
      : JSON.stringify(init.body);
  const res = await fetch(url, { method: init.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}
