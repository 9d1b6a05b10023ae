import { z } from 'zod';
import { InviteAnswer, InviteKind, InviteMode, InviteStatus, Note as NoteText } from '../domain/invite.js';
import { ContextSchema, EndUserSchema, SessionStatus } from '../domain/session.js';

/**
 * The end-user API's shapes: requests are validated with these, answers are built to
 * these types, and /api/v1/openapi.json is generated from them.
 */
export const MAX_TEXT = 4000;
const Text = z.string().trim().min(1, 'must not be empty').max(MAX_TEXT, `at most ${MAX_TEXT} characters`);
const AgentId = z.string().min(1).max(64);

export const SessionId = z.string().regex(/^[A-Za-z0-9_.-]{8,40}$/, 'a session id');
export const InviteId = z.string().regex(/^[A-Za-z0-9_.-]{8,40}~[A-Za-z0-9_-]{4,20}$/, 'an invite id');

/** The host site's id for the user, and its signature: hex(HMAC-SHA256(IDENTITY_SECRET, id)). */
const UserId = z.string().min(1).max(128);
const IdentityHash = z.string().regex(/^[0-9a-fA-F]{64}$/, 'the hex HMAC-SHA256 of user.id');
export const NewUser = EndUserSchema.extend({ id: UserId.optional(), hash: IdentityHash.optional() }).strict();
export const CreateSession = z
  .object({
    queue: z.string().min(1).max(64),
    user: NewUser,
    text: Text.optional(),
    context: ContextSchema.optional().meta({
      description:
        'Where the end user is (pageUrl, referrer: http(s) URLs) and what the host site knows (at most 20 attributes; keys ^[a-zA-Z0-9_.-]{1,40}$; values at most 200 characters).',
    }),
    offline: z.literal(true).optional().meta({
      description:
        'An offline message, for a queue with offline: true while it is closed or nobody is available: needs user.email and text.',
    }),
  })
  .strict()
  .refine((b) => !b.offline || b.user.email !== undefined, {
    path: ['user', 'email'],
    message: 'an offline message needs an email, so the answer can reach you',
  })
  .refine((b) => !b.offline || b.text !== undefined, { path: ['text'], message: 'an offline message needs its text' })
  .meta({
    description:
      "A new chat in a queue, with the end user's first message if any; with user.id and user.hash, a verified one.",
  });
export const ResumeBody = z
  .object({ user: z.object({ id: UserId, hash: IdentityHash }).strict() })
  .strict()
  .meta({
    description: 'A verified end user opens their open chat from another device or browser: a new token for it.',
  });
export const ContinueBody = z
  .object({ sig: z.string().min(1).max(200) })
  .strict()
  .meta({
    description: "The signature of an email's link back into the chat: a new token for it, while the chat is open.",
  });
export const PostMessage = z
  .object({ text: Text, clientMessageId: z.string().min(1).max(100).optional() })
  .strict()
  .meta({ description: 'An end-user message; a repeated clientMessageId answers with the first message.' });
export const AgentAction = z.object({ agentId: AgentId }).strict();
export const AgentMessage = AgentAction.extend({ text: Text });
export const EndBody = z
  .object({ agentId: AgentId, outcome: z.string().min(1).max(40).optional(), note: NoteText.optional() })
  .strict()
  .meta({
    description:
      "With an API key: the owner ends the chat, with a wrap-up outcome (one of the queue's outcomes) and a note.",
  });
export const CannedBody = AgentAction.extend({ shortcut: z.string().min(1).max(32) }).meta({
  description:
    "The owner or a participant sends a canned reply (the queue's or their own) as their reply; monitors are refused (409).",
});

const Note = NoteText.min(1, 'must not be empty');
export const TransferBody = AgentAction.extend({
  toAgentId: AgentId.optional(),
  toQueue: z.string().min(1).max(64).optional(),
  note: Note.optional(),
})
  .refine((b) => (b.toAgentId === undefined) !== (b.toQueue === undefined), 'give toAgentId or toQueue, not both')
  .meta({
    description:
      'The owner offers the chat to a colleague (an offer they accept or decline) or moves it to another queue.',
  });
export const AssistBody = AgentAction.extend({ note: Note.optional() }).meta({
  description: "The owner or a participant asks the queue's supervisors for help.",
});
export const PromoteBody = AgentAction.extend({ memberId: AgentId }).meta({
  description: 'The owner makes a monitor a participant.',
});
export const InviteBody = AgentAction.extend({
  inviteeId: AgentId.optional(),
  anyone: z.literal(true).optional(),
  mode: InviteMode.default('participant'),
  note: Note.optional(),
})
  .refine((b) => (b.inviteeId === undefined) !== (b.anyone === undefined), 'give inviteeId or anyone: true, not both')
  .meta({
    description:
      "Invite a colleague, or (anyone: true) everyone available in the chat's queue: the first to answer joins.",
  });
export const AnswerBody = AgentAction.extend({ answer: InviteAnswer, reason: Note.optional() }).meta({
  description:
    'The invitee answers: participate or monitor (an invite or a help request), accept (an offer), or reject (with a reason if they like).',
});

