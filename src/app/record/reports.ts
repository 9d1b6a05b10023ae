import { type Agent, isAgent, isSupervisorOf } from '../../domain/directory.js';
import { wallClock, wallToInstant } from '../../domain/hours.js';
import { maySeeReport } from '../../domain/policy.js';
import type { AppContext } from '../context.js';
import { Refused } from '../errors.js';
import { ask } from './ask.js';
import type { AgentRow, Period, QueueRow, ReportNumbers } from './port.js';

/**
 * Reports over the record (README "Reports"): per queue and per agent, for a period given
 * as dates (midnight in `tz`) or instants. Every queue and agent of the directory has a row,
 * zeros included; ids the record holds that the directory no longer lists keep theirs.
 */

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The longest period one report covers. */
const MAX_DAYS = 400;

export interface PeriodInput {
  from?: string | undefined;
  to?: string | undefined;
  tz?: string | undefined;
}

const midnight = (tz: string, y: number, m: number, d: number): number => wallToInstant(tz, Date.UTC(y, m - 1, d));

/** A date is midnight in `tz` (for `to`: the midnight after it, so the day counts whole); an instant is itself. */
function instant(value: string, tz: string, end: boolean): number {
  const date = DATE.exec(value);
  if (date) {
    const [, y, m, d] = date.map(Number) as [number, number, number, number];
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d)
      throw badPeriod(`${value} is not a date`);
    return midnight(tz, y, m, d + (end ? 1 : 0));
  }
  const t = Date.parse(value);
  if (Number.isNaN(t) || !/T/.test(value))
    throw badPeriod(`${value} is neither a date (YYYY-MM-DD) nor an ISO 8601 instant`);
  return t;
}

const badPeriod = (detail: string): Refused =>
  new Refused('invalid_request', Refused.of('bad_period', { detail }).text, 400);

/** Midnight today in `tz`, as an instant. */
export function startOfDay(tz: string, now: number): number {
  const w = wallClock(tz, now);
  return wallToInstant(tz, w - (w % DAY_MS));
}

/** The period a report asks for: `from` (default: today's midnight in `tz`) up to `to` (default: now). */
export function parsePeriod(q: PeriodInput, now: number): Period & { tz: string } {
  const tz = q.tz ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw badPeriod(`${tz} is not an IANA time zone`);
  }
  const from = q.from ? instant(q.from, tz, false) : startOfDay(tz, now);
  const to = q.to ? instant(q.to, tz, true) : now;
  if (to <= from) throw badPeriod('to must come after from');
  if (to - from > MAX_DAYS * DAY_MS) throw badPeriod(`at most ${MAX_DAYS} days at once`);
  return { from, to, tz };
}

/** Rows for every id (zeros where the record has none), in id order. */
function withZeros<R extends ReportNumbers>(
  found: R[],
  idOf: (r: R) => string,
  ids: string[],
  make: (id: string) => R,
): R[] {
  const byId = new Map(found.map((r) => [idOf(r), r]));
  for (const id of ids) if (!byId.has(id)) byId.set(id, make(id));
  return [...byId.values()].sort((a, b) => idOf(a).localeCompare(idOf(b)));
}

export const zeros = (): ReportNumbers => ({
  offered: 0,
  answered: 0,
  unanswered: 0,
  abandoned: 0,
  transferred: 0,
  released: 0,
  waitSeconds: { p50: null, p90: null },
  firstResponseSeconds: { p50: null, p90: null },
  handleSeconds: { p50: null, p90: null },
  invites: { sent: 0, accepted: 0, rejected: 0, expired: 0 },
  helpRequests: 0,
  responseBreaches: 0,
  rating: { average: null, count: 0 },
});

export async function queueRows(ctx: AppContext, period: Period): Promise<QueueRow[]> {
  const found = await ask(() => ctx.record.queueReport(period));
  return withZeros(
    found,
    (r) => r.queue,
    ctx.directory.get().queues.map((q) => q.id),
    (queue) => ({ queue, ...zeros() }),
  );
}

