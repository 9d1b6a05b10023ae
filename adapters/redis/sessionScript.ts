import type { Logger } from 'pino';
import { actingPlace } from '../../src/app/acting.js';
import type { StoreResult, Writes } from '../../src/app/store.js';
import { EntryBody, type TranscriptEntry } from '../../src/domain/transcript.js';
import { markCommitted } from './archiveMarks.js';
import { isCluster, type RedisClient, usesShardedPubSub } from './connection.js';
import { eventsChannel, globalKeys, sessionKeyList, sessionKeys } from './keys.js';
import { quiet, readRecord } from './records.js';
import { type ScriptName, withScripts } from './scripts.js';

export type ScriptReply = [number, ...string[]];

/**
 * Runs one of the session scripts: the state change, its transcript entries and its effects
 * as one atomic step (see lua/includes/prelude.lua for the argument layout).
 */
export async function runSessionScript(
  redis: RedisClient,
  prefix: string,
  name: ScriptName,
  sessionId: string,
  params: Record<string, unknown>,
  w: Writes = {},
  markDirty = true,
): Promise<ScriptReply> {
  // What a command writes remembers where it was typed, unless the entry says (a message's own origin).
  const typed = actingPlace();
  const entries = (w.entries ?? []).map((e) =>
    JSON.stringify(
      EntryBody.parse(typed && e.kind !== 'status' && !('origin' in e && e.origin) ? { ...e, origin: typed } : e),
    ),
  );
  const effects = (w.effects ?? []).map((e) => JSON.stringify(e));
  const args = [
    ...sessionKeyList(sessionKeys(prefix, sessionId)),
    sessionId,
    eventsChannel(prefix, sessionId),
    JSON.stringify(usesShardedPubSub(redis) ? { ...params, sharded: true } : params),
    String(entries.length),
    ...entries,
    String(effects.length),
    ...effects,
  ];
  // Mark the session dirty first: a crash after the script leaves a harmless mark, never a
  // stranded effect. One server runs commands in the order sent (same pipeline); on a
  // cluster the mark's slot lives elsewhere, so it is awaited first.
  const mark =
    markDirty && (effects.length || entries.length) ? () => redis.sadd(globalKeys(prefix).dirty, sessionId) : undefined;
  if (mark && isCluster(redis)) await mark();
  const [reply] = await Promise.all([
    withScripts(redis)[name](...args) as Promise<ScriptReply>,
    isCluster(redis) ? undefined : mark?.(),
  ]);
  // What changed is due for the record (README "The record"): marked after the commit, not awaited.
  if (reply[0] !== 0) markCommitted(redis, sessionId);
  return reply;
}

/** A script's reply as ids, or the refusal code its precondition gave. */
export const idsOf = (reply: ScriptReply): StoreResult<string[]> =>
  reply[0] === 1 ? { ok: true, value: reply.slice(1) as string[] } : { ok: false, code: String(reply[1]) };

/** Transcript entries from XRANGE replies (one that no longer parses is skipped, and logged). */
export const entriesOf = (raw: Array<[string, string[]]>, log: Logger = quiet): TranscriptEntry[] =>
  raw.flatMap(([id, fields]) => {
    const body = readRecord(EntryBody, fields[1] ?? '{}', `entry ${id}`, log);
    return body ? [{ id, ...body }] : [];
  });

/** Sets one field of a chat's hash, only while the chat is there (lua/setIfChat.lua). */
export async function setIfChat(
  redis: RedisClient,
  prefix: string,
  sessionId: string,
  field: string,
  value: string,
): Promise<boolean> {
  return (await withScripts(redis).setIfChat(sessionKeys(prefix, sessionId).session, field, value)) === 1;
}
