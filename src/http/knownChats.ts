import type { Session } from '../domain/session.js';
import { equal } from './auth.js';

/**
 * Chats whose end user wrote through this instance lately, with their token's hash, so the
 * hot route (an end user's message) reads nothing before its one store step. That step checks
 * the token is still the chat's and reads the chat's status (adapters/redis/lua/appendEntries.lua);
 * what a line shows of the chat (its ref, the end user's name) never changes while it is open.
 */
export class KnownChats {
  private readonly chats = new Map<string, { session: Session; tokenHash: string; until: number }>();

  constructor(
    private readonly max = 10_000,
    private readonly ttlMs = 60_000,
  ) {}

  /** The chat, when it was seen lately with this token. */
  get(id: string, tokenHash: string, now: number): Session | undefined {
    const known = this.chats.get(id);
    if (!known) return undefined;
    if (known.until < now) {
      this.chats.delete(id);
      return undefined;
    }
    return equal(known.tokenHash, tokenHash) ? known.session : undefined;
  }

  keep(id: string, session: Session, tokenHash: string, now: number): void {
    this.chats.delete(id);
    // The oldest goes first (a Map keeps insertion order).
    if (this.chats.size >= this.max) this.chats.delete(this.chats.keys().next().value!);
    this.chats.set(id, { session, tokenHash, until: now + this.ttlMs });
  }

  forget(id: string): void {
    this.chats.delete(id);
  }
}
