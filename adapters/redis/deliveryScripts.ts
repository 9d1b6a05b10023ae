import { Delivery, LineTemplate, placeLine, type Queued } from '../../src/app/delivery/delivery.js';
import type { Inflight } from '../../src/app/delivery/store.js';
import type { FastLine } from '../../src/app/store.js';
import { SessionStatus } from '../../src/domain/session.js';
import type { RedisClient } from './connection.js';
import { withScripts } from './scripts.js';
import type { ScriptReply } from './sessionScript.js';

/**
 * The delivery scripts' typed wrappers, in one place: each takes its KEYS and ARGV by name (the
 * Lua file's header says the same) and turns the reply into a value, so nothing reads a
 * script's reply by position elsewhere. The scripts are under lua/.
 */

/** A queue entry as XRANGE gives it: its id and its fields, flat. */
export type StreamItem = [string, string[]];

/**
 * A queued item. A chat line the commit queued (lua/appendEntries.lua) is its template and, as
 * fields of their own, its entry's id, its mirror's and whether it was counted; anything else is
 * the delivery whole, in `d` (so is a line queued by a version that patched the ids into it).
 */
export function queuedOf([qid, flat]: StreamItem): Queued {
  const f = fieldsOf(flat);
  const d = JSON.parse(f.get('d') ?? '{}') as unknown;
  const entry = f.get('entry');
  if (entry === undefined) return { qid, d: Delivery.parse(d) };
  return { qid, d: placeLine(LineTemplate.parse(d), entry, f.get('mirror') ?? '', f.get('counted') === '1') };
}

/** A stream entry's fields, flat as XRANGE gives them, by name. */
function fieldsOf(flat: string[]): Map<string, string> {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
  return f;
}

const queuedAll = (items: unknown): Queued[] => (items as StreamItem[]).map(queuedOf);

/** The in-flight mark a fresh claim's first post carries as its field `at` (lua/appendEntries.lua), if it does. */
export function premarked(item: StreamItem): Inflight | undefined {
  const at = fieldsOf(item[1]).get('at');
  return at === undefined ? undefined : { id: queuedOf(item).d.id, at: Number(at), qids: [item[0]] };
}

/** lua/enqueue.lua: queues deliveries (an id seen lately is skipped), claiming the destination when idle. */
export async function enqueue(
  redis: RedisClient,
  k: { queue: string; lease: string; seen: string },
  a: { owner: string; leaseMs: number; items: Delivery[] },
): Promise<{ claimed: boolean; queued: string[] }> {
  const [claimed, queued] = (await withScripts(redis).enqueue(
    k.queue,
    k.lease,
    k.seen,
    a.owner,
    a.leaseMs,
    ...a.items.flatMap((d) => [d.id, JSON.stringify(d)]),
  )) as [number, string[]];
  return { claimed: Number(claimed) === 1, queued };
}

/** lua/claimDest.lua: takes over a destination nobody drains, when it has work. */
export async function claimDest(
  redis: RedisClient,
  k: { queue: string; lease: string },
  a: { owner: string; leaseMs: number; count: number },
): Promise<{ state: 'held' } | { state: 'empty' } | { state: 'claimed'; items: Queued[] }> {
  const [state, items] = (await withScripts(redis).claimDest(k.queue, k.lease, a.owner, a.leaseMs, a.count)) as [
    string,
    unknown,
  ];
  if (state === 'claimed') return { state, items: queuedAll(items) };
  return { state: state === 'held' ? 'held' : 'empty' };
}

