import { describe, expect, it } from 'vitest';
import { foldEntries, legAt, noFacts, splitEntryId } from '../../src/domain/record.js';
import type { EntryBody, TranscriptEntry } from '../../src/domain/transcript.js';

const T = Date.UTC(2026, 0, 5, 9, 0, 0);
const s = (n: number) => T + n * 1000;
let seq = 0;
type Body = EntryBody extends unknown
  ? EntryBody extends infer B
    ? B extends EntryBody
      ? Omit<B, 'ts' | 'visibility'> & { visibility?: EntryBody['visibility'] }
      : never
    : never
  : never;
const e = (at: number, body: Body): TranscriptEntry =>
  ({ id: `${s(at)}-${seq++}`, ts: s(at), visibility: 'public', ...body }) as TranscriptEntry;
const joined = (
  at: number,
  agentId: string,
  mode: 'owner' | 'participant' | 'monitor',
  via?: 'invite' | 'transfer' | 'supervisor',
) => e(at, { kind: 'participant', agentId, name: agentId, mode, action: 'joined', ...(via ? { via } : {}) });
const left = (at: number, agentId: string, mode: 'owner' | 'participant' | 'monitor', via?: 'transfer') =>
  e(at, { kind: 'participant', agentId, name: agentId, mode, action: 'left', ...(via ? { via } : {}) });
const status = (at: number, st: 'waiting' | 'active' | 'ended') => e(at, { kind: 'status', status: st });
const reply = (at: number, agentId: string, visibility: EntryBody['visibility'] = 'public') =>
  e(at, { kind: 'message', author: 'agent', agentId, text: 'hi', visibility });

describe("the record's fold", () => {
  it('follows a chat through a release, a move and a transfer, into legs and memberships', () => {
    const entries = [
      status(0, 'waiting'),
      status(60, 'active'),
      joined(60, 'alice', 'owner'),
      reply(90, 'alice'),
      joined(100, 'carol', 'monitor', 'supervisor'),
      reply(101, 'carol', 'agents'),
      // Alice releases: the chat waits again.
      left(120, 'alice', 'owner'),
      status(120, 'waiting'),
      e(120, { kind: 'event', event: 'released', by: 'alice', visibility: 'agents' }),
      status(150, 'active'),
      joined(150, 'bob', 'owner'),
      // Bob moves it to HR.
      left(200, 'bob', 'owner'),
      status(200, 'waiting'),
      e(200, { kind: 'event', event: 'moved', by: 'bob', about: 'hr', from: 'it', visibility: 'agents' }),
      status(260, 'active'),
      joined(260, 'erin', 'owner'),
      e(270, { kind: 'event', event: 'help.asked', by: 'erin', visibility: 'agents' }),
      // Erin hands it to Dan (an offer accepted).
      left(280, 'erin', 'owner', 'transfer'),
      joined(280, 'dan', 'owner', 'transfer'),
      reply(300, 'dan'),
      status(400, 'ended'),
      e(410, { kind: 'event', event: 'rated', score: 4, note: 'ok', visibility: 'agents' }),
    ];
    // Applied in two passes, as the archiver would: the same facts as in one.
    const f = foldEntries(noFacts(), entries.slice(0, 9), { queueId: 'it', createdAt: s(0), endedBy: 'dan' });
    foldEntries(f, entries.slice(9), { queueId: 'hr', createdAt: s(0), endedBy: 'dan' });
    expect(f.legs).toEqual([
      // Alice released it in IT (Bob's leaving became a move); Erin handed it on in HR, where it ended and was rated.
      {
        id: entries[0]!.id,
        queueId: 'it',
        startedAt: s(0),
        answeredAt: s(60),
        firstReplyAt: s(90),
        endedAt: s(200),
        outcome: 'moved',
        released: 1,
        transferred: 0,
      },
      {
        id: entries[13]!.id,
        queueId: 'hr',
        startedAt: s(200),
        answeredAt: s(260),
        firstReplyAt: s(300),
        endedAt: s(400),
        outcome: 'ended',
        released: 0,
        transferred: 1,
        rating: 4,
      },
    ]);
    const members = f.members.map((m) => [
      m.agentId,
      m.mode,
      m.via,
      m.joinedAt - T,
      m.leftAt! - T,
      m.outcome,
      m.waitedFrom === undefined ? null : m.waitedFrom - T,
      m.firstReplyAt === undefined ? null : m.firstReplyAt - T,
    ]);
    expect(members).toEqual([
      ['alice', 'owner', 'accept', 60_000, 120_000, 'released', 0, 90_000],
      ['carol', 'monitor', 'supervisor', 100_000, 400_000, 'ended', null, null],
      ['bob', 'owner', 'accept', 150_000, 200_000, 'moved', 120_000, null],
      ['erin', 'owner', 'accept', 260_000, 280_000, 'transferred', 200_000, null],
      ['dan', 'owner', 'transfer', 280_000, 400_000, 'ended', null, 300_000],
    ]);
    expect(f.events.map((x) => [x.event, x.legId])).toEqual([
      ['released', entries[0]!.id],
      ['moved', entries[0]!.id],
      ['help.asked', entries[13]!.id],
      ['rated', entries[13]!.id],
    ]);
    expect(f.firstReplyAt).toBe(s(90));
    expect(f.rating).toEqual({ score: 4, comment: 'ok', at: s(410) });
    expect(legAt(f, s(250))?.queueId).toBe('hr');
  });

  it('tells a chat left while waiting from one nobody answered, and an owner who never replied', () => {
    const gone = foldEntries(noFacts(), [status(0, 'waiting'), status(30, 'ended')], {
      queueId: 'it',
      createdAt: s(0),
      endedBy: 'user',
    });
    expect(gone.legs[0]!.outcome).toBe('abandoned');
    const unanswered = foldEntries(noFacts(), [status(0, 'waiting'), status(1800, 'ended')], {
      queueId: 'it',
      createdAt: s(0),
      endedBy: 'system',
      endReason: 'unanswered',
    });
    expect(unanswered.legs[0]!.outcome).toBe('unanswered');
    const silent = foldEntries(noFacts(), [status(0, 'waiting'), joined(10, 'alice', 'owner'), status(50, 'ended')], {
      queueId: 'it',
      createdAt: s(0),
      endedBy: 'user',
    });
    expect(silent.legs[0]!.outcome).toBe('ended');
    expect(silent.members[0]).toMatchObject({ outcome: 'ended', abandoned: true });
  });

  it('makes a step up a new membership, and splits stream ids', () => {
    const f = foldEntries(
      noFacts(),
      [
        status(0, 'waiting'),
        joined(5, 'alice', 'owner'),
        joined(10, 'carol', 'monitor', 'supervisor'),
        e(20, { kind: 'participant', agentId: 'carol', name: 'Carol', mode: 'participant', action: 'promoted' }),
      ],
      { queueId: 'it', createdAt: s(0) },
    );
    expect(f.members.filter((m) => m.agentId === 'carol').map((m) => [m.mode, m.outcome ?? 'open'])).toEqual([
      ['monitor', 'promoted'],
      ['participant', 'open'],
    ]);
    expect(splitEntryId('1767603600000-12')).toEqual({ ms: 1767603600000, seq: 12 });
  });
});
