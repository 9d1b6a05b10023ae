/**
 * Horizontal scale: the same open-loop load on 1, 2 and 3 instances (ROLE=all) sharing one
 * Redis, and on a ROLE=web instance with a ROLE=worker one. Each chat's messages go to one
 * instance, as a load balancer spreads them. The bare forwarder runs once beside them.
 * The figures that decide where it saturates are per message: the instances' CPU (they
 * add cores) and the Redis CPU (one core per Redis; a cluster adds one per shard).
 */
import { fixedRate, formatRows, measure, openLoop, Rig, type Role, type Row } from './harness.js';
import { fmt, sleep } from './util.js';

export interface ScaleOptions {
  chats: number;
  channels: number;
  rate: number;
  seconds: number;
  warmupSeconds: number;
  maxInFlight: number;
  drainMs: number;
  layouts: Role[][];
}

export const scaleOptions = (quick: boolean): ScaleOptions => ({
  chats: quick ? 400 : 2000,
  channels: quick ? 400 : 2000,
  rate: quick ? 1000 : 5000,
  seconds: quick ? 2 : 10,
  warmupSeconds: quick ? 0.5 : 2,
  maxInFlight: 512,
  drainMs: quick ? 10_000 : 30_000,
  layouts: [['all'], ['all', 'all'], ['all', 'all', 'all'], ['web', 'worker']],
});

const layoutName = (roles: Role[]): string =>
  roles.every((r) => r === 'all')
    ? `${roles.length} instance${roles.length > 1 ? 's' : ''}`
    : roles.map((r) => `ROLE=${r}`).join(' + ');

export async function runScale(o: ScaleOptions, log: (line: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  const bare: Row[] = [];
  for (const [i, roles] of o.layouts.entries()) {
    const rig = await Rig.start({ chats: o.chats, channels: o.channels, roles }, log);
    try {
      const systems = i === 0 ? (['switchboard', 'baseline'] as const) : (['switchboard'] as const);
      for (const system of systems) {
        await measure(
          rig,
          system,
          'warm-up',
          (run) => openLoop(run, fixedRate(rig.sessions, o.rate, o.warmupSeconds), o.maxInFlight),
          o,
        );
        await sleep(500);
        const label = system === 'baseline' ? 'bare forwarder' : layoutName(roles);
        (system === 'baseline' ? bare : rows).push(
          await measure(
            rig,
            system,
            label,
            (run) => openLoop(run, fixedRate(rig.sessions, o.rate, o.seconds), o.maxInFlight),
            o,
          ),
        );
        log(`  scale: ${label} done`);
      }
    } finally {
      await rig.close();
    }
  }
  return [...rows, ...bare];
}

/**
 * Where it saturates, from the per-message figures: a Redis is one core, so it tops out at
 * 1000 / (its CPU ms per message) msg/s; a 3-shard cluster at about three times that, as a
 * chat's keys and its destination's keys each sit in one slot and spread over the shards.
 * The instances need (rate × their CPU ms per message / 1000) cores.
 */
function arithmetic(rows: Row[]): string[] {
  const one = rows.find((r) => r.system === '1 instance');
  if (!one || !Number.isFinite(one.redisCpuMs) || one.redisCpuMs <= 0) return [];
  const redisMax = 1000 / one.redisCpuMs;
  const cores = (rate: number) => (rate * one.cpuMs) / 1000;
  return [
    `  one Redis: ${fmt(one.redisCpuMs, 3)} ms of Redis CPU per message → 1000 / ${fmt(one.redisCpuMs, 3)} ≈ ${fmt(redisMax, 0)} msg/s on its one core,` +
      ` which takes ${fmt(cores(redisMax), 1)} cores of instances at ${fmt(one.cpuMs, 3)} ms each`,
    `  3-shard cluster: ≈ 3 × ${fmt(redisMax, 0)} ≈ ${fmt(3 * redisMax, 0)} msg/s (no command spans slots; a chat's and a destination's keys each hash to one),` +
      ` with ${fmt(cores(3 * redisMax), 1)} cores of instances`,
  ];
}

export function formatScale(rows: Row[], o: ScaleOptions): string {
  return [
    `(7) Horizontal scale — ${o.rate} msg/s offered for ${o.seconds} s over ${o.chats} chats in ${o.channels} channels, one Redis, 1–3 instances and web + worker (all on this machine's cores)`,
    formatRows(rows),
    ...arithmetic(rows),
  ].join('\n');
}
