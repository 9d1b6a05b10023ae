import { z } from 'zod';

/** `offline`: a message left while the queue was closed or unstaffed, until an agent replies (it becomes theirs) or closes it. */
export const SessionStatus = z.enum(['waiting', 'active', 'ended', 'offline']);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const MemberMode = z.enum(['owner', 'participant', 'monitor']);
export type MemberMode = z.infer<typeof MemberMode>;

export const EndUserSchema = z.object({
  name: z.string().trim().min(1).max(100),
  email: z.email().max(254).optional(),
  /** The host site's id for them; set only when its hash was good (the chat is then verified). */
  id: z.string().min(1).max(128).optional(),
});
export type EndUser = z.infer<typeof EndUserSchema>;

/** A http(s) URL, as the end user's browser reported it. */
export const WebUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).max(2000);

/** Where the end user is and what the host site knows of them (README "Context"). */
export const ContextSchema = z
  .object({
    pageUrl: WebUrl.optional(),
    referrer: WebUrl.optional(),
    attributes: z
      .record(
        z.string().regex(/^[a-zA-Z0-9_.-]{1,40}$/, 'letters, digits, _ . - (at most 40)'),
        z.string().max(200, 'at most 200 characters'),
      )
      .refine((a) => Object.keys(a).length <= 20, 'at most 20 attributes')
      .optional(),
  })
  .strict();
export type SessionContext = z.infer<typeof ContextSchema>;

export const SessionSchema = z.object({
  id: z.string(),
  ref: z.string(),
  queueId: z.string(),
  status: SessionStatus,
  endUser: EndUserSchema,
  ownerId: z.string().optional(),
  createdAt: z.number(),
  acceptedAt: z.number().optional(),
  endedAt: z.number().optional(),
  endedBy: z.string().optional(),
  /** When it was escalated to its queue's supervisors (it waited longer than the queue allows). */
  escalatedAt: z.number().optional(),
  /** Why it ended, when not by someone's hand: `unanswered` (it waited too long), `idle` (the end user went quiet). */
  endReason: z.enum(['unanswered', 'idle']).optional(),
  /** Wrap-up: the outcome the owner chose when ending it (one of its queue's `outcomes`), and their note. */
  outcome: z.string().optional(),
  outcomeNote: z.string().optional(),
  /** The end user's earlier chats (same email), as the record knew them when this one started. */
  history: z.object({ count: z.number().int().min(1), lastRef: z.string(), lastAt: z.number() }).optional(),
  /** The host site signed the end user's id (IDENTITY_SECRET): they are who it says. */
  verified: z.boolean().optional(),
  context: ContextSchema.optional(),
  /** It began as an offline message (its end user is answered by email). */
  offline: z.literal(true).optional(),
});
export type Session = z.infer<typeof SessionSchema>;

export const MemberSchema = z.object({
  agentId: z.string(),
  mode: MemberMode,
  joinedAt: z.number(),
  /** How they came in: accepting, an invite (or anyone-available), a supervisor's join or a help request, a transfer. */
  via: z.enum(['accept', 'invite', 'supervisor', 'help', 'transfer']),
});
export type Member = z.infer<typeof MemberSchema>;

const REF_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A short reference agents can read aloud: no 0/O or 1/I. */
export function makeRef(randomBytes: Uint8Array): string {
  return Array.from(randomBytes.slice(0, 6), (b) => REF_ALPHABET[b % REF_ALPHABET.length]).join('');
}
