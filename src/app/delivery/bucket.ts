import type { Pace } from '../ports.js';

/** A destination's pace: a token bucket in this process (only the lease holder sends there). */
export class Bucket {
  private tokens: number;
  private at = Date.now();

  constructor(private readonly pace: Pace) {
    this.tokens = pace.burst;
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.pace.burst, this.tokens + ((now - this.at) / 1000) * this.pace.perSecond);
    this.at = now;
  }

  /** How long until the next post may go (0: now). */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.pace.perSecond) * 1000;
  }

  take(): void {
    this.refill();
    this.tokens -= 1;
  }

  /** The platform said slow down: no burst after the wait. */
  empty(): void {
    this.refill();
    this.tokens = 0;
  }

  full(): boolean {
    this.refill();
    return this.tokens >= this.pace.burst;
  }
}
