import { z } from 'zod';
import { MemberMode, SessionStatus } from './session.js';

export const Visibility = z.enum(['public', 'agents', 'private']);

export const FileRef = z.object({
  id: z.string(),
  name: z.string().max(255),
  mimetype: z.string().max(255).optional(),
  size: z.number().int().nonnegative().optional(),
  /** The platform that holds the bytes, and where it keeps them; never shown to the end user. */
  platform: z.string().optional(),
  url: z.url().optional(),
});
export type FileRef = z.infer<typeof FileRef>;

const base = { ts: z.number(), visibility: Visibility };
/** What happened to a chat besides its messages and its people coming and going: the audit trail. */
export const ChatEvent = z.enum([
  'released',
  'moved',
  'help.asked',
  'help.withdrawn',
  'escalated',
  'rated',
  'response.late',
  'response.overdue',
]);
export type ChatEvent = z.infer<typeof ChatEvent>;

/** One entry of a session's transcript (a Redis stream). Entry ids are the stream ids. */
export const EntryBody = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    ...base,
    author: z.enum(['user', 'agent', 'system']),
    agentId: z.string().optional(),
    authorName: z.string().optional(),
    text: z.string(),
    file: FileRef.optional(),
    clientMessageId: z.string().optional(),
    /** The mirror the message was typed in, so the relay does not echo it back there. */
    origin: z.string().optional(),
  }),
  z.object({ kind: z.literal('edit'), ...base, targetId: z.string(), text: z.string(), origin: z.string().optional() }),
  z.object({ kind: z.literal('delete'), ...base, targetId: z.string(), origin: z.string().optional() }),
  z.object({ kind: z.literal('status'), ...base, status: SessionStatus }),
  z.object({
    kind: z.literal('event'),
    ...base,
    event: ChatEvent,
    /** Who did it (an agent id). */
    by: z.string().optional(),
    /** Whom or what it was about: an agent id (promoted), a queue id (moved). */
    about: z.string().optional(),
    /** Where it came from: the queue a moved chat left. */
    from: z.string().optional(),
    note: z.string().optional(),
    /** Where the command that wrote it was typed (see src/app/acting.ts). */
    origin: z.string().optional(),
    /** The end user's rating of the chat (1–5), with `note` as their comment. */
    score: z.number().int().min(1).max(5).optional(),
    /** A response target missed (`about`: first or next): how long the end user had waited, and the target, in seconds. */
    waited: z.number().int().nonnegative().optional(),
    target: z.number().int().positive().optional(),
  }),
  z.object({
    kind: z.literal('participant'),
    ...base,
    agentId: z.string(),
    name: z.string(),
    mode: MemberMode,
    /** `promoted`: a monitor made a participant. */
    action: z.enum(['joined', 'left', 'promoted']),
    via: z.enum(['accept', 'invite', 'supervisor', 'help', 'transfer']).optional(),
    origin: z.string().optional(),
  }),
]);
export type EntryBody = z.infer<typeof EntryBody>;

export type TranscriptEntry = EntryBody & { id: string };
export type MessageEntry = Extract<TranscriptEntry, { kind: 'message' }>;

/** An entry the end user may see: never an event of the audit trail. */
export type EndUserEntry = Exclude<TranscriptEntry, { kind: 'event' }>;

/** What the end user may see: no notes, no monitor talk, no monitors joining, no audit events. */
export function visibleToEndUser(e: TranscriptEntry): e is EndUserEntry {
  if (e.visibility !== 'public' || e.kind === 'event') return false;
  return !(e.kind === 'participant' && e.mode === 'monitor');
}

/** Compare Redis stream ids ("ms-seq"). */
export function compareEntryIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const d = Number(am) - Number(bm);
  return d !== 0 ? Math.sign(d) : Math.sign(Number(as) - Number(bs));
}
