/**
 * What every relay bench shares: a rig (the sink, a private Redis, the service and the
 * bare forwarder in child processes, chats created through the real API), an open-loop
 * load generator, and one measured phase per system with its figures.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { type PrivateRedis, startRedis } from './redisServer.js';
import { lineKey, Sink, type SinkCounts, type SinkPolicy } from './sink.js';
import { type Child, fmt, percentile, postJson, spawnServer, table, until } from './util.js';

/** One chat of the load; `n` picks the instance its messages go to when several serve the API. */
export interface Session {
  id: string;
  n: number;
  token: string;
  seq: number;
  dest: string;
  busy: Promise<void>;
}

export type Role = 'all' | 'web' | 'worker';

export interface RigOptions {
  chats: number;
  channels: number;
  /** The bench platform's pace per destination (none: unpaced). */
  pace?: { perSecond: number; burst: number };
  policy?: SinkPolicy;
  /** How often the forwarder sends a failed post again, blindly. */
  baselineRetries?: number;
  /** The service's instances on the one Redis, by ROLE (default: one `all`). */
  roles?: Role[];
  /** More environment for the service's instances (e.g. BENCH_RECORD). */
  serviceEnv?: Record<string, string>;
}

export type System = 'switchboard' | 'baseline';

/** One run's world: fresh sink, Redis and processes; torn down by close(). */
export class Rig {
  readonly sessions: Session[] = [];
  /** The instances that serve the API (`worker` ones do not). */
  readonly web: Child[];
  private constructor(
    readonly sink: Sink,
    readonly redis: PrivateRedis,
    readonly instances: ReadonlyArray<{ role: Role; child: Child }>,
    readonly base: Child,
  ) {
    this.web = instances.filter((i) => i.role !== 'worker').map((i) => i.child);
  }

  static async start(o: RigOptions, log: (line: string) => void): Promise<Rig> {
    const sink = new Sink(o.policy);
    await sink.listen();
    const redis = await startRedis();
    const env = {
      BENCH_SINK_URL: sink.href,
      BENCH_REDIS_URL: redis.url,
      BENCH_CHANNELS: String(o.channels),
      BENCH_PACE: o.pace ? `${o.pace.perSecond},${o.pace.burst}` : '',
      BASELINE_RETRIES: String(o.baselineRetries ?? 0),
    };
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const roles = o.roles ?? ['all'];
    const [base, ...sbs] = await Promise.all([
      spawnServer('bench/baselineServer.ts', env),
      ...roles.map((role) =>
        spawnServer('bench/relayServer.ts', { ...env, ...o.serviceEnv, BENCH_ROLE: role }, profile),
      ),
    ]);
    const rig = new Rig(
      sink,
      redis,
      roles.map((role, i) => ({ role, child: sbs[i]! })),
      base,
    );
    try {
      await rig.createChats(o.chats, log);
    } catch (err) {
      await rig.close();
      throw err;
    }
    return rig;
  }

  /**
   * One at a time, as chats start in life: the service spreads them over the pool least
   * loaded first, and counts a chat only once it is stored. Then waits for every root.
   */
  private async createChats(n: number, log: (line: string) => void): Promise<void> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const r = await postJson(agent, this.web[i % this.web.length]!.url, '/api/v1/sessions', {
        queue: 'bench',
        user: { name: `User ${i}` },
      });
      if (r.status !== 201) throw new Error(`create session: ${r.status} ${r.text}`);
      const body = JSON.parse(r.text) as { session: { id: string }; token: string };
      this.sessions.push({ id: body.session.id, n: i, token: body.token, seq: 0, dest: '', busy: Promise.resolve() });
    }
    agent.destroy();
    if (!(await until(() => this.sink.roots.size >= n, 120_000)))
      throw new Error(`only ${this.sink.roots.size} of ${n} roots arrived`);
    for (const s of this.sessions) s.dest = this.sink.roots.get(s.id)!;
    const sp = this.sink.spread();
    log(
      `  ${n} chats in ${sp.dests} channels (${sp.min}–${sp.max} each), roots posted, in ${fmt((performance.now() - started) / 1000)} s`,
    );
  }

  /** Where a chat's messages go: its own API instance (as a load balancer would spread them), or the forwarder. */
  urls(system: System): URL[] {
    return system === 'switchboard' ? this.web.map((c) => c.url) : [this.base.url];
  }

  /** The processes whose CPU a phase counts. */
  children(system: System): Child[] {
    return system === 'switchboard' ? this.instances.map((i) => i.child) : [this.base];
  }

  async close(): Promise<void> {
    await Promise.all([...this.instances.map((i) => i.child.stop()), this.base.stop()]);
    this.sink.close();
    await this.redis.stop();
  }
}

