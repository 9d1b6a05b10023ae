import type { Agent } from '../../domain/directory.js';
import type { TranscriptEntry } from '../../domain/transcript.js';
import type { ChatHistory } from '../record/history.js';
import type { ReportNumbers } from '../record/port.js';
import type { TodayRow } from '../record/reports.js';
import { at, join, plain, type Rich, words } from '../wording/index.js';
import { entryLine, type LineContext } from './entryLines.js';
import { agentName, duration } from './names.js';
import type { Block, Surface } from './surface.js';

/** What the record shows agents: today's numbers (the home's Today, the report card) and an ended chat's history. */

function queueItem(name: string, n: ReportNumbers): Block[] {
  const rating =
    n.rating.count > 0 && n.rating.average !== null
      ? words('report.rating', { average: n.rating.average.toFixed(1), n: n.rating.count })
      : words('report.none');
  return [
    {
      type: 'text',
      text: words('report.queue', {
        queue: name,
        offered: n.offered,
        answered: n.answered,
        unanswered: n.unanswered,
        abandoned: n.abandoned,
      }),
    },
    {
      type: 'context',
      text: words('report.times', {
        wait: duration(n.waitSeconds.p50),
        first: duration(n.firstResponseSeconds.p50),
        handle: duration(n.handleSeconds.p50),
      }),
    },
    {
      type: 'context',
      text: words('report.more', {
        transferred: n.transferred,
        released: n.released,
        help: n.helpRequests,
        breaches: n.responseBreaches,
        rating,
      }),
    },
  ];
}

/** Today's numbers per queue, as a list; `unavailable` when the record cannot be read now. */
export function todayList(rows: readonly TodayRow[] | 'unavailable', title?: Rich): Block {
  const titled = title ? { title } : {};
  if (rows === 'unavailable') return { type: 'list', ...titled, items: [], empty: words('home.today.unavailable') };
  return {
    type: 'list',
    ...titled,
    items: rows.map((r) => queueItem(r.name, r.numbers)),
    empty: words('home.today.none'),
  };
}

/** The `report` card: today in the supervisor's queues. */
export function reportSurface(rows: readonly TodayRow[], now: number): Surface {
  const zones = [...new Set(rows.map((r) => r.tz))].join(', ') || 'UTC';
  return {
    blocks: [
      { type: 'header', text: words('report.title') },
      { type: 'context', text: words('report.since', { zone: zones, time: at(now, 'time') }) },
      todayList(rows),
    ],
    fallback: words('report.title'),
  };
}

/** At most this many lines of an ended chat are shown (the last ones); the rest is in its download. */
const HISTORY_LINES = 40;

/** `history <ref>`: an ended chat as the record keeps it, for an agent of its queue. */
export function historySurface(
  h: ChatHistory,
  c: { queueName: (id: string) => string; agent: (id: string) => Agent | undefined; publicUrl: string },
): Surface {
  const s = h.chat.session;
  const lines: LineContext = {
    session: s,
    publicUrl: c.publicUrl,
    agent: c.agent,
    queueName: c.queueName,
    target: (id) =>
      h.entries.find((e): e is Extract<TranscriptEntry, { kind: 'message' }> => e.id === id && e.kind === 'message'),
  };
  const shown = h.entries.flatMap((e) => {
    const line = entryLine(e, lines);
    return line ? [[{ type: 'context' as const, text: join([[at(e.ts, 'time')], line.fallback], ' · ') }]] : [];
  });
  const owners = [
    ...new Set(
      h.entries.flatMap((e) =>
        e.kind === 'participant' && e.mode === 'owner' && e.action === 'joined' ? [e.agentId] : [],
      ),
    ),
  ];
  const rating = h.chat.rating;
  const blocks: Block[] = [
    { type: 'header', text: words('history.title', { ref: s.ref, user: s.endUser.name }) },
    {
      type: 'context',
      text: words('history.about', {
        queue: c.queueName(s.queueId),
        opened: at(s.createdAt),
        ended: s.endedAt ? at(s.endedAt) : words('report.none'),
      }),
    },
  ];
  if (owners.length > 0)
    blocks.push({
      type: 'context',
      text: words('history.owners', { names: owners.map((id) => agentName(c.agent(id), id)).join(', ') }),
    });
  if (rating)
    blocks.push({
      type: 'context',
      text: rating.comment
        ? words('history.rating.comment', { score: rating.score, comment: rating.comment })
        : words('history.rating', { score: rating.score }),
    });
  const skipped = Math.max(0, shown.length - HISTORY_LINES);
  if (skipped > 0) blocks.push({ type: 'context', text: words('history.more', { n: skipped }) });
  blocks.push({
    type: 'list',
    title: words('history.lines'),
    items: shown.slice(skipped),
    empty: words('history.lines.none'),
  });
  return { blocks, fallback: words('history.title', { ref: s.ref, user: plain([s.endUser.name]) }) };
}
