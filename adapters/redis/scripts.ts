import { readFileSync } from 'node:fs';
import type { RedisClient } from './connection.js';

/**
 * The Lua scripts, each in its own file under lua/ with a header naming its KEYS and ARGV,
 * registered on a connection with defineCommand (EVALSHA, EVAL only when Redis has not
 * seen the script yet). A line `-- @include name` pulls in lua/includes/name.lua.
 */
const SCRIPTS = {
  createSession: 7,
  acceptSession: 7,
  endSession: 7,
  addMember: 7,
  appendEntries: 7,
  createInvite: 7,
  settleInvite: 7,
  requeueSession: 7,
  removeMember: 7,
  escalateSession: 7,
  ackEffect: 2,
  setMirror: 1,
  setIfChat: 1,
  removeMirror: 1,
  releaseLock: 1,
  markIndexed: 1,
  reserveSlot: 1,
  claimLeastLoaded: 1,
  enqueue: 3,
  claimDest: 2,
  ackDeliveries: 5,
  renewLease: 1,
  markInflight: 2,
  unwatchDest: 1,
  archiveClaim: 2,
  archiveRecover: 2,
} as const;
export type ScriptName = keyof typeof SCRIPTS;

const dir = new URL('./lua/', import.meta.url);
const read = (name: string): string =>
  readFileSync(new URL(`${name}.lua`, dir), 'utf8').replace(/^-- @include (\w+)$/gm, (_m, inc: string) =>
    read(`includes/${inc}`),
  );

const sources = new Map<ScriptName, string>();
const source = (name: ScriptName): string => {
  if (!sources.has(name)) sources.set(name, read(name));
  return sources.get(name)!;
};

type Reply = unknown;
export type Scripted = RedisClient & { [K in ScriptName]: (...args: Array<string | number>) => Promise<Reply> };

/** Registers every script on a connection (once) and returns it typed with them. */
export function withScripts(redis: RedisClient): Scripted {
  for (const name of Object.keys(SCRIPTS) as ScriptName[]) {
    if (!(name in redis)) redis.defineCommand(name, { lua: source(name), numberOfKeys: SCRIPTS[name] });
  }
  return redis as Scripted;
}
