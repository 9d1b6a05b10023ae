import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { Refused } from '../app/errors.js';
import type { SessionStore } from '../app/store.js';
import { hashToken } from '../app/tokens.js';
import type { Session } from '../domain/session.js';

/** Constant-time equality of two secrets. */
export const equal = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export interface TokenPlaces {
  /**
   * Also take the end user's token from `?token=`: only where a browser cannot send a
   * header (an EventSource, a download link). API keys are never taken from a URL.
   */
  query?: boolean;
}

/** The end user's token: `Authorization: Bearer`, or `?token=` where the route allows it. */
export function bearer(req: Request, places: TokenPlaces = {}): string | undefined {
  const h = req.get('authorization');
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  const q = places.query ? req.query.token : undefined;
  return typeof q === 'string' ? q : undefined;
}

export const isApiKey = (keys: readonly string[], presented: string | undefined): boolean =>
  presented !== undefined && keys.some((k) => equal(k, presented));

const keyElsewhere = () => Refused.of('unauthorized', undefined, 'unauthorized.keyElsewhere');

/**
 * The end user's token (stored hashed) grants access to one chat; a server-to-server API
 * key, only in `X-API-Key`, to any. `find` reads the chat with its token's hash.
 */
export async function authorizeChat<T extends { session: Session; tokenHash: string }>(
  find: (id: string) => Promise<T | undefined>,
  apiKeys: readonly string[],
  req: Request,
  sessionId: string,
  places: TokenPlaces = {},
): Promise<T> {
  const key = req.get('x-api-key');
  if (key !== undefined) {
    if (!isApiKey(apiKeys, key)) throw Refused.of('unauthorized', undefined, 'unauthorized.badKey');
    const found = await find(sessionId);
    if (!found) throw Refused.credential('forbidden.token');
    return found;
  }
  const presented = bearer(req, places);
  if (!presented) throw Refused.of('unauthorized', undefined, 'unauthorized.token');
  if (isApiKey(apiKeys, presented)) throw keyElsewhere();
  const found = await find(sessionId);
  if (!found || !equal(found.tokenHash, hashToken(presented))) throw Refused.credential('forbidden.token');
  return found;
}

/** A chat Redis holds, for its end user's token or an API key. */
export async function authorizeSession(
  store: SessionStore,
  apiKeys: readonly string[],
  req: Request,
  sessionId: string,
  places: TokenPlaces = {},
): Promise<Session> {
  return (await authorizeChat((id) => store.withToken(id), apiKeys, req, sessionId, places)).session;
}

export function requireApiKey(apiKeys: readonly string[], req: Request): void {
  if (isApiKey(apiKeys, req.get('x-api-key'))) return;
  if (isApiKey(apiKeys, bearer(req, { query: true }))) throw keyElsewhere();
  throw Refused.of('unauthorized', undefined, 'unauthorized.key');
}
