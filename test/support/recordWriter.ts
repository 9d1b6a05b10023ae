/**
 * Chats made up for the record's idempotence tests, and (run as a process) a writer of them
 * that a test kills with kill -9 in the middle of its transaction. RECORD_TARGET (JSON) says
 * where; it prints `writing` just before the transaction and `written` after it.
 */
import { pino } from 'pino';
import { openRecord, type RecordTarget } from '../../adapters/postgres/index.js';
import type { ChatSnapshot } from '../../src/app/record/port.js';
import type { TranscriptEntry } from '../../src/domain/transcript.js';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
/** The chats of the writer a test kills: their own ids and day. */
export const KILLED = { prefix: 'killed', at: T0 + 86_400_000 };

/** `chats` ended chats of `messages` messages each (plus their status and join entries), answered and ended. */
export function madeUpChats(chats: number, messages: number, o: { prefix?: string; at?: number } = {}): ChatSnapshot[] {
  const { prefix = 'made', at = T0 } = o;
  return Array.from({ length: chats }, (_, c) => {
    const start = at + c * 60_000;
    const entries: TranscriptEntry[] = [
      { id: `${start}-0`, kind: 'status', ts: start, visibility: 'public', status: 'waiting' },
      { id: `${start + 1000}-0`, kind: 'status', ts: start + 1000, visibility: 'public', status: 'active' },
      {
        id: `${start + 1000}-1`,
        kind: 'participant',
        ts: start + 1000,
        visibility: 'public',
        agentId: 'alice',
        name: 'Alice',
        mode: 'owner',
        action: 'joined',
      },
    ];
    for (let m = 0; m < messages; m++) {
      const ts = start + 2000 + m;
      entries.push({
        id: `${ts}-0`,
        kind: 'message',
        ts,
        visibility: 'public',
        author: m % 2 ? 'agent' : 'user',
        ...(m % 2 ? { agentId: 'alice', authorName: 'Alice' } : {}),
        text: `message ${m} of chat ${c}`,
      });
    }
    const end = start + 2000 + messages + 1000;
    entries.push({ id: `${end}-0`, kind: 'status', ts: end, visibility: 'public', status: 'ended' });
    return {
      session: {
        id: `${prefix}.up${String(c).padStart(5, '0')}`,
        ref: `MADE${String(c).padStart(2, '0')}`.slice(0, 6),
        queueId: 'it-support',
        status: 'ended',
        endUser: { name: `User ${c}` },
        ownerId: 'alice',
        createdAt: start,
        acceptedAt: start + 1000,
        endedAt: end,
        endedBy: 'alice',
      },
      rev: 3,
      tokenHash: 'h',
      mirrors: [],
      invites: [],
      entries,
    };
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const target = JSON.parse(process.env.RECORD_TARGET ?? '{}') as RecordTarget;
  const record = openRecord(target, pino({ level: 'silent' }));
  await record.ready();
  const chats = madeUpChats(Number(process.env.CHATS ?? 20), Number(process.env.MESSAGES ?? 2000), KILLED);
  process.stdout.write('writing\n');
  await record.archive(chats);
  process.stdout.write('written\n');
  await record.close();
}
