import { ErrorCode } from '@slack/web-api';
import { RetryLaterError } from '../../src/app/ports.js';

interface SlackError {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
}

const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/**
 * The Web API client is told not to wait out rate limits itself: the outbox does, per
 * session, so one busy channel never blocks the others. This turns the client's errors
 * into the outbox's "retry later".
 */
export function asDeliveryError(err: unknown): unknown {
  const e = err as SlackError;
  if (e.code === ErrorCode.RateLimitedError) return new RetryLaterError('Slack rate limit', (e.retryAfter ?? 1) * 1000);
  if (e.code === ErrorCode.HTTPError || e.code === ErrorCode.RequestError) return new RetryLaterError(`Slack unreachable (${e.statusCode ?? 'network'})`, undefined);
  if (e.code === ErrorCode.PlatformError && e.data?.error && TRANSIENT.has(e.data.error)) return new RetryLaterError(`Slack ${e.data.error}`, undefined);
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
