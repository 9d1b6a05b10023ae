/**
 * Relay bench: end users post over the real HTTP API; latency is from just before the
 * POST leaves the client to the moment the fake platform endpoint (in this process, so
 * one clock) receives it. The switchboard and a bare forwarder take the same load.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { benchPrefix, cleanup, fmt, percentile, pool, postJson, sleep, spawnServer, table } from './util.js';

interface Session { id: string; token: string; seq: number }

/** The fake chat platform: records when each `{sessionId, seq}` arrives and whether it came in order. */
class Sink {
  readonly received = new Map<string, number>();
  private readonly lastSeq = new Map<string, number>();
  orderViolations = 0;
  readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const { sessionId, seq } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { sessionId: string; seq: number };
      if (seq < (this.lastSeq.get(sessionId) ?? -1)) this.orderViolations++;
      else this.lastSeq.set(sessionId, seq);
      this.received.set(`${sessionId}#${seq}`, at);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  async listen(): Promise<URL> {
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return new URL(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}`);
  }
}

export interface RelayResult {
  system: string; sent: number; accepted: number; errors: number; delivered: number; lost: number; order: number;
  ackP50: number; p50: number; p99: number; max: number; sendRate: number; throughput: number;
}

/** One measured run against one target: who sent what when, and what arrived. */
class Run {
  readonly sent = new Map<string, number>();
  readonly accepted: string[] = [];
  /** How long the API took to answer 202: the part of the latency before the relay proper. */
  readonly ack: number[] = [];
  errors = 0;
  private readonly orderAtStart: number;
  constructor(private readonly sink: Sink, private readonly target: URL, private readonly agent: http.Agent) {
    this.orderAtStart = sink.orderViolations;
  }

  /** One user message; its text carries the session's next seq. Per-session sends never overlap (see callers). */
  async send(s: Session): Promise<void> {
    const seq = ++s.seq;
    const key = `${s.id}#${seq}`;
    this.sent.set(key, performance.now());
    try {
      const r = await postJson(this.agent, this.target, `/api/v1/sessions/${s.id}/messages`, { text: `bench message #${seq}` }, { authorization: `Bearer ${s.token}` });
      if (r.status === 202) {
        this.accepted.push(key);
        this.ack.push(performance.now() - this.sent.get(key)!);
      }
      else this.errors++;
    } catch {
      this.errors++;
    }
  }

  /** Waits until every accepted message has arrived, or the drain timeout. */
  async drain(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until && this.accepted.some((k) => !this.sink.received.has(k))) await sleep(50);
  }

  result(system: string): RelayResult {
    const lat: number[] = [];
    let lastRecv = 0;
    for (const k of this.accepted) {
      const at = this.sink.received.get(k);
      if (at === undefined) continue;
      lat.push(at - this.sent.get(k)!);
      lastRecv = Math.max(lastRecv, at);
    }
    lat.sort((a, b) => a - b);
    // A loop, not Math.min(...): spreading 100k+ values overflows the stack.
    let first = Infinity;
    let lastSend = 0;
    for (const t of this.sent.values()) {
      first = Math.min(first, t);
      lastSend = Math.max(lastSend, t);
    }
    return {
      system, sent: this.sent.size, accepted: this.accepted.length, errors: this.errors, delivered: lat.length,
      lost: this.accepted.length - lat.length, order: this.sink.orderViolations - this.orderAtStart,
      ackP50: percentile([...this.ack].sort((a, b) => a - b), 50), p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat.at(-1) ?? NaN,
      sendRate: (this.sent.size / (lastSend - first)) * 1000,
      throughput: lat.length ? (lat.length / (lastRecv - first)) * 1000 : 0,
    };
  }
}

/**
 * Open loop: message i is due at start + i/rate whatever happened to earlier ones.
 * Sessions are taken round-robin, and in-flight is capped below the session count,
 * so one session never has two messages in flight (the order check stays fair).
 */
async function fixedRate(run: Run, sessions: Session[], rate: number, durationMs: number, maxInFlight: number): Promise<void> {
  const total = Math.round((rate * durationMs) / 1000);
  const start = performance.now();
  let issued = 0;
  let inFlight = 0;
  const done: Promise<void>[] = [];
  while (issued < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    while (issued < due && inFlight < maxInFlight) {
      inFlight++;
      done.push(run.send(sessions[issued++ % sessions.length]!).finally(() => inFlight--));
    }
    await sleep(1);
  }
  await Promise.all(done);
}

/** Closed loop: each client owns a disjoint slice of the sessions and sends as fast as answers come back. */
async function maxThroughput(run: Run, sessions: Session[], clients: number, durationMs: number): Promise<void> {
  const until = performance.now() + durationMs;
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    const mine = sessions.filter((_, i) => i % clients === c);
    for (let i = 0; performance.now() < until; i++) await run.send(mine[i % mine.length]!);
  }));
}

export interface RelayOptions { sessions: number; rate: number; seconds: number; clients: number; maxInFlight: number; drainMs: number; warmupSeconds: number; outboxConcurrency: number }

export interface RelayReport { fixed: RelayResult[]; max: RelayResult[]; options: RelayOptions }

