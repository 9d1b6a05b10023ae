/**
 * Invite expiry bench: thousands of pending invites with a short TTL, and the moment each
 * one actually turns `expired` in the store. The baseline is a bare setTimeout per invite
 * at the same deadline in the same process: the floor for timer lateness here.
 */
import { pino } from 'pino';
import { invite } from '../src/app/invites.js';
import { accept, createSession } from '../src/app/sessions.js';
import { loadEnv, parseDirectory } from '../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../src/main/platforms.js';
import { buildService } from '../src/main/service.js';
import { NoopPlatform } from './httpPlatform.js';
import { benchPrefix, cleanup, fmt, percentile, pool, REDIS_URL, sleep, table } from './util.js';

export interface ExpiryOptions {
  invites: number;
  sessions: number;
  ttlSeconds: number;
  graceMs: number;
}

export interface ExpiryResult {
  system: string;
  count: number;
  observed: number;
  p50: number;
  p99: number;
  max: number;
  missed: number;
}

/** A directory big enough that eligibility never gets in the way: one owner per session, the invitees in the same queue. */
function benchDirectory(o: ExpiryOptions) {
  const agent = (id: string) => ({
    id,
    firstName: id,
    lastName: 'Bench',
    email: `${id}@bench.example.com`,
    permissions: ['ESChat_Agent'],
    queues: ['q'],
  });
  const agents = [
    ...Array.from({ length: o.sessions }, (_, i) => agent(`o${i}`)),
    ...Array.from({ length: o.invites }, (_, i) => agent(`a${i}`)),
  ];
  return parseDirectory(JSON.stringify({ queues: [{ id: 'q', name: 'Q' }], agents }), 'bench.json', DIRECTORY_SECTIONS);
}

function stats(
  system: string,
  deadlines: Map<string, number>,
  fired: Map<string, number>,
  graceMs: number,
): ExpiryResult {
  const late: number[] = [];
  let missed = 0;
  for (const [id, at] of deadlines) {
    const t = fired.get(id);
    if (t === undefined || t - at > graceMs) missed++;
    else late.push(t - at);
  }
  late.sort((a, b) => a - b);
  return {
    system,
    count: deadlines.size,
    observed: late.length,
    p50: percentile(late, 50),
    p99: percentile(late, 99),
    max: late.at(-1) ?? NaN,
    missed,
  };
}

export async function runExpiry(o: ExpiryOptions, log: (line: string) => void): Promise<ExpiryResult[]> {
  const prefix = benchPrefix();
  const env = loadEnv({
    REDIS_URL,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    ROLE: 'all',
    INVITE_TTL_SECONDS: String(o.ttlSeconds),
    PORT: '0',
    HOST: '127.0.0.1',
  });
  const service = await buildService({
    env,
    directory: benchDirectory(o),
    logger: pino({ level: 'silent' }),
    platforms: [() => ({ platform: new NoopPlatform() })],
    record: false,
  });
  const { ctx } = service;
  const expiredAt = new Map<string, number>();
  const timerAt = new Map<string, number>();
  const deadlines = new Map<string, number>();
  try {
    // The moment of expiry is when the atomic pending → expired transition returns.
    const invites = ctx.store.invites;
    const settle = invites.settle.bind(invites);
    invites.settle = async (sid, inviteId, to, now, member, w) => {
      const r = await settle(sid, inviteId, to, now, member, w);
      if (r.ok && to === 'expired') expiredAt.set(inviteId, Date.now());
      return r;
    };

    const owners: string[] = [];
    for (let i = 0; i < o.sessions; i++) {
      const { session } = await createSession(ctx, { queueId: 'q', user: { name: `User ${i}` } });
      await accept(ctx, session.id, ctx.directory.get().agent(`o${i}`));
      owners.push(session.id);
    }
    // Each (session, invitee) pair is unique: invitee a<i> goes to session i mod sessions.
    const started = Date.now();
    await pool(
      Array.from({ length: o.invites }, (_, i) => i),
      64,
      async (i) => {
        const s = i % o.sessions;
        const inv = await invite(ctx, {
          sessionId: owners[s]!,
          inviterId: `o${s}`,
          inviteeId: `a${i}`,
          mode: i % 2 ? 'monitor' : 'participant',
        });
        deadlines.set(inv.id, inv.expiresAt);
        setTimeout(() => timerAt.set(inv.id, Date.now()), inv.expiresAt - Date.now());
      },
    );
    log(`  ${deadlines.size} invites created in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const until = [...deadlines.values()].reduce((a, b) => Math.max(a, b), 0) + o.graceMs;
    while (Date.now() < until && (expiredAt.size < deadlines.size || timerAt.size < deadlines.size)) await sleep(50);
    return [
      stats('switchboard (BullMQ)', deadlines, expiredAt, o.graceMs),
      stats('baseline (setTimeout)', deadlines, timerAt, o.graceMs),
    ];
  } finally {
    await service.stop();
    await cleanup(prefix);
  }
}

export function formatExpiry(rs: ExpiryResult[], o: ExpiryOptions): string {
  const [sb] = rs as [ExpiryResult];
  return [
    `(5) Invite expiry — ${o.invites} invites over ${o.sessions} sessions, TTL ${o.ttlSeconds} s, lateness = observed − expiresAt`,
    table([
      ['system', 'invites', 'expired', 'p50 ms', 'p99 ms', 'max ms', `missed (> TTL+${o.graceMs / 1000} s)`],
      ...rs.map((r) => [
        r.system,
        String(r.count),
        String(r.observed),
        fmt(r.p50, 0),
        fmt(r.p99, 0),
        fmt(r.max, 0),
        String(r.missed),
      ]),
    ]),
    `  targets: p99 ≤ 250 ms: ${fmt(sb.p99, 0)} ${sb.p99 <= 250 ? 'ok' : 'MISS'} | none missed: ${sb.missed} ${sb.missed === 0 ? 'ok' : 'MISS'}`,
  ].join('\n');
}