/** An invite, an offer or a help request, for integrations. */
export const PublicInvite = z.object({
  id: z.string(),
  sessionId: z.string(),
  kind: InviteKind,
  inviterId: z.string(),
  inviteeId: z.string(),
  mode: InviteMode,
  status: InviteStatus,
  expiresAt: z.string().meta({ format: 'date-time' }),
  note: z.string().optional(),
  reason: z.string().optional(),
});
export type PublicInvite = z.infer<typeof PublicInvite>;

/** The session as the end user sees it: no agent ids, only first names. */
export const PublicSession = z.object({
  id: z.string(),
  ref: z.string(),
  status: SessionStatus,
  queue: z.object({ id: z.string(), name: z.string() }),
  user: EndUserSchema,
  verified: z.boolean().meta({ description: 'Whether the host site signed the end user (user.id with a good hash).' }),
  context: ContextSchema.optional(),
  agent: z.object({ name: z.string() }).nullable(),
  createdAt: z.string().meta({ format: 'date-time' }),
  queuePosition: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'While waiting: the place in the queue, from 1.' }),
  estimatedWaitSeconds: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: "While waiting: the expected wait, from the queue's recent waits." }),
  endReason: z.enum(['unanswered', 'idle']).optional().meta({
    description:
      "Why an ended chat ended, when no one ended it: unanswered (no one was free within WAITING_TIMEOUT_SECONDS), idle (the end user did not answer within the queue's idleEndSeconds).",
  }),
  outcome: z
    .string()
    .optional()
    .meta({ description: "Wrap-up: the outcome the agent chose when ending the chat (one of its queue's outcomes)." }),
  outcomeNote: z
    .string()
    .optional()
    .meta({ description: "Wrap-up: the agent's note, for integrations (answers to an API key only)." }),
  rating: z
    .object({ score: z.number().int().min(1).max(5), comment: z.string().optional() })
    .optional()
    .meta({ description: "The end user's rating, once given (POST /sessions/{id}/rating)." }),
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
export const FileAnswer = z.object({
  file: PublicFile.extend({
    id: z.string(),
    messageId: z.string().meta({ description: 'The message of the chat that carries it.' }),
  }),
});

const entryBase = {
  id: z.string().meta({ description: 'The event id (resume an event stream after it with Last-Event-ID).' }),
  at: z.string().meta({ format: 'date-time' }),
};
/** A transcript entry as the end user sees it (also the data of each event of the stream). */
export const PublicEntry = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    ...entryBase,
    author: z.enum(['user', 'agent', 'system']),
    name: z.string().nullable(),
    text: z.string(),
    file: PublicFile.optional(),
  }),
  z.object({ kind: z.literal('edit'), ...entryBase, targetId: z.string(), text: z.string() }),
  z.object({ kind: z.literal('delete'), ...entryBase, targetId: z.string() }),
  z
    .object({
      kind: z.literal('status'),
      ...entryBase,
      status: SessionStatus,
      queuePosition: z.number().int().min(1).optional(),
      estimatedWaitSeconds: z.number().int().min(1).optional(),
    })
    .meta({
      description:
        'A status change; while waiting, the stream also sends where the chat stands (queuePosition, estimatedWaitSeconds) as a status event without an id.',
    }),
  z.object({ kind: z.literal('participant'), ...entryBase, name: z.string(), action: z.enum(['joined', 'left']) }),
]);
export type PublicEntry = z.infer<typeof PublicEntry>;

export const SessionAnswer = z.object({ session: PublicSession });
export const InvitesAnswer = z.object({ invites: z.array(PublicInvite) });
export const InviteAnswerBody = z.object({ invite: PublicInvite });
export const CreatedAnswer = z.object({
  session: PublicSession,
  token: z.string().meta({ description: "The end user's token for this chat (Authorization: Bearer)." }),
});
export const MessageAnswer = z.object({ message: PublicEntry, notice: z.string().optional() });
export const MessagesAnswer = z.object({ messages: z.array(PublicEntry) });
export const QueuesAnswer = z.object({
  queues: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      open: z.boolean().meta({ description: 'Whether the queue takes new chats now (its business hours).' }),
      opensAt: z
        .string()
        .optional()
        .meta({ format: 'date-time', description: 'While closed: when it opens next (absent when it never does).' }),
      closedMessage: z
        .string()
        .optional()
        .meta({ description: 'While closed (or taking offline messages): what the queue says to people who come.' }),
      unavailable: z.literal(true).optional().meta({
        description:
          'Paused: a platform cannot take its chats now (its Slack workspace removed the app). It is not open, and new chats get 409 queue_unavailable until it is installed again.',
      }),
      offline: z.literal(true).optional().meta({
        description:
          'It takes offline messages now (closed, or nobody available): the widget offers "Leave a message".',
      }),
    }),
  ),
});
export type PublicQueue = z.infer<typeof QueuesAnswer>['queues'][number];

export const ErrorAnswer = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
