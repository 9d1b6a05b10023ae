import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { Refused } from '../app/errors.js';
import {
  type EndUserChat,
  endUserTranscript,
  findChat,
  rateChat,
  ratingOf,
  transcriptText,
} from '../app/record/endUser.js';
import { erasureStatus, requestErasure } from '../app/record/erasure.js';
import type { Erasure } from '../app/record/port.js';
import { agentRows, parsePeriod, queueRows, reportCsv } from '../app/record/reports.js';
import { authorizeChat, type TokenPlaces } from './auth.js';
import type { Handlers } from './mount.js';
import { publicFile, publicSession } from './presenters.js';
import { ErasureId, type ReportQuery } from './recordSchemas.js';
import { SessionId } from './schemas.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The chat in the path for its token (or an API key): from Redis, else from the record. */
export async function recordedChat(
  ctx: AppContext,
  apiKeys: readonly string[],
  req: Request,
  places?: TokenPlaces,
): Promise<EndUserChat> {
  const id = SessionId.safeParse(req.params.id);
  if (!id.success) throw Refused.of('not_found');
  return authorizeChat((x) => findChat(ctx, x), apiKeys, req, id.data, places);
}

const erasureAnswer = (e: Erasure) => ({
  erasure: {
    id: e.id,
    status: e.status,
    requestedAt: iso(e.requestedAt),
    ...(e.finishedAt ? { finishedAt: iso(e.finishedAt) } : {}),
    ...(e.chats !== undefined ? { chats: e.chats } : {}),
    ...(e.replaced !== undefined ? { replaced: e.replaced } : {}),
    ...(e.unreached ? { unreached: e.unreached } : {}),
  },
});

type RecordOperation = 'rate' | 'transcript' | 'queueReport' | 'agentReport' | 'requestErasure' | 'getErasure';

/**
 * The record's operations (README "The record"): the end user's rating and transcript, and
 * for integrations (API key, checked by the router) reports and erasures.
 */
export function recordHandlers(ctx: AppContext, apiKeys: readonly string[]): Pick<Handlers, RecordOperation> {
  const report = async (kind: 'queue' | 'agent', q: z.output<typeof ReportQuery>, res: Response) => {
    const period = parsePeriod(q, ctx.now());
    const rows = kind === 'queue' ? await queueRows(ctx, period) : await agentRows(ctx, period);
    if (q.format === 'csv') {
      const name = `${kind}s-${iso(period.from).slice(0, 10)}-${iso(period.to).slice(0, 10)}.csv`;
      res
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="${name}"`)
        .send(reportCsv(kind, rows));
      return;
    }
    res.json({ from: iso(period.from), to: iso(period.to), rows });
  };
  return {
    rate: async ({ req, res, body }) => {
      const chat = await recordedChat(ctx, apiKeys, req);
      const input = body();
      const rating = await rateChat(ctx, chat, input.score, input.comment || undefined);
      res.status(201).json({
        rating: { score: rating.score, ...(rating.comment ? { comment: rating.comment } : {}), at: iso(rating.at) },
      });
    },

    // A download a browser may open by URL: the token may come as ?token=.
    transcript: async ({ req, res, query }) => {
      const q = query();
      const chat = await recordedChat(ctx, apiKeys, req, { query: true });
      const lines = await endUserTranscript(ctx, chat);
      res.set('Cache-Control', 'no-store');
      if (q.format === 'text') {
        const queue = ctx.directory.get().queue(chat.session.queueId)?.name ?? chat.session.queueId;
        res
          .type('text/plain; charset=utf-8')
          .set('Content-Disposition', `attachment; filename="chat-${chat.session.ref}.txt"`)
          .send(transcriptText(chat, queue, lines));
        return;
      }
      res.json({
        session: await publicSession(ctx, chat.session, await ratingOf(ctx, chat)),
        entries: lines.map((l) => ({
          id: l.id,
          at: iso(l.at),
          author: l.author,
          name: l.name,
          text: l.text,
          ...(l.file ? { file: publicFile(l.file) } : {}),
        })),
      });
    },

    queueReport: ({ res, query }) => report('queue', query(), res),
    agentReport: ({ res, query }) => report('agent', query(), res),

    requestErasure: async ({ res, body }) => {
      const { email } = body();
      const erasure = await requestErasure(ctx, email);
      res.status(202).location(`/api/v1/erasures/${erasure.id}`).json(erasureAnswer(erasure));
    },

    getErasure: async ({ req, res }) => {
      const id = ErasureId.safeParse(req.params.erasureId);
      if (!id.success) throw Refused.of('not_found', undefined, 'erasure_not_found');
      res.json(erasureAnswer(await erasureStatus(ctx, id.data)));
    },
  };
}
