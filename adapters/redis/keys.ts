import { createHash } from 'node:crypto';

/**
 * Every Redis key Switchboard uses, in one place.
 *
 * Slots: a chat's keys carry the hash tag of its home destination (its queue's channel),
 * and so do that destination's keys, so the step that stores a message also queues it on
 * the channel, in one slot (the layout works on Redis Cluster). A chat id starts with its
 * tag (`tag.random`); ids without a dot (chats from before) are their own tag.
 * Global indexes are updated outside the scripts, idempotently.
 */
export const tagOf = (dest: string): string => createHash('sha1').update(dest).digest('hex').slice(0, 5);

export const sessionTag = (sessionId: string): string => {
  const dot = sessionId.indexOf('.');
  return dot > 0 ? sessionId.slice(0, dot) : sessionId;
};

export function sessionKeys(prefix: string, sessionId: string) {
  const tag = sessionTag(sessionId);
  const base = tag === sessionId ? `${prefix}:s:{${sessionId}}` : `${prefix}:s:{${tag}}:${sessionId}`;
  return {
    session: `${base}:h`,
    members: `${base}:m`,
    invites: `${base}:i`,
    pending: `${base}:p`,
    transcript: `${base}:t`,
    outbox: `${base}:o`,
    clientIds: `${base}:c`,
    /** The outbox's planner lock. */
    lock: `${base}:lock`,
    /** The pub/sub channel of the chat's events (a channel, not a key). */
    events: `${base}:ev`,
  };
}
export type SessionKeys = ReturnType<typeof sessionKeys>;

/** The order in which session scripts receive KEYS (see lua/includes/prelude.lua). */
export const sessionKeyList = (k: SessionKeys): string[] => [
  k.session,
  k.members,
  k.invites,
  k.pending,
  k.transcript,
  k.outbox,
  k.clientIds,
];

/**
 * A destination's keys. lua/appendEntries.lua builds the queue and lease keys the same
 * way (`prefix:d:{tag}:dest:q`), for the mirrors in its chat's slot.
 */
export function destKeys(prefix: string, dest: string) {
  const base = `${prefix}:d:{${tagOf(dest)}}:${dest}`;
  return {
    /** The deliveries, in commit order (a stream). */
    queue: `${base}:q`,
    /** Who drains it now (a lease with a deadline). */
    lease: `${base}:l`,
    /** What was posted there: refs by key. */
    refs: `${base}:r`,
    /** Delivery ids queued lately, so a repeat is skipped. */
    seen: `${base}:s`,
    /** Per chat, its lines waiting here while the destination is busy (the backlog cap). */
    waiting: `${base}:c`,
    /** The post in flight (its delivery id, when it left, its queue ids): read back after a takeover. */
    inflight: `${base}:f`,
  };
}

export const globalKeys = (prefix: string) => ({
  refs: `${prefix}:refs`,
  dirty: `${prefix}:dirty`,
  away: `${prefix}:away`,
  /** When each agent last set Available by hand (README "Availability"). */
  availableAt: `${prefix}:away:at`,
  /** What each platform last said of each agent (`platform:agentId` → record). */
  presence: `${prefix}:presence`,
  /** Which instance polls a platform's presence now. */
  presenceLead: (platform: string) => `${prefix}:presence:lead:${platform}`,
  /** A queue's last waits (ms), newest first. */
  waits: (queueId: string) => `${prefix}:waits:${queueId}`,
  /** When auto routing last gave each agent a chat. */
  assigned: `${prefix}:assigned`,
  lookup: `${prefix}:lookup`,
  /** Effects and deliveries that failed too often, parked for an operator. */
  dead: `${prefix}:dead`,
  /** Destinations being drained, scored by their lease's deadline (the sweeper's list). */
  active: `${prefix}:active`,
  /** Open chats per channel destination, for spreading a queue over its channel pool. */
  load: `${prefix}:load`,
  mirrorChats: (key: string) => `${prefix}:mc:${key}`,
  /** Chats the record has yet to archive (by when first marked), and those an archiver has claimed (by deadline): one slot. */
  archiveDue: `${prefix}:{archive}:due`,
  archiveClaimed: `${prefix}:{archive}:claimed`,
  /** A list of domain/lists.ts: whose (an agent or a queue), and which. */
  list: (list: string, of: string) => `${prefix}:ls:${list}:${of}`,
  expiring: (key: string) => `${prefix}:lk:${key}`,
  /** An agent's own canned replies, by shortcut. */
  canned: (agentId: string) => `${prefix}:canned:${agentId}`,
  /** A chat's reply clock (response targets): its running wait, and whether an agent replied. */
  replyClock: (sessionId: string) => `${prefix}:rc:${sessionId}`,
  once: (key: string) => `${prefix}:once:${key}`,
});

/**
 * BullMQ's own keys live under this prefix. BullMQ needs all of a queue's keys in one slot
 * on a cluster: the hash tag `{q}` puts them there (BullMQ's timers are few and light).
 */
export const queuePrefix = (prefix: string): string => `${prefix}:{q}`;

/** Every destination key ending in `suffix` (`q` its queue, `l` its lease), as a SCAN pattern. */
export const destKeyPattern = (prefix: string, suffix: 'q' | 'l'): string => `${prefix}:d:{*}:*:${suffix}`;

/** The destination a key of destKeys names (`prefix:d:{tag}:dest:q` → `dest`); undefined for any other key. */
export function destOfKey(prefix: string, key: string, suffix: 'q' | 'l'): string | undefined {
  if (!key.startsWith(`${prefix}:d:{`) || !key.endsWith(`:${suffix}`)) return undefined;
  return key.slice(key.indexOf('}:') + 2, -(suffix.length + 1));
}

/** The open chats' sorted set from before the lists (adopted once at start-up, then gone). */
export const legacyOpenSet = (prefix: string): string => `${prefix}:open`;

/** Where BullMQ's keys were before they carried a hash tag (migrated at start-up). */
export const legacyQueuePrefix = (prefix: string): string => `${prefix}:q`;

/** A chat's events channel, in the chat's slot: a script may SPUBLISH to it on a cluster. */
export const eventsChannel = (prefix: string, sessionId: string): string => sessionKeys(prefix, sessionId).events;

export { inviteSessionId } from '../../src/domain/invite.js';
