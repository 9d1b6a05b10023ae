import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/http/mount.js';
import { OPERATIONS } from '../../src/http/routes.js';

describe('the route table', () => {
  it('names each method and path once', () => {
    const routes = Object.values(OPERATIONS).map((op) => `${op.method} ${op.path}`);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('needs exactly one handler per operation (checked by npm run typecheck)', () => {
    // @ts-expect-error: a handler missing (every other operation too) is refused.
    const missing: Handlers = { listQueues: () => undefined };
    const extra = (h: Handlers) =>
      ({
        ...h,
        // @ts-expect-error: an operation the table does not have is refused.
        nope: () => undefined,
      }) satisfies Handlers;
    expect(missing).toBeDefined();
    expect(extra).toBeDefined();
  });
});
