import { describe, expect, it } from 'vitest';
import { AmbiguousError, type PlatformPort, RetryLaterError } from '../../src/app/ports.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import type { Agent, Queue } from '../../src/domain/directory.js';

/** One platform under test: its port, what it serves, and the far side's faults where it has them. */
export interface PlatformUnderTest {
  port: PlatformPort;
  queue: Queue;
  agent: Agent;
  /** The far side answers the next send with 429 and this Retry-After (seconds). */
  rateLimitNext?(retryAfterSeconds: number): void;
  /** The far side answers the next send with a 5xx after the request left. */
  failNextAmbiguously?(): void;
  /** What the far side shows for a message now (its text, or undefined once removed). */
  shown?(ref: Record<string, string>): Promise<string | undefined>;
  stop(): Promise<void>;
}

const card = (text: string): Surface => ({
  blocks: [
    { type: 'header', text: [text] },
    { type: 'text', text: [`${text}, said in full`] },
  ],
  fallback: [text],
});

/**
 * The platform port's contract (src/app/ports.ts), the same checks for every platform:
 * where it sends, how fast, what a post returns, updates and removals, read-back, and the
 * two errors the delivery engine acts on.
 */
export function conformance(name: string, setup: () => Promise<PlatformUnderTest>): void {
  describe(`the platform port: ${name}`, () => {
    const world = async <T>(run: (p: PlatformUnderTest) => Promise<T>): Promise<T> => {
      const p = await setup();
      try {
        return await run(p);
      } finally {
        await p.stop();
      }
    };

    it('names its destinations and paces each', () =>
      world(async ({ port, queue, agent }) => {
        expect(port.id).toMatch(/^[a-z]+$/);
        const channels = port.channels(queue);
        expect(channels.length).toBeGreaterThan(0);
        expect(new Set(channels).size).toBe(channels.length);
        expect(port.direct(agent)).not.toBe('');
        expect(channels).not.toContain(port.direct(agent));
        for (const dest of [...channels, port.direct(agent)]) {
          const pace = port.pace(dest);
          expect(pace.perSecond).toBeGreaterThan(0);
          expect(pace.burst).toBeGreaterThanOrEqual(1);
        }
        expect(['yes', 'maybe']).toContain(port.reaches(agent));
      }));

    it('posts a root and a line under it, updates and removes them', () =>
      world(async ({ port, queue, shown }) => {
        const dest = port.channels(queue)[0]!;
        const root = await port.postTop(dest, card('Root one'), 'd-root');
        expect(root).not.toBeNull();
        expect(Object.keys(root!.ref).length).toBeGreaterThan(0);
        expect(root!.place).not.toBe('');
        const line = await port.postUnder(root!.ref, card('Line one'), 'd-line');
        expect(line).not.toEqual(root!.ref);
        await port.update(root!.ref, card('Root two'));
        if (shown) expect(await shown(root!.ref)).toMatch(/Root two/);
        await port.remove(line);
        if (shown) expect(await shown(line)).toBeUndefined();
      }));

    it('reads back a post by its delivery id, or says it cannot tell', () =>
      world(async ({ port, queue }) => {
        if (!port.findPosted) return expect(port.findPosted).toBeUndefined();
        const dest = port.channels(queue)[0]!;
        const since = Date.now() - 1000;
        const root = await port.postTop(dest, card('Root'), 'd-top');
        const line = await port.postUnder(root!.ref, card('Line'), 'd-under');
        const found = await port.findPosted(dest, root!.ref, 'd-under', since);
        if (found !== undefined) {
          expect(found?.ref).toEqual(line);
          expect(await port.findPosted(dest, root!.ref, 'd-never-sent', since)).toBeNull();
        }
      }));

    it('says "slow down" with the far side\'s Retry-After, and "ambiguous" after a 5xx', () =>
      world(async ({ port, queue, rateLimitNext, failNextAmbiguously }) => {
        const dest = port.channels(queue)[0]!;
        const root = await port.postTop(dest, card('Root'), 'd-1');
        if (rateLimitNext) {
          rateLimitNext(3);
          const err = await port.postUnder(root!.ref, card('Line'), 'd-2').catch((e: unknown) => e);
          expect(err).toBeInstanceOf(RetryLaterError);
          expect((err as RetryLaterError).retryAfterMs).toBe(3000);
        }
        if (failNextAmbiguously) {
          failNextAmbiguously();
          const err = await port.postUnder(root!.ref, card('Line'), 'd-3').catch((e: unknown) => e);
          expect(err).toBeInstanceOf(AmbiguousError);
        }
        // Both faults passed, the same call goes through.
        expect(await port.postUnder(root!.ref, card('Line'), 'd-4')).toBeDefined();
      }));
  });
}
