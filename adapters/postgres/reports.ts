import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely';
import type { AgentRow, Percentiles, Period, QueueRow, ReportNumbers } from '../../src/app/record/port.js';
import { zeros } from '../../src/app/record/reports.js';
import type { Database } from './schema.js';

/**
 * The reports as SQL aggregations (README "Reports" defines each number): per queue over the
 * legs (a chat's time in a queue) that started in the period; per agent over their turns as
 * owner that started in it. Times are seconds (kept as such on legs and turns), p50 and p90 interpolated (percentile_cont).
 */

const count = (filter?: RawBuilder<unknown>) =>
  filter ? sql<number>`(count(*) filter (where ${filter}))::int` : sql<number>`count(*)::int`;

/** p50 and p90 of a column of seconds (one sort for both), named `name`. */
const percentiles = <N extends string>(name: N, seconds: Expression<number | null>) =>
  sql<number[] | null>`percentile_cont(array[0.5, 0.9]::float8[]) within group (order by ${seconds})`.as(name);

const round = (n: number | null, digits: number): number | null =>
  n === null ? null : Math.round(Number(n) * 10 ** digits) / 10 ** digits;
const pct = (p50: number | null, p90: number | null): Percentiles => ({ p50: round(p50, 1), p90: round(p90, 1) });
type Times = Record<'wait' | 'first' | 'handle', number[] | null>;
const pair = (v: number[] | null): Percentiles => pct(v?.[0] ?? null, v?.[1] ?? null);
/** A row's wait, first-response and handle times, rounded. */
const times = (r: Times) => ({
  waitSeconds: pair(r.wait),
  firstResponseSeconds: pair(r.first),
  handleSeconds: pair(r.handle),
});

/** Report rows by queue or agent id, each made (all zero) when first met. */
class Rows {
  readonly byId = new Map<string, ReportNumbers>();
  at(id: string): ReportNumbers {
    if (!this.byId.has(id)) this.byId.set(id, zeros());
    return this.byId.get(id)!;
  }
}

/** The audit events the reports count: help asked, and a response target missed (its late warning). */
const AUDITED = ['help.asked', 'response.late'];
const audited = (n: ReportNumbers, r: { event: string; n: number }): void => {
  if (r.event === 'help.asked') n.helpRequests = r.n;
  else n.responseBreaches = r.n;
};

const inviteCounts = {
  sent: count(),
  accepted: count(sql`i.status = 'accepted'`),
  rejected: count(sql`i.status = 'rejected'`),
  expired: count(sql`i.status = 'expired'`),
};

export async function queueReport(db: Kysely<Database>, { from, to }: Period): Promise<QueueRow[]> {
  const legs = (eb: Kysely<Database>) =>
    eb.selectFrom('legs as l').where('l.started_at', '>=', new Date(from)).where('l.started_at', '<', new Date(to));
  // The legs carry their releases, hand-overs and rating (the archive counts them): one scan of the period's legs.
  const [base, invites, help] = await Promise.all([
    legs(db)
      .groupBy('l.queue_id')
      .select((eb) => [
        'l.queue_id as id',
        count().as('offered'),
        sql<number>`count(l.answered_at)::int`.as('answered'),
        count(sql`l.outcome = 'unanswered'`).as('unanswered'),
        count(sql`l.outcome = 'abandoned'`).as('abandoned'),
        sql<number>`(count(*) filter (where l.outcome = 'moved') + coalesce(sum(l.transferred), 0))::int`.as(
          'transferred',
        ),
        sql<number>`coalesce(sum(l.released), 0)::int`.as('released'),
        sql<number | null>`avg(l.rating_score)::float8`.as('rating'),
        sql<number>`count(l.rating_score)::int`.as('rated'),
        percentiles('wait', eb.ref('l.wait_s')),
        percentiles('first', eb.ref('l.first_s')),
        percentiles('handle', eb.ref('l.handle_s')),
      ])
      .execute(),
    legs(db)
      .innerJoin('invites as i', (j) => j.onRef('i.chat_id', '=', 'l.chat_id').onRef('i.leg_id', '=', 'l.id'))
      .where('i.kind', '=', 'invite')
      .groupBy('l.queue_id')
      .select([
        'l.queue_id as id',
        inviteCounts.sent.as('sent'),
        inviteCounts.accepted.as('accepted'),
        inviteCounts.rejected.as('rejected'),
        inviteCounts.expired.as('expired'),
      ])
      .execute(),
    legs(db)
      .innerJoin('chat_events as e', (j) => j.onRef('e.chat_id', '=', 'l.chat_id').onRef('e.leg_id', '=', 'l.id'))
      .where('e.event', 'in', AUDITED)
      .groupBy(['l.queue_id', 'e.event'])
      .select(['l.queue_id as id', 'e.event as event', count().as('n')])
      .execute(),
  ]);
  const out = new Rows();
  for (const r of base) {
    Object.assign(out.at(r.id), {
      offered: r.offered,
      answered: r.answered,
      unanswered: r.unanswered,
      abandoned: r.abandoned,
      transferred: r.transferred,
      released: r.released,
      rating: { average: round(r.rating, 2), count: r.rated },
      ...times(r),
    });
  }
  for (const r of invites)
    out.at(r.id).invites = { sent: r.sent, accepted: r.accepted, rejected: r.rejected, expired: r.expired };
  for (const r of help) audited(out.at(r.id), r);
  return [...out.byId].map(([queue, n]) => ({ queue, ...n }));
}

