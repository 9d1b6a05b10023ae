/**
 * The record (issue 18): (1) relay latency with the archive off and on, in the same run, and
 * how long after its commit an entry reaches the database (archive lag) at 200 msg/s, on the
 * embedded PostgreSQL (PGlite) and on PostgreSQL; (2) reports over 100,000 chats and
 * 1,000,000 entries, beside a bare count of the period's rows. PostgreSQL runs need
 * BENCH_DATABASE_URL (a server where the bench may CREATE DATABASE); without it they are left out.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { pgliteDb, postgresDb } from '../adapters/postgres/connect.js';
import type { RecordTarget } from '../adapters/postgres/index.js';
import type { Database } from '../adapters/postgres/schema.js';
import { KyselyRecord } from '../adapters/postgres/store.js';
import { fixedRate, formatRows, measure, openLoop, Rig, type Row } from './harness.js';
import { fmt, percentile, sleep, table, verdict } from './util.js';

export interface RecordOptions {
  relay: {
    chats: number;
    channels: number;
    rate: number;
    seconds: number;
    warmupSeconds: number;
    maxInFlight: number;
    drainMs: number;
  };
  /** Measured turns of each system (its median is reported). */
  rounds: number;
  reports: { chats: number; entriesPerChat: number; days: number; periodDays: number; runs: number };
  databaseUrl: string | undefined;
}

export const recordOptions = (quick: boolean): RecordOptions => ({
  relay: {
    chats: quick ? 400 : 1000,
    channels: quick ? 100 : 250,
    rate: 200,
    seconds: quick ? 3 : 6,
    warmupSeconds: quick ? 1 : 2,
    maxInFlight: 512,
    drainMs: quick ? 10_000 : 30_000,
  },
  rounds: quick ? 1 : 5,
  reports: quick
    ? { chats: 10_000, entriesPerChat: 10, days: 90, periodDays: 30, runs: 10 }
    : { chats: 100_000, entriesPerChat: 10, days: 90, periodDays: 30, runs: 30 },
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
});

type Backend = 'PGlite' | 'PostgreSQL';

