/**
 * `npm run bench [-- --only relay|expiry] [-- --quick]`: each bench runs the project and a
 * bare baseline side by side and prints both with the targets. Nothing here asserts speed.
 */
import { formatExpiry, runExpiry, type ExpiryOptions } from './expiry.js';
import { formatRelay, runRelay, type RelayOptions } from './relay.js';
import { sleep } from './util.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
if (only !== undefined && only !== 'relay' && only !== 'expiry') {
  console.error('usage: npm run bench -- [--only relay|expiry] [--quick]');
  process.exit(2);
}

// --quick is a smoke run (~2 s per phase); the full run is what the targets are about.
const relay: RelayOptions = quick
  ? { sessions: 1000, rate: 200, seconds: 2, clients: 64, maxInFlight: 256, drainMs: 10_000, warmupSeconds: 0.5, outboxConcurrency: 64 }
  : { sessions: 1000, rate: 200, seconds: 10, clients: 64, maxInFlight: 256, drainMs: 30_000, warmupSeconds: 2, outboxConcurrency: 64 };
const expiry: ExpiryOptions = quick
  ? { invites: 500, sessions: 10, ttlSeconds: 2, graceMs: 10_000 }
  : { invites: 5000, sessions: 100, ttlSeconds: 2, graceMs: 10_000 };

const log = (line: string) => process.stderr.write(`${line}\n`);
const out: string[] = [`Switchboard bench${quick ? ' (quick)' : ''} — node ${process.version}, ${new Date().toISOString()}`, ''];

if (only !== 'expiry') {
  log('relay…');
  out.push(formatRelay(await runRelay(relay, log)), '');
}
if (only !== 'relay') {
  // Let the relay phase's aftermath settle (Redis freeing its keys, GC, sockets closing):
  // measured right after it, timer lateness was several times worse than in isolation.
  if (only === undefined) await sleep(quick ? 1_000 : 5_000);
  log('invite expiry…');
  out.push(formatExpiry(await runExpiry(expiry, log), expiry), '');
}
console.log(out.join('\n'));
process.exit(0);
