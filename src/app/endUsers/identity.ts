import { createHmac, timingSafeEqual } from 'node:crypto';
import { Refused } from '../errors.js';

/**
 * Verified end users (README "Verified end users"): the host site signs the user's id,
 * `hash = hex(HMAC-SHA256(IDENTITY_SECRET, user.id))`; IDENTITY_SECRET_PREVIOUS is also
 * accepted while a secret is rotated. Compared in constant time.
 */
export interface IdentitySettings {
  /** The current secret first, then the previous one; empty: identities are not checked (none can be verified). */
  secrets: readonly string[];
  /** REQUIRE_IDENTITY: a chat without a good hash is refused. */
  required: boolean;
}

export const identityHash = (secret: string, userId: string): string =>
  createHmac('sha256', secret).update(userId, 'utf8').digest('hex');

/** Whether `hash` signs `userId` with one of the secrets; every secret is tried, so the time says nothing of which. */
export function hashMatches(secrets: readonly string[], userId: string, hash: string): boolean {
  const given = Buffer.from(hash.toLowerCase(), 'utf8');
  let ok = false;
  for (const s of secrets) {
    const want = Buffer.from(identityHash(s, userId), 'utf8');
    if (want.length === given.length && timingSafeEqual(want, given)) ok = true;
  }
  return ok;
}

/**
 * What a new chat's end user is: verified (a good hash for the id), or not (no hash). A hash
 * that does not match, or an id and hash with no secret to check them against, is 401; no
 * hash while identities are required is 401 too. Nothing is stored before this answers.
 */
export function checkIdentity(
  s: IdentitySettings,
  user: { id?: string | undefined; hash?: string | undefined },
): { verified: boolean } {
  if (user.hash !== undefined || user.id !== undefined) {
    if (user.id === undefined || user.hash === undefined)
      throw Refused.of('unauthorized', undefined, 'unauthorized.identity');
    if (s.secrets.length === 0 || !hashMatches(s.secrets, user.id, user.hash))
      throw Refused.of('unauthorized', undefined, 'unauthorized.identity');
    return { verified: true };
  }
  if (s.required) throw Refused.of('unauthorized', undefined, 'unauthorized.identityRequired');
  return { verified: false };
}
