/**
 * Availability (README "Availability"): how an agent's hand-set state and their platforms'
 * presence make them Available or Away. Pure: the poller stores observations, this decides.
 *
 * The rules, in order:
 * 1. A hand-set Away wins, whatever presence says, until the agent sets Available again.
 * 2. A `manual` agent, or a `presence` agent no platform reports on (no consent, not polled
 *    yet, or reports gone stale), is Available.
 * 3. A `presence` agent is Available while any platform shows them online. They become Away
 *    only once a platform has *observed* them offline for the whole grace period, counted
 *    from the later of their first offline observation and their last hand-set Available.
 *    So a blip shorter than the grace changes nothing (no flapping), a failed or slowed
 *    poll adds no observation (it never makes anyone Away), and setting Available by hand
 *    while shown offline holds for a grace period before presence may say Away again.
 */

export type AvailabilityMode = 'manual' | 'presence';
export type AvailabilityState = 'available' | 'away';
/** What decided: the agent's own toggle, or a platform's presence (its adapter id). */
export type AvailabilitySource = 'manual' | string;

/** What a platform last said of an agent. */
export interface PresenceRecord {
  platform: string;
  online: boolean;
  /** First observation of the current offline run; absent while online. */
  offlineSince?: number;
  /** The last observation. */
  seenAt: number;
  /** After this, the record is stale (polling stopped) and ignored. */
  validUntil: number;
}

/** The agent's own toggle: whether they set Away, and when they last set Available. */
export interface HandSet {
  away: boolean;
  availableAt?: number;
}

export interface Effective {
  state: AvailabilityState;
  source: AvailabilitySource;
}

/** A platform's new observation, folded into what it said before. */
export function observe(
  prev: PresenceRecord | undefined,
  platform: string,
  online: boolean,
  now: number,
  validForMs: number,
): PresenceRecord {
  const base = { platform, online, seenAt: now, validUntil: now + validForMs };
  if (online) return base;
  return { ...base, offlineSince: prev && !prev.online && prev.offlineSince !== undefined ? prev.offlineSince : now };
}

/** Whether this record, alone, makes the agent Away (observed offline for the grace, after `availableAt`). */
export function awayBy(r: PresenceRecord, graceMs: number, availableAt = 0, now: number): boolean {
  if (r.online || r.offlineSince === undefined || now > r.validUntil) return false;
  return r.seenAt - Math.max(r.offlineSince, availableAt) >= graceMs;
}

/** The effective state and its source (rules in this file's header). */
export function effective(
  mode: AvailabilityMode,
  hand: HandSet,
  presence: readonly PresenceRecord[],
  graceMs: number,
  now: number,
): Effective {
  if (hand.away) return { state: 'away', source: 'manual' };
  if (mode === 'manual') return { state: 'available', source: 'manual' };
  const live = presence.filter((r) => now <= r.validUntil);
  const online = live.find((r) => r.online);
  if (online) return { state: 'available', source: online.platform };
  const away = live.find((r) => awayBy(r, graceMs, hand.availableAt, now));
  if (away && live.every((r) => awayBy(r, graceMs, hand.availableAt, now)))
    return { state: 'away', source: away.platform };
  // Offline within the grace, or nothing known: as they were left, Available.
  return { state: 'available', source: live[0]?.platform ?? 'manual' };
}

/**
 * An owner Away by presence and observed offline for `requeueMs` (OWNER_AWAY_REQUEUE_SECONDS,
 * counted like the grace) has their chats released when the end user waits for an answer. 0: never.
 */
export function ownerGoneLongEnough(
  presence: readonly PresenceRecord[],
  graceMs: number,
  requeueMs: number,
  availableAt = 0,
  now: number,
): boolean {
  if (requeueMs <= 0 || presence.length === 0) return false;
  return presence.every(
    (r) => awayBy(r, graceMs, availableAt, now) && r.seenAt - Math.max(r.offlineSince!, availableAt) >= requeueMs,
  );
}

/** Microsoft Graph presence availabilities (https://learn.microsoft.com/graph/api/resources/presence). */
export const GRAPH_AVAILABILITIES = [
  'Available',
  'AvailableIdle',
  'Busy',
  'BusyIdle',
  'DoNotDisturb',
  'BeRightBack',
  'Away',
  'Offline',
  'PresenceUnknown',
] as const;
export type GraphAvailability = (typeof GRAPH_AVAILABILITIES)[number];

/**
 * Which Graph availabilities count as online by default: at the keyboard or in Teams and
 * reachable (Busy and Do not disturb are online: they can still see a chat come in).
 * BeRightBack, Away, Offline and PresenceUnknown are offline. PRESENCE_ONLINE replaces it.
 */
export const DEFAULT_ONLINE: readonly GraphAvailability[] = [
  'Available',
  'AvailableIdle',
  'Busy',
  'BusyIdle',
  'DoNotDisturb',
];

/** A Graph availability as online or not; one Graph does not know (a new value) is offline. */
export const graphOnline = (availability: string, online: readonly string[]): boolean => online.includes(availability);

/**
 * Who to poll next, for a budget of calls per minute: the agents with chats they own or are
 * invited to first, then the rest, each once per round. Returns the round's order.
 */
export function pollOrder<T extends { id: string }>(agents: readonly T[], busy: ReadonlySet<string>): T[] {
  return [...agents.filter((a) => busy.has(a.id)), ...agents.filter((a) => !busy.has(a.id))];
}

/** The wait between two calls that spreads `perMinute` calls evenly over each minute. */
export const spacingMs = (perMinute: number): number => Math.ceil(60_000 / Math.max(1, perMinute));

/** Whether the end user waits for an answer: the chat's last message, by the end user or an agent, is the end user's. */
export function waitsForAnswer(
  entries: ReadonlyArray<{ kind: string; ts: number; visibility: string; author?: string }>,
): boolean {
  let last: { ts: number; author?: string } | undefined;
  for (const e of entries) {
    if (e.kind !== 'message' || e.visibility !== 'public' || e.author === 'system') continue;
    if (!last || e.ts >= last.ts) last = e;
  }
  return last?.author === 'user';
}
