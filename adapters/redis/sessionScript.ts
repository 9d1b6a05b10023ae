import type { Redis } from 'ioredis';
import type { StoreResult, Writes } from '../../src/app/store.js';
import { EntryBody, type TranscriptEntry } from '../../src/domain/transcript.js';
import { eventsChannel, globalKeys, sessionKeyList, sessionKeys } from './keys.js';
import { type ScriptName, withScripts } from './scripts.js';

export type ScriptReply = [number, ...string[]];

/**
 * Runs one of the session scripts: the state change, its transcript entries and its effects
 * as one atomic step (see lua/includes/prelude.lua for the argument layout).
 */
export async function runSessionScript(redis: Redis, prefix: string, name: ScriptName, sessionId: string, params: Record<string, unknown>, w: Writes = {}, markDirty = true): Promise<ScriptReply> {
  const entries = (w.entries ?? []).map((e) => JSON.stringify(EntryBody.parse(e)));
  const effects = (w.effects ?? []).map((e) => JSON.stringify(e));
  const args = [
    ...sessionKeyList(sessionKeys(prefix, sessionId)),
    sessionId,
    eventsChannel(prefix, sessionId),
    JSON.stringify(params),
    String(entries.length), ...entries,
    String(effects.length), ...effects,
  ];
  // Mark the session dirty first (same pipeline, same order): a crash after the script
  // leaves a harmless mark, never a stranded effect.
  const marked = markDirty && (effects.length || entries.length) ? redis.sadd(globalKeys(prefix).dirty, sessionId) : undefined;
  const [reply] = await Promise.all([withScripts(redis)[name](...args) as Promise<ScriptReply>, marked]);
  return reply;
}

/** A script's reply as ids, or the refusal code its precondition gave. */
export const idsOf = (reply: ScriptReply): StoreResult<string[]> =>
  (reply[0] === 1 ? { ok: true, value: reply.slice(1) as string[] } : { ok: false, code: String(reply[1]) });

/** Transcript entries from XRANGE replies. */
export const entriesOf = (raw: Array<[string, string[]]>): TranscriptEntry[] =>
  raw.map(([id, fields]) => ({ id, ...EntryBody.parse(JSON.parse(fields[1] ?? '{}')) }));