export async function agentRows(ctx: AppContext, period: Period): Promise<AgentRow[]> {
  const found = await ask(() => ctx.record.agentReport(period));
  return withZeros(
    found,
    (r) => r.agent,
    ctx.directory
      .get()
      .agents.filter(isAgent)
      .map((a) => a.id),
    (agent) => ({ agent, ...zeros() }),
  );
}

/** The report's columns, in order, as CSV headers and values. */
const COLUMNS: Array<[string, (r: ReportNumbers) => number | null]> = [
  ['offered', (r) => r.offered],
  ['answered', (r) => r.answered],
  ['unanswered', (r) => r.unanswered],
  ['abandoned', (r) => r.abandoned],
  ['transferred', (r) => r.transferred],
  ['released', (r) => r.released],
  ['wait_p50_s', (r) => r.waitSeconds.p50],
  ['wait_p90_s', (r) => r.waitSeconds.p90],
  ['first_response_p50_s', (r) => r.firstResponseSeconds.p50],
  ['first_response_p90_s', (r) => r.firstResponseSeconds.p90],
  ['handle_p50_s', (r) => r.handleSeconds.p50],
  ['handle_p90_s', (r) => r.handleSeconds.p90],
  ['invites_sent', (r) => r.invites.sent],
  ['invites_accepted', (r) => r.invites.accepted],
  ['invites_rejected', (r) => r.invites.rejected],
  ['invites_expired', (r) => r.invites.expired],
  ['help_requests', (r) => r.helpRequests],
  ['response_breaches', (r) => r.responseBreaches],
  ['rating_average', (r) => r.rating.average],
  ['rating_count', (r) => r.rating.count],
];

/** A CSV field (RFC 4180), never read as a formula by a spreadsheet. */
const field = (v: string): string => {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The same numbers as CSV: a header, then one line per row; an empty cell where there is no figure. */
export function reportCsv(key: 'queue' | 'agent', rows: Array<QueueRow | AgentRow>): string {
  const lines = [[key, ...COLUMNS.map(([name]) => name)].join(',')];
  for (const r of rows)
    lines.push([field('queue' in r ? r.queue : r.agent), ...COLUMNS.map(([, get]) => String(get(r) ?? ''))].join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Today's numbers for the queues a supervisor watches, each queue's day in its own time zone (UTC without hours). */
export interface TodayRow {
  queue: string;
  name: string;
  tz: string;
  numbers: ReportNumbers;
}

const cache = new Map<string, { at: number; rows: QueueRow[] }>();
/** How long a day's numbers are reused by homes (drawn often, by every supervisor; the numbers move slowly). */
const CACHE_MS = 10_000;

/** Today in a supervisor's queues; refused for anyone else. `fresh`: read now (the report card), not from the homes' cache. */
export async function todayFor(ctx: AppContext, agent: Agent, o: { fresh?: boolean } = {}): Promise<TodayRow[]> {
  const v = maySeeReport(agent);
  if (!v.ok) throw Refused.from(v);
  const now = ctx.now();
  const queues = ctx.directory.get().queues.filter((q) => isSupervisorOf(agent, q.id));
  const zones = new Map<string, typeof queues>();
  for (const q of queues) {
    const tz = q.hours?.timezone ?? 'UTC';
    zones.set(tz, [...(zones.get(tz) ?? []), q]);
  }
  const out: TodayRow[] = [];
  for (const [tz, qs] of zones) {
    const from = startOfDay(tz, now);
    // One reading per zone and day for every supervisor of this process, briefly.
    const key = `${ctx.record.backend}:${tz}:${from}`;
    let hit = cache.get(key);
    if (!hit || o.fresh || now - hit.at > CACHE_MS) {
      hit = { at: now, rows: await ask(() => ctx.record.queueReport({ from, to: now + 1 })) };
      cache.set(key, hit);
      for (const [k, c] of cache) if (now - c.at > CACHE_MS) cache.delete(k);
    }
    for (const q of qs)
      out.push({ queue: q.id, name: q.name, tz, numbers: hit.rows.find((r) => r.queue === q.id) ?? zeros() });
  }
  return out;
}
