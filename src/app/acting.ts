import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where the one acting typed what they are doing (a 1:1 that mirrors chats, a chat's thread),
 * for the length of that action: the transcript entries it writes carry it as their origin,
 * so a 1:1 is not also sent the line about a command run in it (its answer already said so).
 */
const place = new AsyncLocalStorage<string>();

export const actingFrom = <T>(where: string | undefined, work: () => Promise<T>): Promise<T> =>
  where ? place.run(where, work) : work();

/** The place the current action was typed in, if any. */
export const actingPlace = (): string | undefined => place.getStore();