export async function agentReport(db: Kysely<Database>, { from, to }: Period): Promise<AgentRow[]> {
  const period = { from: new Date(from), to: new Date(to) };
  const turns = () =>
    db
      .selectFrom('members as m')
      .where('m.mode', '=', 'owner')
      .where('m.joined_at', '>=', period.from)
      .where('m.joined_at', '<', period.to);
  const invitesIn = () =>
    db.selectFrom('invites as i').where('i.created_at', '>=', period.from).where('i.created_at', '<', period.to);
  const [base, offers, invites, help, ratings] = await Promise.all([
    turns()
      .groupBy('m.agent_id')
      .select((eb) => [
        'm.agent_id as id',
        count().as('answered'),
        count(sql`m.abandoned`).as('abandoned'),
        count(sql`m.outcome in ('transferred', 'moved')`).as('transferred'),
        count(sql`m.outcome = 'released'`).as('released'),
        percentiles('wait', eb.ref('m.wait_s')),
        percentiles('first', eb.ref('m.first_s')),
        percentiles('handle', eb.ref('m.handle_s')),
      ])
      .execute(),
    // Offers of a chat made to them (a transfer): those not taken were offered and not answered.
    invitesIn()
      .where('i.kind', '=', 'transfer')
      .groupBy('i.invitee_id')
      .select([
        'i.invitee_id as id',
        count(sql`i.status <> 'accepted' and i.status <> 'pending'`).as('declined'),
        count(sql`i.status = 'expired'`).as('expired'),
      ])
      .execute(),
    invitesIn()
      .where('i.kind', '=', 'invite')
      .groupBy('i.inviter_id')
      .select([
        'i.inviter_id as id',
        inviteCounts.sent.as('sent'),
        inviteCounts.accepted.as('accepted'),
        inviteCounts.rejected.as('rejected'),
        inviteCounts.expired.as('expired'),
      ])
      .execute(),
    db
      .selectFrom('chat_events as e')
      .where('e.event', 'in', AUDITED)
      .where('e.at', '>=', period.from)
      .where('e.at', '<', period.to)
      .where('e.by_agent', 'is not', null)
      .groupBy(['e.by_agent', 'e.event'])
      .select([sql<string>`e.by_agent`.as('id'), 'e.event as event', count().as('n')])
      .execute(),
    // A rating counts for the owner the chat ended with.
    turns()
      .innerJoin('chats as c', 'c.id', 'm.chat_id')
      .where('m.outcome', '=', 'ended')
      .where('c.rating_score', 'is not', null)
      .groupBy('m.agent_id')
      .select(['m.agent_id as id', sql<number | null>`avg(c.rating_score)::float8`.as('average'), count().as('n')])
      .execute(),
  ]);
  const out = new Rows();
  for (const r of base) {
    Object.assign(out.at(r.id), {
      offered: r.answered,
      answered: r.answered,
      abandoned: r.abandoned,
      transferred: r.transferred,
      released: r.released,
      ...times(r),
    });
  }
  for (const r of offers) {
    out.at(r.id).offered += r.declined;
    out.at(r.id).unanswered = r.expired;
  }
  for (const r of invites)
    out.at(r.id).invites = { sent: r.sent, accepted: r.accepted, rejected: r.rejected, expired: r.expired };
  for (const r of help) audited(out.at(r.id), r);
  for (const r of ratings) out.at(r.id).rating = { average: round(r.average, 2), count: r.n };
  return [...out.byId].map(([agent, n]) => ({ agent, ...n }));
}
