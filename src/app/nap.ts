/**
 * A sleep the same object can cut short: a drainer or the archiver waits for its next try,
 * and a stop (or new work) ends the wait at once. One sleep at a time.
 */
export class Nap {
  private end: (() => void) | undefined;

  /** Sleeps `ms`, or until woken. */
  async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.end = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.end = undefined;
  }

  /** Ends the sleep in progress, if any. */
  wake(): void {
    this.end?.();
  }
}
