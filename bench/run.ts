/**
 * `npm run bench [-- --only <name>] [-- --quick]`: each bench runs the service and a bare
 * baseline side by side and prints both with the targets. Nothing here asserts speed.
 * BENCH_TOP=n lists n commands in the Redis split (default 8); BENCH_CPU_PROF=<dir> writes
 * the service's CPU profiles there.
 */
import { cpus, loadavg } from 'node:os';
import { type ExpiryOptions, formatExpiry, runExpiry } from './expiry.js';
import { formatHome, homeOptions, runHome } from './home.js';
import { formatRecord, recordOptions, runRecord } from './record.js';
import { formatRelay, relayOptions, runRelay } from './relay.js';
import { formatSaturated, runSaturated, saturatedOptions } from './saturated.js';
import { formatScale, runScale, scaleOptions } from './scale.js';
import { formatTakeover, runTakeover, takeoverOptions } from './takeover.js';
import { sleep } from './util.js';

const NAMES = [
  'relay',
  'throughput',
  'saturated',
  'ambiguous',
  'expiry',
  'home',
  'scale',
  'takeover',
  'record',
] as const;
type Name = (typeof NAMES)[number];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
if (only !== undefined && !(NAMES as readonly string[]).includes(only)) {
  console.error(`usage: npm run bench -- [--only ${NAMES.join('|')}] [--quick]`);
  process.exit(2);
}

const expiry: ExpiryOptions = quick
  ? { invites: 500, sessions: 10, ttlSeconds: 2, graceMs: 10_000 }
  : { invites: 5000, sessions: 100, ttlSeconds: 2, graceMs: 10_000 };

const log = (line: string) => process.stderr.write(`${line}\n`);
const benches: Record<Name, () => Promise<string>> = {
  relay: async () => formatRelay(await runRelay(relayOptions('relay', quick), log)),
  throughput: async () => formatRelay(await runRelay(relayOptions('throughput', quick), log)),
  saturated: async () => formatSaturated(await runSaturated(saturatedOptions(quick), log)),
  ambiguous: async () => formatRelay(await runRelay(relayOptions('ambiguous', quick), log)),
  expiry: async () => formatExpiry(await runExpiry(expiry, log), expiry),
  takeover: async () => formatTakeover(await runTakeover(takeoverOptions(quick), log), takeoverOptions(quick)),
  home: async () => formatHome(await runHome(homeOptions(quick), log), homeOptions(quick)),
  scale: async () => formatScale(await runScale(scaleOptions(quick), log), scaleOptions(quick)),
  record: async () => formatRecord(await runRecord(recordOptions(quick), log)),
};

// Anything else running on the machine shows in the figures: its load is printed with them.
const load = () => `load average (1 min) ${loadavg()[0]!.toFixed(2)} on ${cpus().length} CPUs`;
const out: string[] = [
  `Switchboard bench${quick ? ' (quick)' : ''} — node ${process.version}, ${new Date().toISOString()}, ${load()} at the start`,
  "p50/p99/max: from the POST leaving the client to the line reaching the sink; 202 p50: to the system's answer. sent/s, delivered/s: lines ÷ first to last.",
  "redis cmd/msg: every command the service ran on its private Redis in the phase (inside scripts too) ÷ lines delivered; cpu ms/msg: the processes' user+system CPU",
  "÷ lines delivered; redis cpu ms/msg: the private Redis's CPU ÷ lines delivered; loop max: the longest event-loop stall. posts, 429, 5xx: what the sink was sent and answered. dup/reord: counted at the sink per chat by seq.",
  '',
];
for (const name of NAMES) {
  if (only !== undefined && only !== name) continue;
  log(`${name}…`);
  out.push(await benches[name](), '');
  // Let one bench's aftermath settle (processes exiting, GC) before the next.
  if (only === undefined) await sleep(1_000);
}
out.push(`${load()} at the end`);
console.log(out.join('\n'));
process.exit(0);
