/** How long a drainer holds a destination, and how it reads and gives up: one place for the engine's clocks. */

/** A lease lives this long without renewal; a drainer renews it twice as often. */
export const LEASE_MS = 1_500;
export const RENEW_MS = 500;
/** How many queued items a drainer reads at a time. */
export const READ = 100;
/** After this many failures that are not rate limits, a delivery is parked as dead. */
export const MAX_FAILURES = 5;
