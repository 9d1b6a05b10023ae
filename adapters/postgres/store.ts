import { randomBytes } from 'node:crypto';
import { type Insertable, type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { type Mirror, MirrorSchema } from '../../src/app/ports.js';
import {
  type ChatRecord,
  type ChatSnapshot,
  type Erasure,
  type ErasureResult,
  type OpenChat,
  type Period,
  type RecordStore,
  RecordUnavailable,
  type Unreached,
} from '../../src/app/record/port.js';
import { type ChatFacts, foldEntries, legAt, type Rating, splitEntryId } from '../../src/domain/record.js';
import { type Session, SessionSchema } from '../../src/domain/session.js';
import { EntryBody, type TranscriptEntry } from '../../src/domain/transcript.js';
import { migrate } from './migrate.js';
import { agentReport, queueReport } from './reports.js';
import type { ChatsTable, Database, EntriesTable } from './schema.js';

type Tx = Transaction<Database>;
type ChatRow = Selectable<ChatsTable>;

/** Every column of a chat's row the archive writes back (the key and the generated ones aside). */
const CHAT_COLUMNS = [
  'ref',
  'queue_id',
  'status',
  'user_name',
  'user_email',
  'token_hash',
  'owner_id',
  'created_at',
  'accepted_at',
  'first_response_at',
  'ended_at',
  'ended_by',
  'end_reason',
  'escalated_at',
  'rating_score',
  'rating_comment',
  'rated_at',
  'mirrors',
  'rev',
  'cursor_ms',
  'cursor_seq',
  'archived_at',
  'outcome',
  'outcome_note',
] as const satisfies ReadonlyArray<keyof ChatsTable>;

const date = (ms: number): Date => new Date(ms);
/** Seconds from one moment to another, when both are known. */
const span = (from: number | undefined, to: number | undefined): number | null =>
  from === undefined || to === undefined ? null : (to - from) / 1000;
const ms = (d: Date | null): number | undefined => (d ? d.getTime() : undefined);
const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const cursorOf = (r: { cursor_ms: number; cursor_seq: number }): string => `${r.cursor_ms}-${r.cursor_seq}`;
const after = (id: string, cursor: { ms: number; seq: number }): boolean => {
  const e = splitEntryId(id);
  return e.ms > cursor.ms || (e.ms === cursor.ms && e.seq > cursor.seq);
};
/** At most this many rows per INSERT (PostgreSQL takes 65,535 parameters a statement). */
const CHUNK = 500;
const chunks = <T>(rows: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(rows.length / CHUNK) }, (_, i) => rows.slice(i * CHUNK, (i + 1) * CHUNK));

/** The columns a snapshot sets on its chat's row. */
function chatColumns(s: ChatSnapshot) {
  const x = s.session;
  return {
    ref: x.ref,
    queue_id: x.queueId,
    status: x.status,
    user_name: x.endUser.name,
    user_email: orNull(x.endUser.email),
    token_hash: s.tokenHash,
    owner_id: orNull(x.ownerId),
    created_at: date(x.createdAt),
    accepted_at: x.acceptedAt ? date(x.acceptedAt) : null,
    ended_at: x.endedAt ? date(x.endedAt) : null,
    ended_by: orNull(x.endedBy),
    end_reason: orNull(x.endReason),
    escalated_at: x.escalatedAt ? date(x.escalatedAt) : null,
    rev: s.rev,
    outcome: orNull(x.outcome),
    outcome_note: orNull(x.outcomeNote),
  };
}

function entryRow(chatId: string, e: TranscriptEntry): Insertable<EntriesTable> {
  const { id, ...body } = e;
  const { ms: m, seq } = splitEntryId(id);
  const agentId = e.kind === 'message' || e.kind === 'participant' ? e.agentId : e.kind === 'event' ? e.by : undefined;
  const text = e.kind === 'message' || e.kind === 'edit' ? e.text : e.kind === 'event' ? e.note : undefined;
  return {
    chat_id: chatId,
    ms: m,
    seq,
    at: date(e.ts),
    kind: e.kind,
    visibility: e.visibility,
    author: e.kind === 'message' ? e.author : null,
    agent_id: orNull(agentId),
    text: orNull(text),
    file: e.kind === 'message' && e.file ? JSON.stringify(e.file) : null,
    body: JSON.stringify(body),
  };
}

