import { z } from 'zod';

/**
 * A queue's business hours: weekly opening windows in one IANA time zone. Pure: the time
 * zone rules come from Intl (the ICU data Node ships), so daylight-saving changes are the
 * time zone's own, and nothing here reads the clock.
 */
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether Intl knows the zone; offsets ("+01:00") are refused: they know no daylight saving. */
function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const OpeningWindow = z
  .object({
    days: z.array(z.enum(DAYS)).min(1),
    from: z.string().regex(HHMM, 'a time such as 08:00'),
    /** Earlier than `from`: the window runs past midnight into the next day. 24:00: to the end of the day. */
    to: z.string().regex(HHMM, 'a time such as 18:00 (24:00 for midnight)'),
  })
  .strict()
  .refine((w) => w.from !== w.to && w.from !== '24:00', {
    message: '"from" must be before "to" (or after it, for a window past midnight), and not 24:00',
    path: ['to'],
  });

export const HoursSchema = z
  .object({
    timezone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Berlin'),
    /** No windows: the queue is always closed. */
    open: z.array(OpeningWindow),
    closedMessage: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
export type Hours = z.infer<typeof HoursSchema>;

export type HoursState = { open: true } | { open: false /** Undefined when it never opens. */; opensAt?: number };

const MINUTE = 60_000;
const DAY = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();
function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(tz, f);
  }
  return f;
}

/** The wall clock in `tz` at an instant, read as if it were UTC (ms), so calendar arithmetic is plain. */
export function wallClock(tz: string, at: number): number {
  const p: Record<string, number> = {};
  for (const part of format(tz).formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
}

/** The zone's offset from UTC at an instant (ms, whole seconds). */
const offsetAt = (tz: string, at: number): number => wallClock(tz, at) - Math.floor(at / 1000) * 1000;

/**
 * The first instant whose wall clock in `tz` reads `w` (the earlier one when the clocks go
 * back and it reads so twice); in a gap (the clocks went forward past it), the moment of the jump.
 */
export function wallToInstant(tz: string, w: number): number {
  // Offsets change rarely: a day either side holds at most one change.
  const offsets = [...new Set([offsetAt(tz, w - DAY), offsetAt(tz, w), offsetAt(tz, w + DAY)])];
  const hits = offsets.map((o) => w - o).filter((t) => wallClock(tz, t) === w);
  if (hits.length > 0) return Math.min(...hits);
  // In a gap: before the jump the clock reads less than w, after it more; find the jump to the second.
  let lo = w - Math.max(...offsets);
  let hi = w - Math.min(...offsets);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallClock(tz, mid) < w) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Monday = 0 for a wall time read as UTC. */
const weekday = (w: number): number => (new Date(w).getUTCDay() + 6) % 7;

/** Whether the queue is open at the wall time `w` (minutes count; seconds do not). */
function openAtWall(hours: Hours, w: number): boolean {
  const day = weekday(w);
  const m = Math.floor((w % DAY) / MINUTE);
  return hours.open.some((win) => {
    const from = minutesOf(win.from);
    const to = minutesOf(win.to);
    const on = (d: number) => win.days.includes(DAYS[(d + 7) % 7]!);
    if (from < to) return on(day) && m >= from && m < to;
    // Past midnight: the evening of a listed day, and the small hours of the day after.
    return (on(day) && m >= from) || (on(day - 1) && m < to);
  });
}

/** Open or closed at an instant, and when closed, the next instant it opens. */
export function hoursAt(hours: Hours, at: number): HoursState {
  const tz = hours.timezone;
  if (openAtWall(hours, wallClock(tz, at))) return { open: true };
  // Each window's next start, today or on one of the next seven days.
  const today = Math.floor(wallClock(tz, at) / DAY) * DAY;
  let next: number | undefined;
  for (let k = 0; k <= 7; k++) {
    const date = today + k * DAY;
    for (const win of hours.open) {
      if (!win.days.includes(DAYS[weekday(date)]!)) continue;
      const t = wallToInstant(tz, date + minutesOf(win.from) * MINUTE);
      if (t > at && (next === undefined || t < next) && openAtWall(hours, wallClock(tz, t))) next = t;
    }
    // A later day cannot open sooner than what an earlier one found.
    if (next !== undefined) break;
  }
  return next === undefined ? { open: false } : { open: false, opensAt: next };
}
