import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { DiskFiles } from '../../adapters/disk/files.js';
import { noRecord, openRecord, type RecordTarget } from '../../adapters/postgres/index.js';
import { markCommitsForArchive, RedisArchiveFeed } from '../../adapters/redis/archive.js';
import { RedisChatEvents } from '../../adapters/redis/chatEvents.js';
import {
  choosePubSub,
  connect,
  isUnreachable,
  onError,
  probe,
  type RedisClient,
} from '../../adapters/redis/connection.js';
import { RedisEndUsers } from '../../adapters/redis/endUsers.js';
import { RedisKeyValue } from '../../adapters/redis/keyValue.js';
import { RedisLists } from '../../adapters/redis/lists.js';
import { RedisChatCreationLimiter } from '../../adapters/redis/rateLimit.js';
import { withScripts } from '../../adapters/redis/scripts.js';
import { redisStore } from '../../adapters/redis/store.js';
import { SmtpMailer } from '../../adapters/smtp/mailer.js';
import { EmailQueue, startEmailWorker } from '../../jobs/email.js';
import { HomeQueue, startHomeWorker } from '../../jobs/homes.js';
import { InviteExpiryQueue, startInviteExpiryWorker } from '../../jobs/inviteExpiry.js';
import { migrateQueues } from '../../jobs/migrateQueues.js';
import { OutboxQueue, OutboxWorker, sweepOutboxes } from '../../jobs/outbox.js';
import { RecordQueue, startRecordWorker } from '../../jobs/record.js';
import { availabilities } from '../app/availability.js';
import type { AppContext } from '../app/context.js';
import { Engine } from '../app/delivery/engine.js';
import { engineHooks } from '../app/delivery/planner.js';
import { DirectoryHolder } from '../app/directory.js';
import { FileLinks, sweepFiles } from '../app/files.js';
import type { PlatformFactory, PlatformModule } from '../app/platformKit/module.js';
import type { PlatformPort } from '../app/ports.js';
import { PresencePoller } from '../app/presence.js';
import { Archiver } from '../app/record/archiver.js';
import { reconcile, reconcileAll } from '../app/record/reconcile.js';
import { autoRouter, sweepRouting } from '../app/routing.js';
import { timeWaitingChats } from '../app/sessions.js';
import { type Directory, isAgent } from '../domain/directory.js';
import { ServiceMetrics } from '../http/metrics.js';
import { presenceMetrics } from '../http/presenceMetrics.js';
import { recordMetrics } from '../http/recordMetrics.js';
import { createHttpApp } from '../http/server.js';
import type { Env } from './config.js';
import { createLogger } from './log.js';

export interface ServiceOptions {
  env: Env;
  directory: Directory;
  platforms?: PlatformFactory[];
  logger?: Logger;
  /** Concurrency of the outbox worker (jobs/outbox.ts). */
  outboxConcurrency?: number;
  /** Undelivered effects a session may hold before its end user is asked to wait (429). */
  maxBacklog?: number;
  now?: () => number;
  /** Where the record is (default: DATABASE_URL, else PGlite in DATA_DIR); false: no record (some tests, benches). */
  record?: RecordTarget | false;
  /** How long a new chat waits for its end user's history (default 250 ms). */
  historyLookupMs?: number;
}

export interface Service {
  ctx: AppContext;
  app: Express;
  metrics: ServiceMetrics;
  redis: RedisClient;
  modules: PlatformModule[];
  /** One per platform with presence; only the instance holding a platform's lease calls it. */
  presence: PresencePoller[];
  listen(port?: number, host?: string): Promise<string>;
  stop(): Promise<void>;
  reloadDirectory(next: Directory): void;
}

