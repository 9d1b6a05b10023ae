import { ErrorCode } from '@slack/web-api';
import { AmbiguousError, RetryLaterError } from '../../src/app/ports.js';

interface SlackError {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
}

/** Slack's own errors that mean "we failed, maybe after storing it". */
const SERVER_SIDE = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/**
 * The Web API client neither waits out rate limits nor retries (it would post twice after
 * an ambiguous failure): the delivery engine does both, per destination. This turns the
 * client's errors into the engine's: RetryLaterError (not sent: wait), AmbiguousError (the
 * request left: check before sending again), or the error itself (refused: not sent).
 */
export function asDeliveryError(err: unknown): unknown {
  const e = err as SlackError;
  if (e.code === ErrorCode.RateLimitedError) return new RetryLaterError('Slack rate limit', (e.retryAfter ?? 1) * 1000);
  if (e.code === ErrorCode.HTTPError || e.code === ErrorCode.RequestError)
    return new AmbiguousError(`Slack did not answer (${e.statusCode ?? 'network'})`);
  if (e.code === ErrorCode.PlatformError && e.data?.error === 'ratelimited')
    return new RetryLaterError('Slack rate limit', 1000);
  if (e.code === ErrorCode.PlatformError && e.data?.error && SERVER_SIDE.has(e.data.error))
    return new AmbiguousError(`Slack ${e.data.error}`);
  return err;
}

export const platformError = (err: unknown): string | undefined => (err as SlackError).data?.error;

export async function delivering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asDeliveryError(err);
  }
}