/** Mirrors kept so far and those of the snapshot, by id: the record keeps every place a chat was shown. */
function mirrorsUnion(kept: unknown, now: readonly Mirror[]): Mirror[] {
  const all = new Map<string, Mirror>();
  for (const m of MirrorSchema.array().catch([]).parse(kept)) all.set(m.id, m);
  for (const m of now) all.set(m.id, m);
  return [...all.values()];
}

function sessionOf(r: ChatRow): Session {
  return SessionSchema.parse({
    id: r.id,
    ref: r.ref,
    queueId: r.queue_id,
    status: r.status,
    endUser: { name: r.user_name, ...(r.user_email ? { email: r.user_email } : {}) },
    createdAt: r.created_at.getTime(),
    ...(r.owner_id ? { ownerId: r.owner_id } : {}),
    ...(r.accepted_at ? { acceptedAt: r.accepted_at.getTime() } : {}),
    ...(r.ended_at ? { endedAt: r.ended_at.getTime() } : {}),
    ...(r.ended_by ? { endedBy: r.ended_by } : {}),
    ...(r.escalated_at ? { escalatedAt: r.escalated_at.getTime() } : {}),
    ...(r.end_reason ? { endReason: r.end_reason } : {}),
    ...(r.outcome ? { outcome: r.outcome } : {}),
    ...(r.outcome_note ? { outcomeNote: r.outcome_note } : {}),
  });
}

function recordOf(r: ChatRow): ChatRecord {
  const rating: Rating | undefined =
    r.rating_score !== null && r.rated_at
      ? { score: r.rating_score, at: r.rated_at.getTime(), ...(r.rating_comment ? { comment: r.rating_comment } : {}) }
      : undefined;
  return {
    session: sessionOf(r),
    tokenHash: r.token_hash,
    mirrors: mirrorsUnion(r.mirrors, []),
    ...(rating ? { rating } : {}),
  };
}

/**
 * The record on PostgreSQL or PGlite, through Kysely. The archive applies each entry once:
 * a chat's row is locked while its entries are written, and its cursor moves in the same
 * transaction, so replays and concurrent writers find their entries already applied.
 */
