/**
 * App Home at scale: what one home publish costs a supervisor as the open chats grow from
 * 100 to 10,000, with the supervisor's own part of it (their chats, invites, and the chats
 * of the queue they watch) the same at every size. The service reads the lists; the
 * baseline builds the same home by reading every open chat, as the home did before.
 * The home is rendered to Block Kit as the Slack client would send it to views.publish.
 */
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { home } from '../adapters/slack/render/blockKit.js';
import type { AppContext } from '../src/app/context.js';
import { invite } from '../src/app/invites.js';
import type { MessageRef, PlatformPort, Posted, Reach } from '../src/app/ports.js';
import { accept, createSession } from '../src/app/sessions.js';
import { homeSurface } from '../src/app/surfaces/home.js';
import { type HomeView, homeView, type SessionView, sessionView } from '../src/app/views.js';
import { type Agent, isSupervisorOf } from '../src/domain/directory.js';
import { loadEnv, parseDirectory } from '../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../src/main/platforms.js';
import { buildService } from '../src/main/service.js';
import { startRedis } from './redisServer.js';
import { fmt, percentile, pool, sleep, table, verdict } from './util.js';

export interface HomeOptions {
  sizes: number[];
  queues: number;
  agents: number;
  publishes: number;
}

export const homeOptions = (quick: boolean): HomeOptions =>
  quick
    ? { sizes: [100, 1000], queues: 20, agents: 50, publishes: 20 }
    : { sizes: [100, 1000, 10_000], queues: 50, agents: 200, publishes: 50 };

export interface HomeRow {
  system: string;
  open: number;
  p50: number;
  p99: number;
  cpuMs: number;
  commands: number;
  blocks: number;
  bytes: number;
}

/** Takes every post at once and renders each home as views.publish would carry it. */
class HomePlatform implements PlatformPort {
  readonly id = 'home-bench';
  readonly threads = true;
  last = { blocks: 0, bytes: 0 };
  private seq = 0;
  reaches(): Reach {
    return 'yes';
  }
  channels(q: { id: string }): string[] {
    return [`home:${q.id}`];
  }
  direct(a: Agent): string {
    return `home:@${a.id}`;
  }
  pace(): { perSecond: number; burst: number } {
    return { perSecond: 1e6, burst: 1e6 };
  }
  async postTop(dest: string): Promise<Posted> {
    return { ref: { id: String(++this.seq), to: dest }, place: dest };
  }
  async postUnder(root: MessageRef): Promise<MessageRef> {
    return { ...root, id: String(++this.seq) };
  }
  async update(): Promise<void> {}
  async remove(): Promise<void> {}
  async publishHome(_agent: Agent, s: Parameters<PlatformPort['publishHome']>[1]): Promise<void> {
    const view = home(s);
    this.last = { blocks: view.blocks.length, bytes: JSON.stringify(view).length };
  }
}

function benchDirectory(o: HomeOptions) {
  const queues = Array.from({ length: o.queues }, (_, i) => ({ id: `q${i}`, name: `Queue ${i}` }));
  const agent = (id: string, extra: object = {}) => ({
    id,
    firstName: id,
    lastName: 'Bench',
    email: `${id}@bench.example.com`,
    permissions: ['ESChat_Agent'],
    maxChats: 50,
    ...extra,
  });
  const agents = [
    agent('sup', { roles: ['agent', 'supervisor'], queues: ['q0'] }),
    ...Array.from({ length: o.agents }, (_, i) => agent(`a${i}`, { queues: queues.map((q) => q.id) })),
  ];
  return parseDirectory(JSON.stringify({ queues, agents }), 'bench.json', DIRECTORY_SECTIONS);
}

/**
 * The home as it was built before the lists: every open chat read and sorted into the
 * agent's parts. Same surface, same renderer; only the reading differs.
 */
async function scannedHome(ctx: AppContext, agent: Agent, queues: string[]): Promise<HomeView> {
  const ids = (
    await Promise.all(queues.flatMap((q) => [ctx.store.lists.read('waiting', q), ctx.store.lists.read('active', q)]))
  ).flat();
  const views = (await Promise.all(ids.map((id) => sessionView(ctx, id).catch(() => undefined)))).filter(
    (v): v is SessionView => v !== undefined,
  );
  const mine = (v: SessionView) => v.members.some((m) => m.agentId === agent.id);
  const watched = (v: SessionView) => isSupervisorOf(agent, v.session.queueId);
  const listed = await homeView(ctx, agent); // invites and availability: small either way
  return {
    ...listed,
    chats: views.filter(mine),
    monitoring: views.filter((v) => v.session.status === 'active' && watched(v)),
    waiting: views
      .filter((v) => v.session.status === 'waiting' && watched(v))
      .sort((a, b) => a.session.createdAt - b.session.createdAt),
  };
}