/** lua/ackDeliveries.lua: acknowledges, records refs, counts chats down; then releases or reads on. */
export async function ackDeliveries(
  redis: RedisClient,
  k: { queue: string; lease: string; refs: string; waiting: string; inflight: string },
  a: {
    owner: string;
    leaseMs: number;
    /** How many new items to return at most. */
    count: number;
    /** The last queue id the drainer has read. */
    after: string | undefined;
    /** What the drainer still holds: nothing, unsent items, or it hands the destination over. */
    held: 'nothing' | 'items' | 'handover';
    /** Queue ids sent or dropped. */
    done: string[];
    /** Per chat, how many of its counted lines went. */
    countDown: Array<[sessionId: string, n: number]>;
    /** Refs key → ref JSON. */
    refs: Array<[key: string, json: string]>;
  },
): Promise<{ state: 'lost' } | { state: 'released' } | { state: 'more'; items: Queued[] }> {
  const [state, items] = (await withScripts(redis).ackDeliveries(
    k.queue,
    k.lease,
    k.refs,
    k.waiting,
    k.inflight,
    a.owner,
    a.leaseMs,
    a.count,
    a.after ?? '-',
    a.held === 'handover' ? 2 : a.held === 'items' ? 1 : 0,
    a.done.length,
    ...a.done,
    a.countDown.length,
    ...a.countDown.flat(),
    ...a.refs.flat(),
  )) as [string, unknown];
  if (state === 'more') return { state, items: queuedAll(items) };
  return { state: state === 'lost' ? 'lost' : 'released' };
}

/** lua/markInflight.lua: says a post is leaving; false when the lease is not the drainer's (it must not post). */
export async function markInflight(
  redis: RedisClient,
  k: { lease: string; inflight: string },
  a: { owner: string; leaseMs: number; id: string; at: number; qids: string[] },
): Promise<boolean> {
  const r = await withScripts(redis).markInflight(
    k.lease,
    k.inflight,
    a.owner,
    a.leaseMs,
    a.id,
    a.at,
    a.qids.join(' '),
  );
  return Number(r) === 1;
}

/** lua/renewLease.lua: false when the lease is no longer the owner's. */
export async function renewLease(redis: RedisClient, k: { lease: string }, a: { owner: string; leaseMs: number }) {
  return Number(await withScripts(redis).renewLease(k.lease, a.owner, a.leaseMs)) === 1;
}

/** lua/unwatchDest.lua: off the sweepers' list, only if its entry is still the one meant; true when removed. */
export async function unwatchDest(
  redis: RedisClient,
  k: { list: string },
  a: { dest: string; when: 'eq' | 'le'; score: number },
): Promise<boolean> {
  return Number(await withScripts(redis).unwatchDest(k.list, a.dest, a.when, a.score)) === 1;
}

/** lua/appendEntries.lua's reply: refused, a repeat, or the entries stored and the destinations claimed for the caller. */
export type Appended =
  | { state: 'refused'; code: string }
  | { state: 'repeat'; id: string }
  | {
      state: 'appended';
      ids: string[];
      /** Per destination claimed: the line queued there; `first` when it began the queue (nothing was left there). */
      claimed: Array<{ dest: string; queued: Queued; first: boolean }>;
      /** Effects written to the outbox (the planner has work). */
      outboxed: number;
      /** The chat's status as the step found it. */
      status: SessionStatus;
    };

/** Reads appendEntries' reply; `lines` are the fast lines it was given (a claimed line is made of its template). */
export function appended(reply: ScriptReply, lines: ReadonlyArray<FastLine | false | null> = []): Appended {
  const r = reply as unknown as [number, unknown, unknown, unknown, unknown];
  if (r[0] === 0) return { state: 'refused', code: String(r[1]) };
  if (r[0] === 2) return { state: 'repeat', id: String(r[1]) };
  const ids = (r[1] as unknown[]).map(String);
  const claimed = (r[2] as Array<[string, string, number, string, number]>).map(([dest, qid, k, mirror, first]) => {
    const line = lines[Number(k) - 1];
    if (!line) throw new Error(`appendEntries claimed ${dest} for entry ${k}, which had no line`);
    // A claimed destination was idle: its line was not counted there.
    return {
      dest,
      queued: { qid, d: placeLine(line.template, ids[Number(k) - 1]!, mirror, false) },
      first: first === 1,
    };
  });
  const status = SessionStatus.parse(r[4]);
  return { state: 'appended', ids, claimed, outboxed: Number(r[3]), status };
}