/** A database of the bench's own: a PGlite directory, or a database made on BENCH_DATABASE_URL's server. */
async function freshDatabase(
  backend: Backend,
  o: RecordOptions,
): Promise<{ target: RecordTarget; dir?: string; url?: string; drop(): Promise<void> }> {
  if (backend === 'PGlite') {
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-record-'));
    return { target: { dataDir: dir }, dir, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `sb_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: o.databaseUrl });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(o.databaseUrl!);
  url.pathname = `/${name}`;
  return {
    target: { databaseUrl: url.href },
    url: url.href,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

const backends = (o: RecordOptions): Backend[] => (o.databaseUrl ? ['PGlite', 'PostgreSQL'] : ['PGlite']);

// ---- (1) relay with the archive off and on, and the archive's lag ----

/** A Prometheus histogram's cumulative buckets (le → count). */
async function lagBuckets(url: URL): Promise<Array<[number, number]>> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return [...text.matchAll(/^switchboard_archive_lag_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((m) => [
    m[1] === '+Inf' ? Infinity : Number(m[1]),
    Number(m[2]),
  ]);
}

async function backlog(url: URL): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return Number(/^switchboard_archive_backlog (\S+)$/m.exec(text)?.[1] ?? NaN);
}

/** A quantile of the entries observed between two readings (linear within a bucket, as histogram_quantile does). */
function quantile(
  before: Array<[number, number]>,
  after: Array<[number, number]>,
  q: number,
): { value: number; count: number; within5s: number } {
  const delta = after.map(([le, n], i) => [le, n - (before[i]?.[1] ?? 0)] as [number, number]);
  const count = delta.at(-1)?.[1] ?? 0;
  const within5s = (delta.find(([le]) => le === 5)?.[1] ?? 0) / (count || 1);
  const rank = q * count;
  let prevLe = 0;
  let prevN = 0;
  for (const [le, n] of delta) {
    if (n >= rank)
      return {
        value: le === Infinity ? prevLe : prevLe + ((le - prevLe) * (rank - prevN)) / Math.max(1, n - prevN),
        count,
        within5s,
      };
    prevLe = le;
    prevN = n;
  }
  return { value: NaN, count, within5s };
}

export interface LagRow {
  label: string;
  entries: number;
  p50: number;
  p99: number;
  within5s: number;
  caughtUpMs: number;
}

/** One system under the relay load: a rig of its own, the archive off or on a database. */
interface Mode {
  label: string;
  target: RecordTarget | undefined;
  rig: Rig;
  rounds: Row[];
  lagBefore: Array<[number, number]>;
}

/**
 * The three systems side by side: each started (chats created, their archive caught up,
 * warmed), then measured in turns, round after round, so a load on the machine that comes and
 * goes falls on all of them alike; each is reported by its median round.
 */
async function relayRounds(
  o: RecordOptions,
  systems: Array<{ label: string; target: RecordTarget | undefined }>,
  log: (line: string) => void,
): Promise<{ rows: Row[]; rounds: Mode[]; lag: LagRow[]; loads: number[] }> {
  const r = o.relay;
  const modes: Mode[] = [];
  try {
    for (const sys of systems) {
      const rig = await Rig.start(
        {
          chats: r.chats,
          channels: r.channels,
          serviceEnv: sys.target ? { BENCH_RECORD: JSON.stringify(sys.target) } : {},
        },
        log,
      );
      modes.push({ ...sys, rig, rounds: [], lagBefore: [] });
      if (sys.target) await waitBacklog(rig.web[0]!.url, 120_000);
      await measure(
        rig,
        'switchboard',
        'warm-up',
        (run) => openLoop(run, fixedRate(rig.sessions, r.rate, r.warmupSeconds), r.maxInFlight),
        r,
      );
    }
    for (const m of modes) if (m.target) m.lagBefore = await lagBuckets(m.rig.web[0]!.url);
    const loads: number[] = [];
    for (let round = 0; round < o.rounds; round++) {
      loads.push(loadavg()[0]!);
      // A different one goes first each round.
      for (let k = 0; k < modes.length; k++) {
        const m = modes[(round + k) % modes.length]!;
        await sleep(500);
        m.rounds.push(
          await measure(
            m.rig,
            'switchboard',
            m.label,
            (run) => openLoop(run, fixedRate(m.rig.sessions, r.rate, r.seconds, 2 + round), r.maxInFlight),
            r,
          ),
        );
      }
      log(`  record: relay round ${round + 1} of ${o.rounds} done (load average ${loadavg()[0]!.toFixed(2)})`);
    }
    const lag: LagRow[] = [];
    for (const m of modes.filter((x) => x.target)) {
      const url = m.rig.web[0]!.url;
      const start = performance.now();
      await waitBacklog(url, 120_000);
      const caughtUpMs = performance.now() - start;
      const after = await lagBuckets(url);
      const p50 = quantile(m.lagBefore, after, 0.5);
      const p99 = quantile(m.lagBefore, after, 0.99);
      lag.push({
        label: m.label,
        entries: p99.count,
        p50: p50.value,
        p99: p99.value,
        within5s: p99.within5s,
        caughtUpMs,
      });
    }
    const median = (rows: Row[]) => [...rows].sort((a, b) => a.p50 - b.p50)[Math.floor(rows.length / 2)]!;
    return { rows: modes.map((m) => median(m.rounds)), rounds: modes, lag, loads };
  } finally {
    await Promise.all(modes.map((m) => m.rig.close()));
  }
}

async function waitBacklog(url: URL, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Twice in a row at zero: a pass may have claimed the last chats and not yet written them.
  let zeros = 0;
  while (Date.now() < deadline) {
    zeros = (await backlog(url).catch(() => NaN)) === 0 ? zeros + 1 : 0;
    if (zeros >= 2) return;
    await sleep(100);
  }
  throw new Error('the archive did not catch up');
}

// ---- (2) reports over many chats ----

/**
 * `chats` chats over `days` days up to now in 20 queues and 200 agents, `entriesPerChat`
 * entries each, with their legs, owners, invites, help requests and ratings: written with
 * generate_series, as the archive would have left them.
 */
async function seed(db: Kysely<Database>, o: RecordOptions['reports']): Promise<void> {
  const n = o.chats;
  const start = new Date(Date.now() - o.days * 86_400_000);
  const step = (o.days * 86_400_000) / n;
  const t = sql`(${start}::timestamptz + (i::float8 * ${step}::float8) * interval '1 millisecond')`;
  const w = sql`((i * 37) % 600)`;
  const fr = sql`((i * 13) % 120 + 5)`;
  const h = sql`((i * 29) % 1800 + 120)`;
  const wait = sql`${w} * interval '1 second'`;
  const first = sql`${fr} * interval '1 second'`;
  const handle = sql`${h} * interval '1 second'`;
  await sql`insert into chats (id, ref, queue_id, status, user_name, user_email, token_hash, owner_id, created_at, accepted_at, first_response_at, ended_at, ended_by, rating_score, rating_comment, rated_at, rev, mirrors)
    select 'b' || i, upper(substr(md5(i::text), 1, 6)), 'q' || (i % 20), 'ended', 'User ' || i, 'u' || (i % 30000) || '@example.com', md5(i::text), 'a' || (i % 200),
      ${t}, ${t} + ${wait}, ${t} + ${wait} + ${first}, ${t} + ${wait} + ${handle}, case when i % 10 = 0 then 'user' else 'a' || (i % 200) end,
      case when i % 3 = 0 then 1 + (i % 5) end, case when i % 9 = 0 then 'thanks' end, case when i % 3 = 0 then ${t} + ${wait} + ${handle} + interval '1 minute' end, 5, '[]'
    from generate_series(1, ${n}) as i`.execute(db);
  await sql`insert into legs (chat_id, id, queue_id, started_at, answered_at, first_reply_at, ended_at, outcome, released, transferred, rating_score, wait_s, first_s, handle_s)
    select 'b' || i, 'e' || i, 'q' || (i % 20), ${t}, case when i % 20 <> 0 then ${t} + ${wait} end, case when i % 20 <> 0 then ${t} + ${wait} + ${first} end,
      ${t} + ${wait} + ${handle}, case when i % 20 = 0 then 'unanswered' when i % 20 = 1 then 'moved' when i % 25 = 2 then 'abandoned' else 'ended' end,
      case when i % 19 = 0 then 1 else 0 end, case when i % 17 = 0 then 1 else 0 end, case when i % 3 = 0 and i % 20 <> 1 then 1 + (i % 5) end,
      case when i % 20 <> 0 then ${w} end, case when i % 20 <> 0 then ${w} + ${fr} end, case when i % 20 <> 0 then ${h} end
    from generate_series(1, ${n}) as i`.execute(db);
  await sql`insert into members (chat_id, id, agent_id, mode, via, leg_id, joined_at, waited_from, first_reply_at, left_at, outcome, abandoned, wait_s, first_s, handle_s)
    select 'b' || i, 'm' || i, 'a' || (i % 200), 'owner', case when i % 17 = 0 then 'transfer' else 'accept' end, 'e' || i, ${t} + ${wait}, ${t}, ${t} + ${wait} + ${first},
      ${t} + ${wait} + ${handle}, case when i % 19 = 0 then 'released' when i % 17 = 0 then 'transferred' when i % 20 = 1 then 'moved' else 'ended' end, i % 50 = 0,
      ${w}, ${fr}, ${h}
    from generate_series(1, ${n}) as i where i % 20 <> 0`.execute(db);
  await sql`insert into invites (id, chat_id, leg_id, kind, mode, inviter_id, invitee_id, status, attempt, created_at, expires_at, responded_at)
    select 'b' || i || '~i', 'b' || i, 'e' || i, case when i % 15 = 0 then 'transfer' else 'invite' end, 'participant', 'a' || (i % 200), 'a' || ((i + 1) % 200),
      (array['accepted', 'rejected', 'expired', 'cancelled'])[1 + i % 4], 1, ${t} + ${wait} + interval '60 seconds', ${t} + ${wait} + interval '180 seconds', ${t} + ${wait} + interval '90 seconds'
    from generate_series(1, ${n}) as i where i % 5 = 0`.execute(db);
  await sql`insert into chat_events (chat_id, id, at, event, by_agent, leg_id)
    select 'b' || i, 'h' || i, ${t} + ${wait} + interval '30 seconds', 'help.asked', 'a' || (i % 200), 'e' || i
    from generate_series(1, ${n}) as i where i % 20 = 3`.execute(db);
  // The entries, a slice of chats at a time (one statement of a million rows is heavy on PGlite's memory).
  const slice = 10_000;
  for (let from = 1; from <= n; from += slice) {
    await sql`insert into entries (chat_id, ms, seq, at, kind, visibility, author, agent_id, text, body)
      select 'b' || i, (extract(epoch from ${t}) * 1000)::bigint + j, 0, ${t} + j * interval '1 second', 'message', 'public',
        case when j % 2 = 0 then 'user' else 'agent' end, case when j % 2 = 1 then 'a' || (i % 200) end, 'message ' || j,
        jsonb_build_object('kind', 'message', 'ts', (extract(epoch from ${t}) * 1000)::bigint + j, 'visibility', 'public', 'author', case when j % 2 = 0 then 'user' else 'agent' end, 'text', 'message ' || j)
      from generate_series(${from}::int, ${Math.min(n, from + slice - 1)}::int) as i, generate_series(1, ${o.entriesPerChat}) as j`.execute(
      db,
    );
  }
  await sql`analyze`.execute(db);
}

export interface ReportRow {
  backend: Backend;
  what: string;
  p50: number;
  p99: number;
  rows: number;
}

async function timed(runs: number, work: () => Promise<number>): Promise<{ p50: number; p99: number; rows: number }> {
  await work(); // warm (plans, caches)
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    rows = await work();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), rows };
}

async function reportPhase(o: RecordOptions, backend: Backend, log: (line: string) => void): Promise<ReportRow[]> {
  const d = await freshDatabase(backend, o);
  const db = backend === 'PGlite' ? await pgliteDb(join(d.dir!, 'pglite')) : postgresDb(d.url!, () => undefined);
  try {
    const record = new KyselyRecord(db, backend === 'PGlite' ? 'pglite' : 'postgres');
    await record.ready();
    const t0 = performance.now();
    await seed(db, o.reports);
    const [counts] = (
      await sql<{
        chats: number;
        entries: number;
      }>`select (select count(*) from chats)::int as chats, (select count(*) from entries)::int as entries`.execute(db)
    ).rows;
    log(
      `  ${backend}: ${counts!.chats} chats, ${counts!.entries} entries seeded in ${fmt((performance.now() - t0) / 1000)} s`,
    );
    const period = { from: Date.now() - o.reports.periodDays * 86_400_000, to: Date.now() };
    const from = new Date(period.from);
    const to = new Date(period.to);
    return [
      {
        backend,
        what: `queues, ${o.reports.periodDays} days`,
        ...(await timed(o.reports.runs, async () => (await record.queueReport(period)).length)),
      },
      {
        backend,
        what: `agents, ${o.reports.periodDays} days`,
        ...(await timed(o.reports.runs, async () => (await record.agentReport(period)).length)),
      },
      {
        backend,
        what: `queues, all ${o.reports.days} days`,
        ...(await timed(
          o.reports.runs,
          async () =>
            (
              await record.queueReport({ from: period.to - o.reports.days * 86_400_000, to: period.to })
            ).length,
        )),
      },
      // The baseline: one count of the period's legs, the least any report of them reads.
      {
        backend,
        what: "baseline: count the period's legs",
        ...(await timed(
          o.reports.runs,
          async () =>
            (
              await sql<{
                n: number;
              }>`select count(*)::int as n from legs where started_at >= ${from} and started_at < ${to}`.execute(db)
            ).rows.length,
        )),
      },
    ];
  } finally {
    await db.destroy();
    await d.drop();
  }
}

// ---- the bench ----

export interface RecordReport {
  options: RecordOptions;
  relay: Row[];
  rounds: Array<{ label: string; p50: number[]; p99: number[] }>;
  loads: number[];
  lag: LagRow[];
  reports: ReportRow[];
}

export async function runRecord(o: RecordOptions, log: (line: string) => void): Promise<RecordReport> {
  const dbs = await Promise.all(backends(o).map(async (b) => ({ backend: b, db: await freshDatabase(b, o) })));
  let relay: Awaited<ReturnType<typeof relayRounds>>;
  try {
    relay = await relayRounds(
      o,
      [
        { label: 'archive off', target: undefined },
        ...dbs.map((d) => ({ label: `archive on, ${d.backend}`, target: d.db.target })),
      ],
      log,
    );
  } finally {
    await Promise.all(dbs.map((d) => d.db.drop()));
  }
  const reports: ReportRow[] = [];
  for (const backend of backends(o)) reports.push(...(await reportPhase(o, backend, log)));
  return {
    options: o,
    relay: relay.rows,
    lag: relay.lag,
    reports,
    loads: relay.loads,
    rounds: relay.rounds.map((m) => ({
      label: m.label,
      p50: m.rounds.map((x) => x.p50),
      p99: m.rounds.map((x) => x.p99),
    })),
  };
}

export function formatRecord(r: RecordReport): string {
  const o = r.options;
  const [off] = r.relay;
  const within = (row: Row) =>
    off
      ? `p50 ${fmt(row.p50 / off.p50, 2)}x ${verdict(row.p50 <= 1.1 * off.p50)}, p99 ${fmt(row.p99 / off.p99, 2)}x ${verdict(row.p99 <= 1.1 * off.p99)}`
      : '';
  const lines = [
    `(9) The record — relay at ${o.relay.rate} msg/s for ${o.relay.seconds} s over ${o.relay.chats} chats in ${o.relay.channels} channels, with the archive off and on, ${o.rounds} round(s) in turns (the median round shown)${o.databaseUrl ? '' : ' (no BENCH_DATABASE_URL: PostgreSQL left out)'}`,
    formatRows(r.relay),
    `  load average (1 min) at each round's start: ${r.loads.map((l) => fmt(l, 2)).join(' / ')}`,
    ...r.rounds.map(
      (x) =>
        `  rounds (${x.label}): p50 ${x.p50.map((v) => fmt(v, 1)).join(' / ')} ms, p99 ${x.p99.map((v) => fmt(v, 1)).join(' / ')} ms`,
    ),
    ...r.relay
      .slice(1)
      .map((row) => `  target: ${row.system} within 10% of archive off (median rounds): ${within(row)}`),
    ...r.rounds.slice(1).map((x) => {
      const best = (v: number[]) => Math.min(...v);
      const off = r.rounds[0]!;
      return `  best rounds: ${x.label} p50 ${fmt(best(x.p50) / best(off.p50), 2)}x ${verdict(best(x.p50) <= 1.1 * best(off.p50))}, p99 ${fmt(best(x.p99) / best(off.p99), 2)}x ${verdict(best(x.p99) <= 1.1 * best(off.p99))} of archive off's`;
    }),
    '',
    '  archive lag (commit in Redis to row in the database, from switchboard_archive_lag_seconds, interpolated in its buckets):',
    table([
      ['backend', 'entries', 'p50 s', 'p99 s', '≤ 5 s', 'caught up after the load (ms)', 'target p99 ≤ 5 s'],
      ...r.lag.map((l) => [
        l.label,
        String(l.entries),
        fmt(l.p50, 2),
        fmt(l.p99, 2),
        `${fmt(100 * l.within5s, 1)}%`,
        fmt(l.caughtUpMs, 0),
        verdict(l.p99 <= 5),
      ]),
    ]),
    '',
    `  reports over ${o.reports.chats.toLocaleString('en')} chats and ${(o.reports.chats * o.reports.entriesPerChat).toLocaleString('en')} entries (${o.reports.runs} runs each, in process):`,
    table([
      ['backend', 'report', 'rows', 'p50 ms', 'p99 ms', 'target p99 ≤ 500 ms'],
      ...r.reports.map((x) => [
        x.backend,
        x.what,
        String(x.rows),
        fmt(x.p50, 1),
        fmt(x.p99, 1),
        x.what.startsWith('baseline') ? '' : verdict(x.p99 <= 500),
      ]),
    ]),
  ];
  return lines.join('\n');
}
