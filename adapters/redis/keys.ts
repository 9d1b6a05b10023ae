/**
 * Every Redis key Switchboard uses, in one place. Every key of one session shares the hash
 * tag `{sessionId}`, so each atomic script touches one slot and the layout works on Redis
 * Cluster. Global indexes are updated outside the scripts, idempotently.
 */
export function sessionKeys(prefix: string, sessionId: string) {
  const base = `${prefix}:s:{${sessionId}}`;
  return {
    session: `${base}:h`,
    members: `${base}:m`,
    invites: `${base}:i`,
    pending: `${base}:p`,
    transcript: `${base}:t`,
    outbox: `${base}:o`,
    clientIds: `${base}:c`,
    refs: `${base}:r`,
    mirrors: `${base}:mr`,
    /** The outbox: on hold after a platform failure, the drainer's lock, failure counts. */
    hold: `${prefix}:hold:{${sessionId}}`,
    lock: `${prefix}:lock:{${sessionId}}`,
    failures: `${prefix}:fail:{${sessionId}}`,
  };
}
export type SessionKeys = ReturnType<typeof sessionKeys>;

/** The order in which session scripts receive KEYS (see lua/includes/prelude.lua). */
export const sessionKeyList = (k: SessionKeys): string[] => [
  k.session, k.members, k.invites, k.pending, k.transcript, k.outbox, k.clientIds, k.refs, k.mirrors,
];

export const globalKeys = (prefix: string) => ({
  refs: `${prefix}:refs`,
  open: `${prefix}:open`,
  dirty: `${prefix}:dirty`,
  away: `${prefix}:away`,
  lookup: `${prefix}:lookup`,
  /** Effects that failed too often, parked for an operator. */
  dead: `${prefix}:dead`,
  mirrorChats: (key: string) => `${prefix}:mc:${key}`,
  expiring: (key: string) => `${prefix}:lk:${key}`,
  once: (key: string) => `${prefix}:once:${key}`,
  /** A platform's posting budget for one place. */
  pace: (platform: string, place: string) => `${prefix}:pace:${platform}:${place}`,
});

/** BullMQ's own keys live under this prefix. */
export const queuePrefix = (prefix: string): string => `${prefix}:q`;

export const eventsChannel = (prefix: string, sessionId: string): string => `${prefix}:ev:${sessionId}`;

/** Invite ids embed their session id so any process can find the session's slot. */
export const inviteSessionId = (inviteId: string): string | undefined => {
  const i = inviteId.lastIndexOf('~');
  return i > 0 ? inviteId.slice(0, i) : undefined;
};
