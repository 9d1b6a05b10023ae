import { type Logger, pino } from 'pino';
import type { z } from 'zod';

/** Where the store says that a record it read back did not parse (silent unless given a logger). */
export const quiet: Logger = pino({ level: 'silent' });

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * A record read back from Redis, checked with its schema. One that no longer parses (written
 * unchecked, or by another version) must not fail the chat it belongs to: the fields that do
 * not parse are left out when the rest still makes a record (they are optional), else the
 * record is skipped; either way it is logged.
 */
export function readRecord<S extends z.ZodType>(
  schema: S,
  raw: string,
  what: string,
  log: Logger,
): z.output<S> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    log.error({ err, what }, 'a stored record is not JSON: skipped');
    return undefined;
  }
  const first = schema.safeParse(value);
  if (first.success) return first.data;
  const issues = first.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message }));
  const failing = [
    ...new Set(first.error.issues.map((i) => i.path[0]).filter((k): k is string => typeof k === 'string')),
  ];
  if (isObject(value) && failing.length > 0) {
    const rest = Object.fromEntries(Object.entries(value).filter(([k]) => !failing.includes(k)));
    const second = schema.safeParse(rest);
    if (second.success) {
      log.warn(
        { what, dropped: failing, issues },
        'a stored record no longer parses: read without the fields that do not',
      );
      return second.data;
    }
  }
  log.error({ what, issues }, 'a stored record no longer parses: skipped');
  return undefined;
}

/** Each record that parses (see readRecord), in order. */
export const readRecords = <S extends z.ZodType>(
  schema: S,
  raws: readonly string[],
  what: string,
  log: Logger,
): Array<z.output<S>> =>
  raws.flatMap((raw) => {
    const r = readRecord(schema, raw, what, log);
    return r === undefined ? [] : [r];
  });
