import { z } from 'zod';

export const SessionStatus = z.enum(['waiting', 'active', 'ended']);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const MemberMode = z.enum(['owner', 'participant', 'monitor']);
export type MemberMode = z.infer<typeof MemberMode>;

export const EndUserSchema = z.object({
  name: z.string().trim().min(1).max(100),
  email: z.email().max(254).optional(),
});
export type EndUser = z.infer<typeof EndUserSchema>;

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