/** Who sent which line when, through one system, and what the sink made of it. */
export class Run {
  readonly sent = new Map<string, number>();
  readonly accepted: string[] = [];
  /** How long each 202 took: the part of the latency before the system answered. */
  readonly answered: number[] = [];
  /** Answers other than 202, by status, or why there was none. */
  readonly refused = new Map<string, number>();
  private readonly agent: http.Agent;
  private readonly targets: URL[];

  constructor(
    private readonly rig: Rig,
    system: System,
    maxSockets: number,
  ) {
    this.targets = rig.urls(system);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** One user message carrying its chat's next seq; a chat's messages go one after the other. */
  send(s: Session): Promise<void> {
    const seq = ++s.seq;
    const work = s.busy.then(async () => {
      const key = lineKey(s.id, seq);
      this.sent.set(key, performance.now());
      try {
        const r = await postJson(
          this.agent,
          this.targets[s.n % this.targets.length]!,
          `/api/v1/sessions/${s.id}/messages`,
          { text: `bench message #${seq}` },
          { authorization: `Bearer ${s.token}`, 'x-bench-dest': s.dest },
        );
        if (r.status === 202) {
          this.accepted.push(key);
          this.answered.push(performance.now() - this.sent.get(key)!);
        } else this.refuse(String(r.status));
      } catch (err) {
        this.refuse(`no answer (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    });
    s.busy = work;
    return work;
  }

  private refuse(why: string): void {
    this.refused.set(why, (this.refused.get(why) ?? 0) + 1);
  }

  /** Waits until every accepted line has arrived, or the timeout. */
  drain(timeoutMs: number): Promise<boolean> {
    return until(() => this.accepted.every((k) => this.rig.sink.arrived.has(k)), timeoutMs);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Sends `plan` (ms from start, chat) open loop: each at its time, whatever came of the others, ≤ maxInFlight at once. */
export async function openLoop(
  run: Run,
  plan: ReadonlyArray<readonly [number, Session]>,
  maxInFlight: number,
): Promise<void> {
  const start = performance.now();
  let inFlight = 0;
  const done: Promise<void>[] = [];
  for (let i = 0; i < plan.length; ) {
    const now = performance.now() - start;
    while (i < plan.length && plan[i]![0] <= now && inFlight < maxInFlight) {
      inFlight++;
      done.push(run.send(plan[i++]![1]).finally(() => inFlight--));
    }
    const next = plan[i]?.[0];
    if (next !== undefined) await new Promise((r) => setTimeout(r, Math.max(1, Math.min(50, next - now))));
  }
  await Promise.all(done);
}

/** A small seeded generator (mulberry32): the same plan on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `rate` msg/s for `seconds`, evenly spaced. Each round every chat sends once, in a fresh
 * shuffled order: a chat's messages stay a round apart, while a channel's arrivals are
 * irregular (a fixed round robin would space each channel's lines perfectly evenly).
 */
export function fixedRate(
  sessions: readonly Session[],
  rate: number,
  seconds: number,
  seed = 1,
): Array<[number, Session]> {
  const next = random(seed);
  const order = [...sessions];
  const plan: Array<[number, Session]> = [];
  for (let i = 0; i < Math.round(rate * seconds); i++) {
    const k = i % order.length;
    if (k === 0) {
      for (let j = order.length - 1; j > 0; j--) {
        const r = Math.floor(next() * (j + 1));
        [order[j], order[r]] = [order[r]!, order[j]!];
      }
    }
    plan.push([(i * 1000) / rate, order[k]!]);
  }
  return plan;
}

export interface Row {
  system: string;
  sent: number;
  accepted: number;
  refused: Map<string, number>;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  answerP50: number;
  p50: number;
  p99: number;
  max: number;
  sendRate: number;
  deliveredRate: number;
  /** Redis commands per delivered line (switchboard only), and the biggest shares. */
  commands: number;
  topCommands: Array<[string, number]>;
  cpuMs: number;
  /** The private Redis's CPU (user + system) per delivered line: one core's worth is where it saturates. */
  redisCpuMs: number;
  /** The longest the system's event loop was held up in the phase. */
  loopMaxMs: number;
  sink: SinkCounts;
}

const sum = (xs: Iterable<number>): number => {
  let n = 0;
  for (const x of xs) n += x;
  return n;
};

const diff = (a: SinkCounts, b: SinkCounts): SinkCounts => ({
  posts: b.posts - a.posts,
  limited: b.limited - a.limited,
  failed: b.failed - a.failed,
});

/** One measured phase: Redis statistics reset, CPU read, the load sent, drained, everything read back. */
export async function measure(
  rig: Rig,
  system: System,
  label: string,
  load: (run: Run) => Promise<void>,
  o: { maxInFlight: number; drainMs: number },
): Promise<Row> {
  const children = rig.children(system);
  const usage = async () => {
    const us = await Promise.all(children.map((c) => c.usage()));
    return { cpuMs: us.reduce((n, u) => n + u.cpuMs, 0), loopMaxMs: Math.max(...us.map((u) => u.loopMaxMs)) };
  };
  const run = new Run(rig, system, o.maxInFlight);
  const before = rig.sink.mark();
  if (system === 'switchboard') await rig.redis.resetStats();
  const redisCpu0 = await rig.redis.cpuMs();
  const use0 = await usage();
  await load(run);
  await run.drain(o.drainMs);
  const use1 = await usage();
  const stats = system === 'switchboard' ? await rig.redis.stats() : undefined;
  const redisCpu = system === 'switchboard' ? (await rig.redis.cpuMs()) - redisCpu0 : NaN;
  const counts = diff(before, rig.sink.mark());
  run.close();

  const { arrived, repeats, late } = rig.sink;
  const lat: number[] = [];
  let first = Infinity;
  let lastSend = 0;
  let firstArrival = Infinity;
  let lastArrival = 0;
  let duplicated = 0;
  let reordered = 0;
  for (const t of run.sent.values()) {
    first = Math.min(first, t);
    lastSend = Math.max(lastSend, t);
  }
  for (const k of run.accepted) {
    const at = arrived.get(k);
    if (at === undefined) continue;
    lat.push(at - run.sent.get(k)!);
    firstArrival = Math.min(firstArrival, at);
    lastArrival = Math.max(lastArrival, at);
    duplicated += repeats.get(k) ?? 0;
    if (late.has(k)) reordered++;
  }
  lat.sort((a, b) => a - b);
  const delivered = lat.length;
  const top = stats ? [...stats.calls].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.BENCH_TOP ?? 8)) : [];
  return {
    system: label,
    sent: run.sent.size,
    accepted: run.accepted.length,
    refused: run.refused,
    delivered,
    lost: run.accepted.length - delivered,
    duplicated,
    reordered,
    answerP50: percentile(
      run.answered.sort((a, b) => a - b),
      50,
    ),
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat.at(-1) ?? NaN,
    sendRate: (run.sent.size / (lastSend - first)) * 1000,
    deliveredRate: delivered ? (delivered / (lastArrival - firstArrival)) * 1000 : 0,
    commands: stats && delivered ? stats.total / delivered : NaN,
    topCommands: top.map(([c, n]): [string, number] => [c, delivered ? n / delivered : NaN]),
    cpuMs: delivered ? (use1.cpuMs - use0.cpuMs) / delivered : NaN,
    redisCpuMs: delivered ? redisCpu / delivered : NaN,
    loopMaxMs: use1.loopMaxMs,
    sink: counts,
  };
}

/** The rows of one run, then what Redis did per line for each system that uses it. */
export function formatRows(rows: Row[]): string {
  const head = [
    'system',
    'sent',
    '202',
    'refused',
    'delivered',
    'lost',
    'dup',
    'reord',
    '202 p50',
    'p50 ms',
    'p99 ms',
    'max ms',
    'sent/s',
    'delivered/s',
    'redis cmd/msg',
    'cpu ms/msg',
    'redis cpu ms/msg',
    'loop max ms',
    'posts',
    '429',
    '5xx',
  ];
  const body = rows.map((r) => [
    r.system,
    String(r.sent),
    String(r.accepted),
    String(sum(r.refused.values())),
    String(r.delivered),
    String(r.lost),
    String(r.duplicated),
    String(r.reordered),
    fmt(r.answerP50, 1),
    fmt(r.p50, 1),
    fmt(r.p99, 1),
    fmt(r.max, 0),
    fmt(r.sendRate, 0),
    fmt(r.deliveredRate, 0),
    fmt(r.commands, 1),
    fmt(r.cpuMs, 3),
    fmt(r.redisCpuMs, 3),
    fmt(r.loopMaxMs, 0),
    String(r.sink.posts),
    String(r.sink.limited),
    String(r.sink.failed),
  ]);
  const splits = rows
    .filter((r) => r.topCommands.length > 0)
    .map((r) => `  redis per msg (${r.system}): ${r.topCommands.map(([c, n]) => `${c} ${fmt(n, 2)}`).join(', ')}`);
  const refusals = rows
    .filter((r) => r.refused.size > 0)
    .map((r) => `  refused (${r.system}): ${[...r.refused].map(([why, n]) => `${why} ×${n}`).join(', ')}`);
  return [table([head, ...body]), ...splits, ...refusals].join('\n');
}
