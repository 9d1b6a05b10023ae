import type { Invite } from './invite.js';
import type { Member, Session } from './session.js';

/**
 * The lists people look at, kept as indexes so no list is read by scanning every chat:
 * - `chats`: per agent, the open chats they are in;
 * - `invites`: per agent, the invites waiting for their answer;
 * - `waiting`: per queue, the chats no one has taken yet, oldest first;
 * - `active`: per queue, the chats being answered (a supervisor's monitoring list);
 * - `owns`: per agent, the active chats they own (their load, for auto routing);
 * - `offline`: per queue, the offline messages no one has replied to yet, oldest first.
 */
export type ListName = 'chats' | 'invites' | 'waiting' | 'active' | 'owns' | 'offline';

export interface Listing {
  list: ListName;
  /** Whose list: an agent id or a queue id. */
  of: string;
  /** What is listed: a chat id or an invite id. */
  item: string;
  /** The order within the list (when it came in). */
  score: number;
}

/** Where a chat belongs, from its state alone: the same state always gives the same answer. */
export function listingsOf(session: Session, members: readonly Member[], invites: readonly Invite[]): Listing[] {
  if (session.status === 'ended') return [];
  const at = session.createdAt;
  const list = session.status === 'waiting' || session.status === 'offline' ? session.status : 'active';
  const out: Listing[] = [{ list, of: session.queueId, item: session.id, score: at }];
  for (const m of members) out.push({ list: 'chats', of: m.agentId, item: session.id, score: at });
  if (session.status === 'active' && session.ownerId)
    out.push({ list: 'owns', of: session.ownerId, item: session.id, score: at });
  for (const i of invites)
    if (i.status === 'pending') out.push({ list: 'invites', of: i.inviteeId, item: i.id, score: i.createdAt });
  return out;
}
