/**
 * The delivery engine's clocks and limits, in one place: how long a drainer holds a
 * destination, how it reads, backs off and gives up, and when the planner gives up on an effect.
 */

/** A lease lives this long without renewal; a drainer renews it three times as often. */
export const LEASE_MS = 1_500;
export const RENEW_MS = 500;
/**
 * The score of an entry on the sweepers' list renewed at `at` (a drainer's or an instance's):
 * past due once a lease and one renewal more went by without another. The fraction makes
 * the score its owner's own, so a removal by score takes nothing else.
 */
export const listDeadline = (at: number): number => at + LEASE_MS + RENEW_MS + Math.random() / 2;
/**
 * A commit that claims an idle destination marks its line in flight (lua/appendEntries.lua):
 * the drainer sends it without marking again while the claim's lease is this young, so no
 * takeover can have begun (it waits for LEASE_MS to pass).
 */
export const PREMARK_MS = LEASE_MS / 3;
/** How many queued items a drainer reads at a time. */
export const READ = 100;
/** After this many failures that are not rate limits, a delivery is parked as dead. */
export const MAX_DELIVERY_FAILURES = 5;
/** How often what a post did (its chat's link to a root, an unreachable card) is tried on the store before it is given up, logged. */
export const MAX_HOOK_TRIES = 8;
/** A drainer's wait between such tries once its instance is stopping (a shutdown is not held up by the usual backoff). */
export const STOPPING_RETRY_MS = 50;
/** After this many failures, an effect the planner cannot plan is parked as dead. */
export const MAX_PLAN_FAILURES = 8;

/** A delay spread ±25%, so instances that failed together do not retry together. */
export const jitter = (ms: number): number => Math.round(ms * (0.75 + Math.random() * 0.5));