export class KyselyRecord implements RecordStore {
  private migrated: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    readonly backend: 'postgres' | 'pglite',
  ) {}

  /** Runs a query, turning a database that cannot be reached into RecordUnavailable. */
  private async q<T>(work: () => Promise<T>): Promise<T> {
    await this.ready();
    try {
      return await work();
    } catch (err) {
      throw unreachable(err) ? new RecordUnavailable((err as Error).message) : err;
    }
  }

  ready(): Promise<void> {
    // Migrated once per process; a failure (the database is down) is tried again on the next call.
    this.migrated ??= migrate(this.db).then(
      () => undefined,
      (err: unknown) => {
        this.migrated = undefined;
        throw unreachable(err) ? new RecordUnavailable((err as Error).message) : err;
      },
    );
    return this.migrated;
  }

  async probe(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const answer = this.ready()
      .then(() => sql`select 1`.execute(this.db))
      .then(
        () => true,
        () => false,
      );
    try {
      return await Promise.race([answer, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  cursors(ids: readonly string[]) {
    return this.q(async () => {
      if (ids.length === 0) return {};
      const rows = await this.db
        .selectFrom('chats')
        .select(['id', 'rev', 'cursor_ms', 'cursor_seq'])
        .where('id', 'in', ids)
        .execute();
      return Object.fromEntries(rows.map((r) => [r.id, { through: cursorOf(r), rev: r.rev }]));
    });
  }

  archive(input: readonly ChatSnapshot[]) {
    // One snapshot per chat (the last given), in id order: two writers lock rows in the same order.
    const snaps = [...new Map(input.map((s) => [s.session.id, s])).values()].sort((a, b) =>
      a.session.id.localeCompare(b.session.id),
    );
    if (snaps.length === 0) return Promise.resolve({});
    return this.q(() => this.db.transaction().execute((tx) => this.write(tx, snaps)));
  }

  /**
   * One transaction, a dozen statements whatever the batch (each a round trip to PostgreSQL):
   * the chats' rows made and locked, their facts read, the new entries applied to them, and
   * everything written back.
   */
  private async write(tx: Tx, snaps: ChatSnapshot[]): Promise<Record<string, string | undefined>> {
    const ids = snaps.map((s) => s.session.id);
    await tx
      .insertInto('chats')
      .values(snaps.map((s) => ({ id: s.session.id, ...chatColumns(s), mirrors: JSON.stringify(s.mirrors) })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    const rows = new Map(
      (await tx.selectFrom('chats').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute()).map((r) => [
        r.id,
        r,
      ]),
    );
    const facts = await this.facts(tx, ids, rows);
    const through: Record<string, string | undefined> = {};
    const entries: Array<Insertable<EntriesTable>> = [];
    const chats: Array<Insertable<ChatsTable>> = [];
    const folded: Array<[string, ChatFacts, ChatSnapshot]> = [];
    for (const s of snaps) {
      const id = s.session.id;
      const row = rows.get(id)!;
      const cursor = { ms: row.cursor_ms, seq: row.cursor_seq };
      const fresh = s.entries.filter((e) => after(e.id, cursor));
      const f = foldEntries(facts.get(id)!, fresh, s.session);
      for (const e of fresh) entries.push(entryRow(id, e));
      const last = fresh.at(-1) ? splitEntryId(fresh.at(-1)!.id) : cursor;
      through[id] = `${last.ms}-${last.seq}`;
      // A snapshot older than the state kept leaves that state alone (another writer was later).
      const { id: _id, archived_at: _at, user_email_key: _key, ...kept } = row;
      chats.push({
        ...kept,
        id,
        ...(s.rev >= row.rev ? chatColumns(s) : {}),
        cursor_ms: last.ms,
        cursor_seq: last.seq,
        mirrors: JSON.stringify(mirrorsUnion(row.mirrors, s.mirrors)),
        first_response_at: f.firstReplyAt ? date(f.firstReplyAt) : null,
        ...(f.rating
          ? { rating_score: f.rating.score, rating_comment: orNull(f.rating.comment), rated_at: date(f.rating.at) }
          : {}),
      });
      folded.push([id, f, s]);
    }
    for (const part of chunks(entries))
      await tx
        .insertInto('entries')
        .values(part)
        .onConflict((oc) => oc.columns(['chat_id', 'ms', 'seq']).doNothing())
        .execute();
    await this.writeFacts(tx, folded);
    await tx
      .insertInto('chats')
      .values(chats)
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet(
            (eb) =>
              Object.fromEntries(CHAT_COLUMNS.map((c) => [c, eb.ref(`excluded.${c}`)])) as Record<
                (typeof CHAT_COLUMNS)[number],
                never
              >,
          ),
      )
      .execute();
    return through;
  }

  /** The facts kept so far for these chats (their rows, locked, give the chat's own). */
  private async facts(tx: Tx, ids: string[], chats: Map<string, ChatRow>): Promise<Map<string, ChatFacts>> {
    const legs = await tx
      .selectFrom('legs')
      .selectAll()
      .where('chat_id', 'in', ids)
      .orderBy('started_at')
      .orderBy('id')
      .execute();
    const members = await tx
      .selectFrom('members')
      .selectAll()
      .where('chat_id', 'in', ids)
      .orderBy('joined_at')
      .orderBy('id')
      .execute();
    const events = await tx
      .selectFrom('chat_events')
      .selectAll()
      .where('chat_id', 'in', ids)
      .orderBy('at')
      .orderBy('id')
      .execute();
    const out = new Map<string, ChatFacts>(ids.map((id) => [id, { legs: [], members: [], events: [] }]));
    for (const l of legs) {
      out.get(l.chat_id)!.legs.push({
        id: l.id,
        queueId: l.queue_id,
        startedAt: l.started_at.getTime(),
        released: l.released,
        transferred: l.transferred,
        ...defined({
          waitingSince: ms(l.waiting_since),
          answeredAt: ms(l.answered_at),
          firstReplyAt: ms(l.first_reply_at),
          endedAt: ms(l.ended_at),
          rating: l.rating_score ?? undefined,
        }),
        ...(l.outcome ? { outcome: l.outcome as NonNullable<ChatFacts['legs'][number]['outcome']> } : {}),
      });
    }
    for (const m of members) {
      out.get(m.chat_id)!.members.push({
        id: m.id,
        agentId: m.agent_id,
        mode: m.mode as ChatFacts['members'][number]['mode'],
        via: m.via as ChatFacts['members'][number]['via'],
        legId: m.leg_id,
        joinedAt: m.joined_at.getTime(),
        ...defined({ waitedFrom: ms(m.waited_from), firstReplyAt: ms(m.first_reply_at), leftAt: ms(m.left_at) }),
        ...(m.outcome ? { outcome: m.outcome as NonNullable<ChatFacts['members'][number]['outcome']> } : {}),
        ...(m.abandoned ? { abandoned: true } : {}),
      });
    }
    for (const e of events) {
      out.get(e.chat_id)!.events.push({
        id: e.id,
        at: e.at.getTime(),
        event: e.event as ChatFacts['events'][number]['event'],
        legId: e.leg_id,
        ...(e.by_agent ? { by: e.by_agent } : {}),
        ...(e.about ? { about: e.about } : {}),
      });
    }
    for (const [id, c] of chats) {
      const f = out.get(id)!;
      if (c.first_response_at) f.firstReplyAt = c.first_response_at.getTime();
      if (c.rating_score !== null && c.rated_at)
        f.rating = {
          score: c.rating_score,
          at: c.rated_at.getTime(),
          ...(c.rating_comment ? { comment: c.rating_comment } : {}),
        };
    }
    return out;
  }

  /** The chats' legs, memberships, events and invites as the fold left them (rows are few per chat): one statement each. */
  private async writeFacts(tx: Tx, folded: Array<[string, ChatFacts, ChatSnapshot]>): Promise<void> {
    const legs = folded.flatMap(([chatId, f]) =>
      f.legs.map((l) => ({
        chat_id: chatId,
        id: l.id,
        queue_id: l.queueId,
        started_at: date(l.startedAt),
        waiting_since: l.waitingSince ? date(l.waitingSince) : null,
        answered_at: l.answeredAt ? date(l.answeredAt) : null,
        first_reply_at: l.firstReplyAt ? date(l.firstReplyAt) : null,
        ended_at: l.endedAt ? date(l.endedAt) : null,
        outcome: orNull(l.outcome),
        released: l.released,
        transferred: l.transferred,
        rating_score: orNull(l.rating),
        wait_s: span(l.startedAt, l.answeredAt),
        first_s: span(l.startedAt, l.firstReplyAt),
        handle_s: span(l.answeredAt, l.endedAt),
      })),
    );
    for (const part of chunks(legs)) {
      await tx
        .insertInto('legs')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['chat_id', 'id']).doUpdateSet((eb) => ({
            queue_id: eb.ref('excluded.queue_id'),
            waiting_since: eb.ref('excluded.waiting_since'),
            answered_at: eb.ref('excluded.answered_at'),
            first_reply_at: eb.ref('excluded.first_reply_at'),
            ended_at: eb.ref('excluded.ended_at'),
            outcome: eb.ref('excluded.outcome'),
            released: eb.ref('excluded.released'),
            transferred: eb.ref('excluded.transferred'),
            rating_score: eb.ref('excluded.rating_score'),
            wait_s: eb.ref('excluded.wait_s'),
            first_s: eb.ref('excluded.first_s'),
            handle_s: eb.ref('excluded.handle_s'),
          })),
        )
        .execute();
    }
    const members = folded.flatMap(([chatId, f]) =>
      f.members.map((m) => ({
        chat_id: chatId,
        id: m.id,
        agent_id: m.agentId,
        mode: m.mode,
        via: m.via,
        leg_id: m.legId,
        joined_at: date(m.joinedAt),
        waited_from: m.waitedFrom ? date(m.waitedFrom) : null,
        first_reply_at: m.firstReplyAt ? date(m.firstReplyAt) : null,
        left_at: m.leftAt ? date(m.leftAt) : null,
        outcome: orNull(m.outcome),
        abandoned: m.abandoned === true,
        wait_s: span(m.waitedFrom, m.joinedAt),
        first_s: span(m.joinedAt, m.firstReplyAt),
        handle_s: span(m.joinedAt, m.leftAt),
      })),
    );
    for (const part of chunks(members)) {
      await tx
        .insertInto('members')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['chat_id', 'id']).doUpdateSet((eb) => ({
            first_reply_at: eb.ref('excluded.first_reply_at'),
            left_at: eb.ref('excluded.left_at'),
            outcome: eb.ref('excluded.outcome'),
            abandoned: eb.ref('excluded.abandoned'),
            first_s: eb.ref('excluded.first_s'),
            handle_s: eb.ref('excluded.handle_s'),
          })),
        )
        .execute();
    }
    const events = folded.flatMap(([chatId, f]) =>
      f.events.map((e) => ({
        chat_id: chatId,
        id: e.id,
        at: date(e.at),
        event: e.event,
        by_agent: orNull(e.by),
        about: orNull(e.about),
        leg_id: e.legId,
      })),
    );
    for (const part of chunks(events))
      await tx
        .insertInto('chat_events')
        .values(part)
        .onConflict((oc) => oc.columns(['chat_id', 'id']).doNothing())
        .execute();
    const invites = folded.flatMap(([chatId, f, s]) =>
      (s.invites ?? []).map((i) => ({
        id: i.id,
        chat_id: chatId,
        leg_id: orNull(legAt(f, i.createdAt)?.id),
        kind: i.kind,
        mode: i.mode,
        inviter_id: i.inviterId,
        invitee_id: i.inviteeId,
        status: i.status,
        attempt: i.attempt,
        group_id: orNull(i.group),
        created_at: date(i.createdAt),
        expires_at: date(i.expiresAt),
        responded_at: i.respondedAt ? date(i.respondedAt) : null,
        note: orNull(i.note),
        reason: orNull(i.reason),
        taken_by: orNull(i.takenBy),
      })),
    );
    for (const part of chunks(invites)) {
      await tx
        .insertInto('invites')
        .values(part)
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              responded_at: eb.ref('excluded.responded_at'),
              reason: eb.ref('excluded.reason'),
              taken_by: eb.ref('excluded.taken_by'),
              leg_id: eb.ref('excluded.leg_id'),
              // An invite leaves pending once: an older snapshot (still pending) never undoes its outcome.
            }))
            .where('invites.status', '=', 'pending'),
        )
        .execute();
    }
  }

  chat(id: string) {
    return this.q(async () => {
      const r = await this.db.selectFrom('chats').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? recordOf(r) : undefined;
    });
  }

  chatByRef(ref: string) {
    return this.q(async () => {
      const r = await this.db
        .selectFrom('chats')
        .selectAll()
        .where('ref', '=', ref.toUpperCase())
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r ? recordOf(r) : undefined;
    });
  }

  entries(id: string) {
    return this.q(async () => {
      const rows = await this.db
        .selectFrom('entries')
        .select(['ms', 'seq', 'body'])
        .where('chat_id', '=', id)
        .orderBy('ms')
        .orderBy('seq')
        .execute();
      return rows.map((r): TranscriptEntry => ({ id: `${r.ms}-${r.seq}`, ...EntryBody.parse(r.body) }));
    });
  }

  rate(id: string, rating: Rating) {
    return this.q(async () => {
      const rated = await this.db.transaction().execute(async (tx) => {
        const done = await tx
          .updateTable('chats')
          .set({ rating_score: rating.score, rating_comment: orNull(rating.comment), rated_at: date(rating.at) })
          .where('id', '=', id)
          .where('status', '=', 'ended')
          .where('rating_score', 'is', null)
          .executeTakeFirst();
        if (Number(done.numUpdatedRows) !== 1) return false;
        // Reports read it on the leg the chat ended in.
        const last = tx
          .selectFrom('legs')
          .select('id')
          .where('chat_id', '=', id)
          .orderBy('started_at', 'desc')
          .limit(1);
        await tx
          .updateTable('legs')
          .set({ rating_score: rating.score })
          .where('chat_id', '=', id)
          .where('id', '=', last)
          .execute();
        return true;
      });
      if (rated) return 'rated' as const;
      const r = await this.db
        .selectFrom('chats')
        .select(['status', 'rating_score'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!r) return 'not_found' as const;
      return r.status !== 'ended' ? ('not_ended' as const) : ('already_rated' as const);
    });
  }

  pastChats(email: string, before: number) {
    return this.q(async () => {
      const r = await this.db
        .selectFrom('chats')
        .select(['ref', 'created_at', sql<number>`count(*) over ()`.as('n')])
        .where('user_email_key', '=', email.toLowerCase())
        .where('created_at', '<', date(before))
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r ? { count: Number(r.n), lastRef: r.ref, lastAt: r.created_at.getTime() } : undefined;
    });
  }

  queueReport(period: Period) {
    return this.q(() => queueReport(this.db, period));
  }

  agentReport(period: Period) {
    return this.q(() => agentReport(this.db, period));
  }

  openChats(endedSince: number) {
    return this.q(async () => {
      const rows = await this.db
        .selectFrom('chats')
        .select(['id', 'rev', 'cursor_ms', 'cursor_seq'])
        .where((eb) => eb.or([eb('status', '<>', 'ended'), eb('ended_at', '>=', date(endedSince))]))
        .execute();
      return rows.map((r): OpenChat => ({ id: r.id, rev: r.rev, through: r.cursor_ms > 0 ? cursorOf(r) : undefined }));
    });
  }

  chatsOf(email: string) {
    return this.q(async () =>
      (
        await this.db
          .selectFrom('chats')
          .selectAll()
          .where('user_email_key', '=', email.toLowerCase())
          .orderBy('created_at')
          .execute()
      ).map(recordOf),
    );
  }

  forget(ids: readonly string[]) {
    return this.q(async () => {
      if (ids.length === 0) return 0;
      return Number((await this.db.deleteFrom('chats').where('id', 'in', ids).executeTakeFirst()).numDeletedRows);
    });
  }

  expire(before: number) {
    return this.q(async () => {
      let total = 0;
      // In slices, so a year's worth of chats never holds one long lock.
      for (;;) {
        const slice = this.db.selectFrom('chats').select('id').where('created_at', '<', date(before)).limit(2_000);
        const n = Number(
          (await this.db.deleteFrom('chats').where('id', 'in', slice).executeTakeFirst()).numDeletedRows,
        );
        total += n;
        if (n === 0) break;
      }
      await this.db.deleteFrom('erasures').where('finished_at', '<', date(before)).execute();
      return total;
    });
  }

  createErasure(email: string, now: number) {
    return this.q(async () => {
      const id = `er_${randomBytes(12).toString('base64url')}`;
      await this.db
        .insertInto('erasures')
        .values({ id, email, status: 'pending', requested_at: date(now) })
        .execute();
      return { id, status: 'pending' as const, requestedAt: now };
    });
  }

  erasure(id: string) {
    return this.q(async () => {
      const r = await this.db.selectFrom('erasures').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) return undefined;
      const e: Erasure = {
        id: r.id,
        status: r.status === 'done' ? 'done' : 'pending',
        requestedAt: r.requested_at.getTime(),
      };
      if (r.finished_at) e.finishedAt = r.finished_at.getTime();
      if (r.chats !== null) e.chats = r.chats;
      if (r.replaced !== null) e.replaced = r.replaced;
      if (r.unreached !== null) e.unreached = r.unreached as Unreached[];
      return e;
    });
  }

  erasureEmail(id: string) {
    return this.q(
      async () =>
        (
          await this.db
            .selectFrom('erasures')
            .select('email')
            .where('id', '=', id)
            .where('status', '=', 'pending')
            .executeTakeFirst()
        )?.email ?? undefined,
    );
  }

  finishErasure(id: string, result: ErasureResult, now: number) {
    return this.q(async () => {
      await this.db
        .updateTable('erasures')
        .set({
          status: 'done',
          email: null,
          finished_at: date(now),
          chats: result.chats,
          replaced: result.replaced,
          unreached: JSON.stringify(result.unreached),
        })
        .where('id', '=', id)
        .execute();
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** Drops the keys whose value is undefined (strict optional properties). */
function defined<T extends Record<string, number | undefined>>(o: T): { [K in keyof T]?: number } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: number };
}

/** Errors that mean the database is out of reach (connection refused, reset, timed out), not a bad query. */
function unreachable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (err instanceof RecordUnavailable) return true;
  if (
    typeof e.code === 'string' &&
    (/^(ECONN|ENOTFOUND|ETIMEDOUT|EPIPE|EAI_)/.test(e.code) ||
      e.code.startsWith('08') ||
      e.code === '57P01' ||
      e.code === '57P03')
  )
    return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|PGlite is closed/i.test(
    e.message ?? '',
  );
}
