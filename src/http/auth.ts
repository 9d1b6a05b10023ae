import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { Refused } from '../app/errors.js';
import { hashToken } from '../app/sessions.js';
import type { SessionStore } from '../app/store.js';
import type { Session } from '../domain/session.js';

const equal = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function bearer(req: Request): string | undefined {
  const h = req.get('authorization');
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  const q = req.query.token;
  return typeof q === 'string' ? q : undefined;
}

export const isApiKey = (keys: readonly string[], presented: string | undefined): boolean =>
  presented !== undefined && keys.some((k) => equal(k, presented));

/** The end user's token (stored hashed) or a server-to-server API key grants access to one session. */
export async function authorizeSession(store: SessionStore, apiKeys: readonly string[], req: Request, sessionId: string): Promise<Session> {
  const presented = bearer(req) ?? req.get('x-api-key');
  if (!presented) throw Refused.of('unauthorized', undefined, 'unauthorized.token');
  const found = await store.withToken(sessionId);
  if (found && isApiKey(apiKeys, presented)) return found.session;
  if (!found || !equal(found.tokenHash, hashToken(presented))) throw Refused.of('forbidden', undefined, 'forbidden.token');
  return found.session;
}

export function requireApiKey(apiKeys: readonly string[], req: Request): void {
  const presented = req.get('x-api-key') ?? bearer(req);
  if (!isApiKey(apiKeys, presented)) throw Refused.of('unauthorized', undefined, 'unauthorized.key');
}
