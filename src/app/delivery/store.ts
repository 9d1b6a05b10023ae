import type { MessageRef } from '../ports.js';
import type { Delivery, Queued } from './delivery.js';

/**
 * The delivery engine's port on its store (adapters/redis/deliveries.ts): each destination's
 * queue, its lease, its in-flight mark, its refs, and the sweepers' list.
 */

export interface Ack {
  /** Sent or dropped. */
  done: Queued[];
  refs: Record<string, MessageRef>;
  /** The last queue id the drainer has read, and whether it still holds unsent items (or hands them over). */
  after: string | undefined;
  held: boolean | 'handover';
  /** How many new items to return at most. */
  count: number;
}

/** A post in flight on a destination: the delivery id it carries, when it left, its queue ids. */
export interface Inflight {
  id: string;
  at: number;
  qids: string[];
}

/**
 * The sweepers' list also holds one entry per instance that drains, `@` and its owner name
 * (src/app/delivery/engine.ts, `self`); a destination's name never starts with `@`.
 */
export const instanceEntry = (owner: string): string => `@${owner}`;
export const isInstanceEntry = (entry: string): boolean => entry.startsWith('@');

/**
 * Each destination's queue of deliveries, its lease (one drainer at a time, across every
 * instance) and its refs (what was posted there, for later updates).
 */
export interface DeliveryStore {
  /** Queues deliveries (a delivery id seen before is skipped) and claims the destination when idle. */
  enqueue(dest: string, items: Delivery[], owner: string): Promise<{ claimed: boolean }>;
  /** Claims an idle destination that has work (a takeover): its first items, or why not. */
  claim(dest: string, owner: string, count: number): Promise<Queued[] | 'held' | 'empty'>;
  /**
   * Acknowledges what was sent (and what was dropped), records refs, and gives back the
   * next items, or releases the destination when none are left. `lost` when the lease is
   * no longer ours (another drainer took over): stop. Clears the in-flight mark.
   */
  ack(dest: string, owner: string, a: Ack): Promise<{ released: boolean; lost: boolean; next: Queued[] }>;
  /** Says a post is about to leave (read back after a takeover); false when the lease is not ours. */
  markInflight(dest: string, owner: string, mark: Inflight): Promise<boolean>;
  /** The post a previous drainer marked and did not acknowledge, if any. */
  inflight(dest: string): Promise<Inflight | undefined>;
  /** Keeps a lease alive during a long drain; false when it is no longer ours. */
  renew(dest: string, owner: string): Promise<boolean>;
  refs(dest: string, keys: string[]): Promise<Array<MessageRef | undefined>>;
  /**
   * The sweepers' list: every held lease but the youngest, scored by when its drainer must
   * have renewed it, and every draining instance, standing for its youngest (`instanceEntry`).
   * Entries whose deadline passed (their drainer or instance may have died), for the sweeper.
   */
  stale(now: number): Promise<string[]>;
  watch(dest: string, deadline: number): Promise<void>;
  /** Off the list, only when its entry is still `deadline` ('eq': a drainer's own) or passed it ('le': the sweeper). */
  unwatch(dest: string, when: 'eq' | 'le', deadline: number): Promise<void>;
  /** Every destination with queued work (a slow scan: the backstop after a crash). */
  queued(): Promise<string[]>;
  /**
   * The least loaded of a channel pool (in open chats), counted for the new chat in the same
   * step, so chats created together spread out; `load` moves the count.
   */
  claimLeastLoaded(dests: string[]): Promise<string>;
  load(dest: string, delta: number): Promise<void>;
  deadLetter(dest: string, item: Queued, error: string): Promise<void>;
  /** Undelivered items across all destinations (a gauge). */
  depth(): Promise<number>;
}
