/**
 * Relay benches at a fixed rate, open loop: end users post over the real HTTP API, the
 * sink (in this process, one clock) receives each line; latency is from just before the
 * POST leaves to the line's arrival. The service and the bare forwarder take the same load.
 *
 * - relay: 200 msg/s over 1,000 chats in 250 channels;
 * - throughput: 2,000 msg/s over 2,500 chats in 2,500 channels;
 * - ambiguous: as relay, but every 10th post is stored and then answered 500: the service
 *   reads back before sending again; the forwarder sends again once, blindly.
 */
import { cpus } from 'node:os';
import { fixedRate, formatRows, measure, openLoop, Rig, type Row } from './harness.js';
import { fmt, sleep, verdict } from './util.js';

/** BENCH_PROCESSES, else one per core: the machine's instance uses the machine (WEB_CONCURRENCY). */
const benchProcesses = (): number => Number(process.env.BENCH_PROCESSES) || cpus().length;

export type RelayKind = 'relay' | 'throughput' | 'ambiguous';

export interface RelayOptions {
  kind: RelayKind;
  chats: number;
  channels: number;
  rate: number;
  seconds: number;
  warmupSeconds: number;
  maxInFlight: number;
  drainMs: number;
  storeThenFailEvery?: number;
  baselineRetries?: number;
  /** The service as this many instances (processes), as WEB_CONCURRENCY runs it; default 1. */
  processes?: number;
}

export function relayOptions(kind: RelayKind, quick: boolean): RelayOptions {
  const common = {
    maxInFlight: 512,
    drainMs: quick ? 10_000 : 30_000,
    warmupSeconds: quick ? 0.5 : 2,
    seconds: quick ? 2 : 10,
  };
  switch (kind) {
    case 'relay':
      return { kind, ...common, chats: quick ? 400 : 1000, channels: quick ? 100 : 250, rate: 200 };
    case 'throughput':
      return {
        kind,
        ...common,
        chats: quick ? 400 : 2500,
        channels: quick ? 400 : 2500,
        rate: quick ? 800 : 2000,
        processes: benchProcesses(),
      };
    case 'ambiguous':
      return {
        kind,
        ...common,
        chats: quick ? 200 : 1000,
        channels: quick ? 50 : 250,
        rate: 200,
        storeThenFailEvery: 10,
        baselineRetries: 1,
      };
  }
}

export interface RelayReport {
  options: RelayOptions;
  rows: Row[];
}

export async function runRelay(o: RelayOptions, log: (line: string) => void): Promise<RelayReport> {
  const rig = await Rig.start(
    {
      chats: o.chats,
      channels: o.channels,
      baselineRetries: o.baselineRetries ?? 0,
      roles: Array.from({ length: o.processes ?? 1 }, () => 'all' as const),
      ...(o.storeThenFailEvery ? { policy: { storeThenFailEvery: o.storeThenFailEvery } } : {}),
    },
    log,
  );
  try {
    const rows: Row[] = [];
    const systems = [
      ['switchboard', 'switchboard'],
      ['baseline', o.baselineRetries ? `forwarder, ${o.baselineRetries} blind retry` : 'bare forwarder'],
    ] as const;
    for (const [system, label] of systems) {
      // Warm up (JIT, connection pools) at the same rate, then let the tail settle.
      await measure(
        rig,
        system,
        'warm-up',
        (run) => openLoop(run, fixedRate(rig.sessions, o.rate, o.warmupSeconds), o.maxInFlight),
        o,
      );
      await sleep(500);
      rows.push(
        await measure(
          rig,
          system,
          label,
          (run) => openLoop(run, fixedRate(rig.sessions, o.rate, o.seconds), o.maxInFlight),
          o,
        ),
      );
      log(`  ${o.kind}: ${system} done`);
    }
    return { options: o, rows };
  } finally {
    await rig.close();
  }
}

const clean = (r: Row): string =>
  `lost 0: ${r.lost} ${verdict(r.lost === 0)} | duplicated 0: ${r.duplicated} ${verdict(r.duplicated === 0)} | reordered 0: ${r.reordered} ${verdict(r.reordered === 0)}`;

function targets(o: RelayOptions, [sb, base]: Row[]): string {
  if (!sb || !base) return '';
  switch (o.kind) {
    case 'relay':
      return (
        `  targets: p50 ≤ 1.5x baseline: ${fmt(sb.p50 / base.p50, 2)}x ${verdict(sb.p50 <= 1.5 * base.p50)}` +
        ` | p99 ≤ 2x baseline: ${fmt(sb.p99 / base.p99, 2)}x ${verdict(sb.p99 <= 2 * base.p99)}` +
        ` | fast-path redis cmd/msg ≤ 12: ${fmt(sb.commands, 2)} ${verdict(sb.commands <= 12)} | ${clean(sb)}`
      );
    case 'throughput':
      // Offered 2,000/s, it can deliver no faster: keeping up means every line, at the offered rate (within 1%: the window is first to last arrival).
      return `  targets: ≥ 2000 msg/s delivered (all of them, at ≥ 99% of the offered rate): ${fmt(sb.deliveredRate, 0)} ${verdict(sb.delivered === sb.sent && o.rate >= 2000 && sb.deliveredRate >= 0.99 * o.rate)} | ${clean(sb)}`;
    case 'ambiguous':
      return `  targets: ${clean(sb)}`;
  }
}

const TITLES: Record<RelayKind, string> = {
  relay: '(1) Relay',
  throughput: '(2) Throughput',
  ambiguous: '(4) Ambiguous failures (every 10th post stored, then answered 500)',
};

export function formatRelay(r: RelayReport): string {
  const o = r.options;
  const held = r.rows
    .filter((x) => x.sendRate < 0.95 * o.rate)
    .map(
      (x) =>
        `  note: ${x.system} answered too slowly for ${o.rate} msg/s: with ${o.maxInFlight} requests waiting, it was offered only ${fmt(x.sendRate, 0)}/s`,
    );
  return [
    `${TITLES[o.kind]} — ${o.rate} msg/s offered for ${o.seconds} s over ${o.chats} chats in ${o.channels} channels, open loop (≤ ${o.maxInFlight} in flight), unpaced platform${(o.processes ?? 1) > 1 ? `, the service as ${o.processes} processes` : ''}`,
    formatRows(r.rows),
    ...held,
    targets(o, r.rows),
  ].join('\n');
}
