import { z } from 'zod';
import { PublicFile, PublicSession } from './schemas.js';

/** The record's routes (README "The record"): requests validated with these, answers built to them, documented from them. */

export const RatingBody = z
  .object({
    score: z.number().int().min(1).max(5),
    comment: z.string().trim().max(1000, 'at most 1000 characters').optional(),
  })
  .strict()
  .meta({
    description: 'The end user rates their ended chat: 1 (bad) to 5 (good), with a comment if they like. Once.',
  });
export const RatingAnswer = z.object({
  rating: z.object({
    score: z.number().int(),
    comment: z.string().optional(),
    at: z.string().meta({ format: 'date-time' }),
  }),
});

export const TranscriptQuery = z
  .object({
    format: z.enum(['json', 'text']).default('json'),
    token: z
      .string()
      .optional()
      .meta({ description: "The end user's token, for a download link a browser opens (else Authorization: Bearer)." }),
  })
  .strict();
export const TranscriptAnswer = z
  .object({
    session: PublicSession,
    entries: z.array(
      z.object({
        id: z.string(),
        at: z.string().meta({ format: 'date-time' }),
        author: z.enum(['user', 'agent', 'system']),
        name: z.string(),
        text: z.string(),
        file: PublicFile.optional(),
      }),
    ),
  })
  .meta({
    description:
      "What the end user could see: their messages and the agents' replies (as last edited), who joined and left. Never notes, agents-only lines or monitors.",
  });

const DateOrInstant = z
  .string()
  .max(40)
  .meta({ description: 'A date (YYYY-MM-DD: midnight in tz; for `to`, the whole day) or an ISO 8601 instant' });
export const ReportQuery = z
  .object({
    from: DateOrInstant.optional().meta({ description: 'Start (default: today, midnight in tz)' }),
    to: DateOrInstant.optional().meta({ description: 'End, exclusive (default: now); a date counts whole' }),
    tz: z.string().max(64).optional().meta({ description: 'IANA time zone for dates (default UTC)' }),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

const Pct = z.object({ p50: z.number().nullable(), p90: z.number().nullable() });
const Numbers = {
  offered: z.number().int(),
  answered: z.number().int(),
  unanswered: z.number().int(),
  abandoned: z.number().int(),
  transferred: z.number().int(),
  released: z.number().int(),
  waitSeconds: Pct,
  firstResponseSeconds: Pct,
  handleSeconds: Pct,
  invites: z.object({
    sent: z.number().int(),
    accepted: z.number().int(),
    rejected: z.number().int(),
    expired: z.number().int(),
  }),
  helpRequests: z.number().int(),
  responseBreaches: z.number().int().meta({ description: 'Response targets missed (first or next reply)' }),
  rating: z.object({ average: z.number().nullable(), count: z.number().int() }),
};
const period = { from: z.string().meta({ format: 'date-time' }), to: z.string().meta({ format: 'date-time' }) };
export const QueueReportAnswer = z.object({ ...period, rows: z.array(z.object({ queue: z.string(), ...Numbers })) });
export const AgentReportAnswer = z.object({ ...period, rows: z.array(z.object({ agent: z.string(), ...Numbers })) });

export const ErasureBody = z
  .object({ email: z.email().max(254) })
  .strict()
  .meta({
    description:
      'Erase one person: their chats go from the record and from Redis, and their lines in Slack and Teams threads are replaced.',
  });
export const ErasureId = z.string().regex(/^er_[A-Za-z0-9_-]{10,30}$/, 'an erasure id');
export const ErasureAnswer = z.object({
  erasure: z.object({
    id: z.string(),
    status: z.enum(['pending', 'done']),
    requestedAt: z.string().meta({ format: 'date-time' }),
    finishedAt: z.string().optional().meta({ format: 'date-time' }),
    chats: z.number().int().optional().meta({ description: 'Chats erased' }),
    replaced: z.number().int().optional().meta({ description: 'Lines and roots replaced on the platforms' }),
    unreached: z
      .array(
        z.object({
          chat: z.string(),
          platform: z.string(),
          what: z.enum(['line', 'root', 'file']),
          count: z.number().int(),
          reason: z.string(),
        }),
      )
      .optional()
      .meta({ description: 'What could not be reached, by chat ref and platform' }),
  }),
});