/** The composition root's work, callable from main and from tests. */
export async function buildService(o: ServiceOptions): Promise<Service> {
  const { env } = o;
  const log = o.logger ?? createLogger(env.LOG_LEVEL);
  const prefix = env.REDIS_PREFIX;
  // One factory for every connection, plain or Cluster (REDIS_CLUSTER_NODES). Auto-pipelining
  // sends the commands issued in one tick as one write: fewer syscalls under load. Scripts
  // are registered before the first command: auto-pipelines copy them when they are made.
  const target = { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES };
  const redis = withScripts(connect(target, 'store'));
  const sub = connect(target, 'pubsub');
  const bull = connect(target, 'queues');
  for (const [name, c] of [
    ['store', redis],
    ['pubsub', sub],
    ['queues', bull],
  ] as const) {
    onError(c, (err) => log.warn({ err: err.message, connection: name }, 'redis connection error'));
  }
  // Start even when Redis is down (readyz says so and work resumes later), but give it a moment.
  await Promise.race([
    new Promise((resolve) => (redis.status === 'ready' ? resolve(undefined) : redis.once('ready', resolve))),
    new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
  ]);
  const store = redisStore(redis, prefix, log);
  const metrics = new ServiceMetrics(
    async () => (await store.transcript.outboxDepth()) + (await store.deliveries.depth()),
  );
  const timers = new InviteExpiryQueue(bull, prefix);
  const outbox = new OutboxQueue(bull, prefix);
  const homes = new HomeQueue(bull, prefix);
  const recordJobs = new RecordQueue(bull, prefix);
  // Email continuation only with SMTP_URL (README "Email"): without it nothing is emailed.
  const mailer = env.SMTP_URL ? new SmtpMailer(env.SMTP_URL, env.MAIL_FROM, env.PUBLIC_URL) : undefined;
  const emailJobs = mailer ? new EmailQueue(bull, prefix) : undefined;
  const queues = [timers.queue, outbox.queue, homes.queue, recordJobs.queue, ...(emailJobs ? [emailJobs.queue] : [])];
  // The record (README "The record"): commits mark their chat for the archiver, which writes it off the relay's path.
  const record =
    o.record === false
      ? noRecord
      : openRecord(o.record ?? (env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.DATA_DIR }), log);
  // The archiver reads on a connection of its own: its bursts never queue ahead of the relay's commands.
  const archiveRedis = withScripts(connect(target, 'store', { connectionName: 'switchboard-archive' }));
  onError(archiveRedis, (err) => log.warn({ err: err.message, connection: 'archive' }, 'redis connection error'));
  const archive = new RedisArchiveFeed(archiveRedis, prefix);
  if (record.backend !== 'none') {
    markCommitsForArchive(redis, prefix);
    void record
      .ready()
      .catch((err: Error) =>
        log.warn({ err: err.message }, 'record: the database cannot be reached yet; the archive waits for it'),
      );
  }
  const archiveObserver = recordMetrics(metrics.registry, () => archive.backlog());
  const platforms: PlatformPort[] = [];
  // The engine and the auto router call back into the use cases with the context they are part
  // of: each reads `ctx` when it runs, never before it is built (the engine drains once a commit
  // claims a destination or `engine.run()` starts its sweeps; routing runs when a use case asks).
  const engine = new Engine(
    store.deliveries,
    platforms,
    engineHooks(() => ctx),
    log,
    {
      delivered: (d, dest, waited) => metrics.delivered(d, dest, waited),
      failed: () => metrics.deliveryFailures.inc(),
      resent: (outcome) => metrics.takeoverResends.inc({ outcome }),
    },
  );
  const ctx: AppContext = {
    store,
    directory: new DirectoryHolder(o.directory),
    timers,
    outbox,
    engine,
    homes,
    platforms,
    log,
    metrics,
    router: autoRouter(() => ctx),
    settings: {
      inviteTtlMs: env.INVITE_TTL_SECONDS * 1000,
      maxResends: env.INVITE_MAX_RESENDS,
      publicUrl: env.PUBLIC_URL,
      maxBacklog: o.maxBacklog ?? 500,
      waitingTimeoutMs: env.WAITING_TIMEOUT_SECONDS * 1000,
      historyLookupMs: o.historyLookupMs ?? 250,
      availability: {
        mode: env.AVAILABILITY_MODE,
        graceMs: env.PRESENCE_GRACE_SECONDS * 1000,
        requeueMs: env.OWNER_AWAY_REQUEUE_SECONDS * 1000,
      },
      identity: {
        secrets: [env.IDENTITY_SECRET, env.IDENTITY_SECRET_PREVIOUS].filter((x): x is string => Boolean(x)),
        required: env.REQUIRE_IDENTITY,
      },
      emailAfterMs: env.EMAIL_AFTER_SECONDS * 1000,
    },
    now: o.now ?? Date.now,
    files: {
      store: new DiskFiles(env.FILES_DIR),
      maxBytes: env.MAX_FILE_BYTES,
      // One secret for every instance, made by the first that needs it.
      links: new FileLinks(
        env.PUBLIC_URL,
        () => store.links.rememberOnce('secret:file-links', randomBytes(32).toString('base64url')),
        o.now ?? Date.now,
      ),
    },
    record,
    archive,
    recordJobs,
    endUsers: new RedisEndUsers(redis, prefix),
    ...(mailer && emailJobs ? { mail: { mailer, jobs: emailJobs } } : {}),
  };
  // Loaded now so signing a link never waits; with Redis down, when first needed.
  void ctx.files.links.ready().catch(() => undefined);
  const modules: PlatformModule[] = [];
  for (const make of o.platforms ?? []) {
    const m = await make(ctx, { kv: new RedisKeyValue(redis, prefix) });
    modules.push(m);
    platforms.push(m.platform);
  }

  const web = env.ROLE !== 'worker';
  const working = env.ROLE !== 'web';
  // Workers poll presence (README "Availability"); a lease in Redis lets one instance poll each platform.
  const sources = modules.flatMap((m) => (m.presence ? [m.presence] : []));
  const presenceObserver = presenceMetrics(metrics.registry, {
    agents: async () => {
      const all = await availabilities(ctx);
      return ctx.directory
        .get()
        .agents.filter(isAgent)
        .map((a) => all.of(a.id));
    },
    budgets: () => sources.map((s) => ({ platform: s.platform, perMinute: s.perMinute })),
  });
  const presence = working ? sources.map((s) => new PresencePoller(ctx, s, engine.owner, presenceObserver)) : [];
  const events = new RedisChatEvents(sub, redis, prefix, log, await choosePubSub(redis));
  const workers: Worker[] = [];
  let outboxWorker: OutboxWorker | undefined;
  let sweep: NodeJS.Timeout | undefined;
  let fileSweep: NodeJS.Timeout | undefined;
  let archiver: Archiver | undefined;
  const recordTimers: NodeJS.Timeout[] = [];
  if (working) {
    // Upgrades, in the background: with Redis down they wait for Redis, like the workers.
    const retry = (what: string) => (err: Error) =>
      log.warn({ err: err.message }, `could not ${what}; the next start tries again`);
    void migrateQueues(bull, prefix, queues, log).catch(retry("move the old queue prefix's jobs"));
    void new RedisLists(redis, prefix, log)
      .adoptOpenSet()
      .then(() => timeWaitingChats(ctx))
      .catch(retry('list the open chats of an older version and time the waiting ones'));
    // A worker plans its own commits' effects at once; a web-only instance leaves a BullMQ job.
    outboxWorker = new OutboxWorker(ctx, redis, bull, prefix, outbox, o.outboxConcurrency);
    outbox.planHere(outboxWorker);
    workers.push(outboxWorker.worker, startInviteExpiryWorker(ctx, bull, prefix), startHomeWorker(ctx, bull, prefix));
    if (emailJobs) workers.push(startEmailWorker(ctx, bull, prefix));
    // Every role drains what its own commits claim; workers also take over what others left.
    await engine.run();
    // The slow paths: outboxes left unplanned by a crash, auto queues left waiting.
    const runSweep = () => {
      void sweepOutboxes(ctx).catch((err: Error) => log.warn({ err: err.message }, 'outbox sweep failed'));
      void sweepRouting(ctx).catch((err: Error) => log.warn({ err: err.message }, 'routing sweep failed'));
    };
    presence.forEach((p) => {
      p.start();
    });
    sweep = setInterval(runSweep, 5_000);
    sweep.unref();
    runSweep();
    // Files of chats gone from Redis go from FILES_DIR too.
    fileSweep = setInterval(
      () =>
        void sweepFiles(
          ctx.files.store,
          async (id) => (await store.sessions.get(id)) !== undefined,
          Date.now() - 3_600_000,
        ).catch((err: Error) => log.warn({ err: err.message }, 'file sweep failed')),
      3_600_000,
    );
    fileSweep.unref();
    if (record.backend !== 'none') {
      archiver = new Archiver(archive, record, log, {}, archiveObserver);
      archiver.start();
      workers.push(startRecordWorker(ctx, bull, prefix, env.RETENTION_DAYS));
      void recordJobs.scheduleRetention().catch(retry("schedule the record's retention sweep"));
      // Chats a crash left changed and unmarked: the open ones every minute, every chat Redis holds hourly.
      const every = (ms: number, work: () => Promise<number>, what: string) => {
        const t = setInterval(
          () => void work().catch((err: Error) => log.warn({ err: err.message }, `record: ${what} failed`)),
          ms,
        );
        t.unref();
        recordTimers.push(t);
      };
      every(60_000, () => reconcile(ctx), 'reconciliation');
      every(3_600_000, () => reconcileAll(ctx), 'full reconciliation');
    }
  }

  // BullMQ connects each queue and worker in the background; a service stopped before they
  // are up would leave their start-up commands failing unhandled. Wait for them, briefly:
  // with Redis down the service starts anyway and they connect when it returns.
  const readies = [...queues, ...workers].map((q) => q.waitUntilReady().catch(() => undefined));
  await Promise.race([Promise.all(readies), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);

  const app = createHttpApp({
    ctx,
    metrics,
    events,
    apiKeys: env.API_KEYS,
    api: web,
    settings: {
      trustProxy: env.TRUST_PROXY,
      allowedOrigins: env.ALLOWED_ORIGINS,
      publicUrl: env.PUBLIC_URL,
      adminToken: env.ADMIN_TOKEN,
    },
    limiter: new RedisChatCreationLimiter(redis, prefix, {
      perClient: env.SESSION_CREATE_LIMIT,
      perQueue: env.SESSION_CREATE_QUEUE_LIMIT,
    }),
    storeReady: () => redis.status === 'ready',
    storeUnreachable: isUnreachable,
    ready: async () => {
      const checks: Record<string, string> = {};
      // A disconnected client queues commands; readiness must answer now, not when Redis is back.
      // On a cluster, ready means cluster_state:ok.
      [checks.redis, checks.queues] = await Promise.all([probe(redis, 1_000), probe(bull, 1_000)]);
      if (working) checks.workers = workers.every((w) => w.isRunning()) ? 'ok' : 'stopped';
      const ok = Object.values(checks).every((v) => v === 'ok');
      // Chats go on without the database (the archive catches up): it is reported, and does not make the instance unready.
      if (record.backend !== 'none') checks.record = (await record.probe(1_000)) ? 'ok' : 'unavailable';
      return { ok, checks };
    },
    mount: web
      ? (a) =>
          modules.forEach((m) => {
            m.mount?.(a);
          })
      : undefined,
    queues,
  });

  let server: Server | undefined;
  return {
    ctx,
    app,
    metrics,
    redis,
    modules,
    presence,
    async listen(port = env.PORT, host = env.HOST) {
      server = createServer(app);
      await new Promise<void>((resolve) => server!.listen(port, host, resolve));
      for (const m of modules) await m.start?.();
      const addr = server.address() as AddressInfo;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
    },
    reloadDirectory(next) {
      ctx.directory.set(next);
    },
    async stop() {
      if (sweep) clearInterval(sweep);
      if (fileSweep) clearInterval(fileSweep);
      recordTimers.forEach(clearInterval);
      // Stop taking requests, let running jobs finish (a job never stops half-way), then close connections.
      if (server) {
        server.closeIdleConnections?.();
        const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeAllConnections?.();
        await closing;
      }
      await Promise.all(presence.map((p) => p.stop()));
      for (const m of modules) await m.stop?.();
      await Promise.all([
        ...workers.filter((w) => w !== outboxWorker?.worker).map((w) => w.close()),
        outboxWorker?.close(),
        engine.close(),
        archiver?.stop(),
      ]);
      await Promise.all([
        timers.close(),
        outbox.close(),
        homes.close(),
        recordJobs.close(),
        record.close(),
        emailJobs?.close(),
      ]);
      mailer?.close();
      events.close();
      await Promise.all(
        [redis.quit(), sub.quit(), bull.quit(), archiveRedis.quit()].map((p) => p.catch(() => undefined)),
      );
    },
  };
}
