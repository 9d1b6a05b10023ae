import type { Logger } from 'pino';
import type { MessageRef, Pace, Posted } from '../ports.js';
import type { Bucket } from './bucket.js';
import type { Delivery } from './delivery.js';
import type { Limits } from './schedule.js';
import type { DeliveryStore } from './store.js';

export interface EngineHooks {
  /** A chat's root was posted on a mirror: replies typed under it now find the chat. */
  rootPosted(d: Delivery, posted: Posted): Promise<void>;
  /** A card's destination could not be reached (the agent has no account there). */
  unreachable(d: Delivery): Promise<void>;
}

export interface EngineObserver {
  /** Sent to `dest`; `waited`: it waited for the destination's pace or a 429 (rate-limited). */
  delivered(d: Delivery, dest: string, waited: boolean): void;
  failed(err: unknown): void;
  /** After a takeover, a post left in flight: found on the platform, or sent again (not posted, or the platform cannot tell). */
  resent?(outcome: 'found' | 'not_posted' | 'unknown'): void;
}

export interface EngineOptions {
  sweepMs?: number;
  backstopMs?: number;
  /** A merged post holds at most this (Slack: 40,000 characters of text; Teams: about 28 KB). */
  limits?: Limits;
}

/**
 * What a drainer may ask of its engine, and nothing more: the engine owns the drainers, the
 * paces and the roots' refs; a drainer drains one destination with them.
 */
export interface DrainerHost {
  /** This instance, as leases and in-flight marks name it. */
  readonly owner: string;
  readonly store: DeliveryStore;
  readonly hooks: EngineHooks;
  readonly log: Logger;
  readonly observer?: EngineObserver | undefined;
  readonly options: EngineOptions;
  /** The destination's pace, kept across drainers so the next one does not burst again. */
  bucket(dest: string, pace: Pace): Bucket;
  /** Where a chat's root is on a destination, once known to this instance. */
  rootRef(dest: string, key: string): MessageRef | undefined;
  keepRoot(dest: string, key: string, ref: MessageRef): void;
  /** A drainer that let its destination go is no longer the one for it. */
  detach(dest: string, drainer: object): void;
  /** Whether the instance's own entry on the sweepers' list stands for a drainer starting now (engine.ts, `self`). */
  listsYoung(): boolean;
}
