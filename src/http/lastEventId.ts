import { Refused } from '../app/errors.js';
import { compareEntryIds } from '../domain/transcript.js';

/** A Redis stream id is two unsigned 64-bit numbers, "<ms>-<seq>". */
const ID = /^(\d{1,20})-(\d{1,20})$/;
const U64_MAX = 2n ** 64n - 1n;

const invalid = () => Refused.of('invalid_last_event_id');

/**
 * The resume point a client sends (header `Last-Event-ID`, or `?lastEventId=`), bounded:
 * anything but two decimal numbers of at most 64 bits each is refused. Returned normalised
 * (no leading zeros), or undefined when the client sent none.
 */
export function parseLastEventId(header: string | undefined, query: unknown): string | undefined {
  const raw = header ?? (query === undefined ? undefined : typeof query === 'string' ? query : null);
  if (raw === null) throw invalid();
  if (raw === undefined || raw === '') return undefined;
  const m = ID.exec(raw);
  if (!m) throw invalid();
  const ms = BigInt(m[1]!);
  const seq = BigInt(m[2]!);
  if (ms > U64_MAX || seq > U64_MAX) throw invalid();
  return `${ms}-${seq}`;
}

/**
 * An id beyond the stream's last entry was never sent by it (a client's invention, or a
 * transcript that lost its last second in a Redis crash). Resuming there would skip every
 * event until the stream caught up with it, which may be never: resume from the last entry.
 */
export function clampToTail(lastId: string, tailId: string | undefined): string {
  const tail = tailId ?? '0-0';
  return compareEntryIds(lastId, tail) > 0 ? tail : lastId;
}
