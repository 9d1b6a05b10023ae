import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { Refused } from '../app/errors.js';
import { issuesOf, sendError } from '../app/platformKit/answer.js';
import { RateLimited } from '../app/rateLimit.js';
import { say } from '../app/wording/index.js';

export { issuesOf, sendError };

/** How soon a client may try again while Redis (or a shard of it) cannot be reached. */
export const RETRY_UNAVAILABLE_SECONDS = 1;

/** Caller mistakes are 4xx with a message; Redis trouble is 503 with Retry-After; anything else is logged and 500. */
/**
 * `unreachable` says whether an error means the store could not be reached (the root passes
 * the Redis adapter's isUnreachable): the edge knows no Redis error of its own.
 */
export function errorHandler(
  log: Logger,
  storeReady: () => boolean,
  unreachable: (err: unknown) => boolean,
): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof Refused) {
      if (err.status === 429) res.set('Retry-After', String(err instanceof RateLimited ? err.retryAfterSeconds : 2));
      if (err.status === 503) res.set('Retry-After', String(RETRY_UNAVAILABLE_SECONDS));
      return sendError(res, err.status, err.code, err.message, undefined, err.details);
    }
    if (err instanceof ZodError) {
      return sendError(res, 400, 'invalid_request', 'The request is invalid.', issuesOf(err));
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') return sendError(res, 400, 'malformed_json', 'The body is not valid JSON.');
    if (e.type === 'entity.too.large') return sendError(res, 413, 'too_large', 'The body is too large.');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
      return sendError(res, e.status, 'bad_request', e.message ?? 'Bad request.');
    if (!storeReady() || unreachable(err)) {
      // The keys this request needs cannot be reached (a shard down, a failover, a closed connection): not our bug.
      log.warn({ err: (err as Error | undefined)?.message }, 'store unreachable: answered 503');
      res.set('Retry-After', String(RETRY_UNAVAILABLE_SECONDS));
      return sendError(res, 503, 'unavailable', say('refusal.unavailable'));
    }
    log.error({ err }, 'unhandled error');
    return sendError(res, 500, 'internal', 'Something went wrong on our side.');
  };
}
