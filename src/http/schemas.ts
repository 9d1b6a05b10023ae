import { z } from 'zod';
import { EndUserSchema, SessionStatus } from '../domain/session.js';

/**
 * The end-user API's shapes: requests are validated with these, answers are built to
 * these types, and /api/v1/openapi.json is generated from them.
 */
export const MAX_TEXT = 4000;
const Text = z.string().trim().min(1, 'must not be empty').max(MAX_TEXT, `at most ${MAX_TEXT} characters`);
const AgentId = z.string().min(1).max(64);

export const SessionId = z.string().regex(/^[A-Za-z0-9_.-]{8,40}$/, 'a session id');

export const CreateSession = z.object({ queue: z.string().min(1).max(64), user: EndUserSchema, text: Text.optional() }).strict()
  .meta({ description: 'A new chat in a queue, with the end user\'s first message if any.' });
export const PostMessage = z.object({ text: Text, clientMessageId: z.string().min(1).max(100).optional() }).strict()
  .meta({ description: 'An end-user message; a repeated clientMessageId answers with the first message.' });
export const AgentAction = z.object({ agentId: AgentId }).strict();
export const AgentMessage = AgentAction.extend({ text: Text });

/** The session as the end user sees it: no agent ids, only first names. */
export const PublicSession = z.object({
  id: z.string(), ref: z.string(), status: SessionStatus,
  queue: z.object({ id: z.string(), name: z.string() }),
  user: EndUserSchema,
  agent: z.object({ name: z.string() }).nullable(),
  createdAt: z.string().meta({ format: 'date-time' }),
  endReason: z.enum(['unanswered']).optional().meta({ description: 'Why an ended chat ended, when no one ended it: unanswered (no one was free within WAITING_TIMEOUT_SECONDS).' }),
});
export type PublicSession = z.infer<typeof PublicSession>;

/** A file of the chat, as the end user sees it. */
export const PublicFile = z.object({
  name: z.string(),
  url: z.string().meta({ description: 'Relative to the session: files/{fileId}.' }),
  type: z.string().optional().meta({ description: 'Its media type (image/png…): images can be shown as thumbnails.' }),
  size: z.number().int().optional().meta({ description: 'In bytes.' }),
});
export type PublicFile = z.infer<typeof PublicFile>;
export const FileAnswer = z.object({ file: PublicFile.extend({ id: z.string(), messageId: z.string().meta({ description: 'The message of the chat that carries it.' }) }) });

const entryBase = { id: z.string().meta({ description: 'The event id (resume an event stream after it with Last-Event-ID).' }), at: z.string().meta({ format: 'date-time' }) };
/** A transcript entry as the end user sees it (also the data of each event of the stream). */
export const PublicEntry = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'), ...entryBase, author: z.enum(['user', 'agent', 'system']), name: z.string().nullable(), text: z.string(),
    file: PublicFile.optional(),
  }),
  z.object({ kind: z.literal('edit'), ...entryBase, targetId: z.string(), text: z.string() }),
  z.object({ kind: z.literal('delete'), ...entryBase, targetId: z.string() }),
  z.object({ kind: z.literal('status'), ...entryBase, status: SessionStatus }),
  z.object({ kind: z.literal('participant'), ...entryBase, name: z.string(), action: z.enum(['joined', 'left']) }),
]);
export type PublicEntry = z.infer<typeof PublicEntry>;

export const SessionAnswer = z.object({ session: PublicSession });
export const CreatedAnswer = z.object({ session: PublicSession, token: z.string().meta({ description: 'The end user\'s token for this chat (Authorization: Bearer).' }) });
export const MessageAnswer = z.object({ message: PublicEntry, notice: z.string().optional() });
export const MessagesAnswer = z.object({ messages: z.array(PublicEntry) });
export const QueuesAnswer = z.object({
  queues: z.array(z.object({
    id: z.string(), name: z.string(),
    open: z.boolean().meta({ description: 'Whether the queue takes new chats now (its business hours).' }),
    opensAt: z.string().optional().meta({ format: 'date-time', description: 'While closed: when it opens next (absent when it never does).' }),
    closedMessage: z.string().optional().meta({ description: 'While closed: what the queue says to people who come.' }),
  })),
});
export type PublicQueue = z.infer<typeof QueuesAnswer>['queues'][number];

export const ErrorAnswer = z.object({
  error: z.object({
    code: z.string(), message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