export async function runHome(o: HomeOptions, log: (line: string) => void): Promise<HomeRow[]> {
  const redis = await startRedis();
  const platform = new HomePlatform();
  const env = loadEnv({
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'bench',
    LOG_LEVEL: 'silent',
    ROLE: 'all',
    INVITE_TTL_SECONDS: '86400',
    PORT: '0',
    HOST: '127.0.0.1',
    SESSION_CREATE_LIMIT: '0',
    SESSION_CREATE_QUEUE_LIMIT: '0',
  });
  const service = await buildService({
    env,
    directory: benchDirectory(o),
    logger: pino({ level: 'silent' }),
    platforms: [() => ({ platform })],
    record: false,
  });
  const { ctx } = service;
  const dir = ctx.directory.get();
  const sup = dir.agent('sup')!;
  const queues = Array.from({ length: o.queues }, (_, i) => `q${i}`);
  const rows: HomeRow[] = [];
  try {
    // The supervisor's part, the same at every size: 4 chats of their own, 4 of a colleague's
    // in the queue they watch (2 of those with an invite for them), 2 still waiting there.
    for (let i = 0; i < 10; i++) {
      const { session } = await createSession(ctx, { queueId: 'q0', user: { name: `Watched ${i}` } });
      if (i < 4) await accept(ctx, session.id, sup);
      else if (i < 8) {
        await accept(ctx, session.id, dir.agent('a0'));
        if (i < 6) await invite(ctx, { sessionId: session.id, inviterId: 'a0', inviteeId: 'sup', mode: 'participant' });
      }
    }
    let open = 10;
    for (const size of o.sizes) {
      // The rest: other queues' chats, half of them taken by an agent, none of them the supervisor's.
      const more = Array.from({ length: size - open }, (_, k) => open + k);
      const started = performance.now();
      await pool(more, 32, async (n) => {
        const { session } = await createSession(ctx, {
          queueId: queues[1 + (n % (o.queues - 1))]!,
          user: { name: `User ${n}` },
        });
        if (n % 2 === 0) await accept(ctx, session.id, dir.agent(`a${Math.floor(n / 2) % o.agents}`));
      });
      open = size;
      log(`  home: ${size} open chats (${more.length} added in ${fmt((performance.now() - started) / 1000)} s)`);
      await sleep(2_000); // the roots' and cards' deliveries finish
      for (const [system, build] of [
        ['switchboard (lists)', () => homeView(ctx, sup)],
        ['baseline (scan every open chat)', () => scannedHome(ctx, sup, queues)],
      ] as const) {
        for (let i = 0; i < 20; i++) await platform.publishHome(sup, homeSurface(await build())); // warm up
        // The service's own background (timers, leases) is counted over the same time idle, and taken off.
        await redis.resetStats();
        const idleFrom = performance.now();
        await sleep(300);
        const idle = (await redis.stats()).total / (performance.now() - idleFrom);
        const times: number[] = [];
        await redis.resetStats();
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < o.publishes; i++) {
          const t = performance.now();
          await platform.publishHome(sup, homeSurface(await build()));
          times.push(performance.now() - t);
        }
        const wall = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        const stats = await redis.stats();
        times.sort((a, b) => a - b);
        rows.push({
          system,
          open: size,
          p50: percentile(times, 50),
          p99: percentile(times, 99),
          cpuMs: (cpu.user + cpu.system) / 1000 / o.publishes,
          commands: Math.max(0, stats.total - idle * wall) / o.publishes,
          ...platform.last,
        });
      }
    }
    return rows;
  } finally {
    await service.stop();
    await redis.stop();
  }
}

export function formatHome(rows: HomeRow[], o: HomeOptions): string {
  const of = (system: string, open: number) => rows.find((r) => r.system === system && r.open === open);
  const small = of('switchboard (lists)', o.sizes[0]!);
  const big = of('switchboard (lists)', o.sizes.at(-1)!);
  const ratio = small && big ? big.cpuMs / small.cpuMs : NaN;
  return [
    `(6) App Home — one supervisor's home publish (4 own chats, 2 invites, 8 watched, 2 waiting) as the other open chats grow; ${o.publishes} publishes per row, in process, rendered to Block Kit`,
    table([
      ['system', 'open chats', 'p50 ms', 'p99 ms', 'cpu ms/publish', 'redis cmd/publish', 'blocks', 'bytes'],
      ...rows.map((r) => [
        r.system,
        String(r.open),
        fmt(r.p50, 2),
        fmt(r.p99, 2),
        fmt(r.cpuMs, 2),
        fmt(r.commands, 0),
        String(r.blocks),
        String(r.bytes),
      ]),
    ]),
    `  target: publish at ${o.sizes.at(-1)} open chats < 2x its cost at ${o.sizes[0]} (cpu): ${fmt(ratio, 2)}x ${verdict(ratio < 2)}`,
  ].join('\n');
}