export async function runRelay(o: RelayOptions, log: (line: string) => void): Promise<RelayReport> {
  const sink = new Sink();
  const sinkUrl = await sink.listen();
  const prefix = benchPrefix();
  const childEnv = { BENCH_SINK_URL: sinkUrl.href, BENCH_PREFIX: prefix, BENCH_OUTBOX_CONCURRENCY: String(o.outboxConcurrency) };
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const [sb, base] = await Promise.all([spawnServer('bench/relayServer.ts', childEnv, profile), spawnServer('bench/baselineServer.ts', childEnv)]);
  try {
    // Same sessions for both systems: created once through the real API.
    const setup = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const sessions: Session[] = [];
    await pool(Array.from({ length: o.sessions }, (_, i) => i), 32, async (i) => {
      const r = await postJson(setup, sb.url, '/api/v1/sessions', { queue: 'bench', user: { name: `User ${i}` } });
      if (r.status !== 201) throw new Error(`create session: ${r.status} ${r.text}`);
      const body = JSON.parse(r.text) as { session: { id: string }; token: string };
      sessions.push({ id: body.session.id, token: body.token, seq: 0 });
    });
    setup.destroy();
    log(`  ${sessions.length} sessions created`);

    const targets = [['switchboard', sb.url], ['baseline', base.url]] as const;
    const agentFor = (n: number) => new http.Agent({ keepAlive: true, maxSockets: n });
    // Warm both up (JIT, connection pools, the session outboxes' first effects) before measuring.
    for (const [, url] of targets) {
      const warm = new Run(sink, url, agentFor(o.clients));
      await maxThroughput(warm, sessions, o.clients, o.warmupSeconds * 1000);
      await warm.drain(o.drainMs);
    }
    const fixed: RelayResult[] = [];
    for (const [name, url] of targets) {
      const run = new Run(sink, url, agentFor(o.maxInFlight));
      await fixedRate(run, sessions, o.rate, o.seconds * 1000, o.maxInFlight);
      await run.drain(o.drainMs);
      fixed.push(run.result(name));
      log(`  fixed ${o.rate} msg/s: ${name} done`);
    }
    const max: RelayResult[] = [];
    for (const [name, url] of targets) {
      const run = new Run(sink, url, agentFor(o.clients));
      await maxThroughput(run, sessions, o.clients, o.seconds * 1000);
      await run.drain(o.drainMs);
      max.push(run.result(name));
      log(`  max throughput (${o.clients} clients): ${name} done`);
    }
    return { fixed, max, options: o };
  } finally {
    await Promise.all([sb.stop(), base.stop()]);
    sink.server.close();
    sink.server.closeAllConnections();
    await cleanup(prefix);
  }
}

const verdict = (ok: boolean) => (ok ? 'ok' : 'MISS');

export function formatRelay(r: RelayReport): string {
  const head = ['system', 'sent', '202', 'errors', 'delivered', 'lost', 'out-of-order', '202 p50 ms', 'p50 ms', 'p99 ms', 'max ms', 'send/s', 'delivered/s'];
  const row = (x: RelayResult) => [x.system, String(x.sent), String(x.accepted), String(x.errors), String(x.delivered), String(x.lost), String(x.order),
    fmt(x.ackP50, 2), fmt(x.p50, 2), fmt(x.p99, 2), fmt(x.max, 1), fmt(x.sendRate, 0), fmt(x.throughput, 0)];
  const ratio = (rs: RelayResult[]) => ['ratio sb/base', '', '', '', '', '', '', '', `${fmt(rs[0]!.p50 / rs[1]!.p50, 2)}x`, `${fmt(rs[0]!.p99 / rs[1]!.p99, 2)}x`, '', '', ''];
  const [fs, fb] = r.fixed as [RelayResult, RelayResult];
  const [ms] = r.max as [RelayResult, RelayResult];
  const o = r.options;
  return [
    `(a) Relay — fixed rate ${o.rate} msg/s, ${o.sessions} sessions, ${o.seconds} s, open loop (≤ ${o.maxInFlight} in flight)`,
    table([head, ...r.fixed.map(row), ratio(r.fixed)]),
    `  targets: p50 ≤ 1.5x baseline: ${fmt(fs.p50 / fb.p50, 2)}x ${verdict(fs.p50 <= 1.5 * fb.p50)}` +
      ` | p99 ≤ 2x baseline: ${fmt(fs.p99 / fb.p99, 2)}x ${verdict(fs.p99 <= 2 * fb.p99)}` +
      ` | lost 0: ${fs.lost} ${verdict(fs.lost === 0)} | out-of-order 0: ${fs.order} ${verdict(fs.order === 0)}`,
    '',
    `(a) Relay — max throughput, ${o.clients} closed-loop clients, ${o.seconds} s, drain ≤ ${o.drainMs / 1000} s`,
    table([head, ...r.max.map(row), ratio(r.max)]),
    `  targets: ≥ 2000 msg/s sustained: ${fmt(ms.throughput, 0)} ${verdict(ms.throughput >= 2000)}` +
      ` | lost 0: ${ms.lost} ${verdict(ms.lost === 0)} | out-of-order 0: ${ms.order} ${verdict(ms.order === 0)}`,
  ].join('\n');
}
