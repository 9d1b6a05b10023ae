import type { z } from 'zod';
import {
  AgentReportAnswer,
  ErasureAnswer,
  ErasureBody,
  QueueReportAnswer,
  RatingAnswer,
  RatingBody,
  ReportQuery,
  TranscriptAnswer,
  TranscriptQuery,
} from './recordSchemas.js';
import {
  AgentAction,
  AgentMessage,
  AnswerBody,
  AssistBody,
  CannedBody,
  ContinueBody,
  CreatedAnswer,
  CreateSession,
  FileAnswer,
  InviteAnswerBody,
  InviteBody,
  InvitesAnswer,
  MessageAnswer,
  MessagesAnswer,
  PostMessage,
  PromoteBody,
  QueuesAnswer,
  ResumeBody,
  SessionAnswer,
  TransferBody,
} from './schemas.js';

/**
 * Who may call an operation: no one in particular, the end user's token (in the header; also
 * `?token=` where a browser opens the URL; or an agent's signed link), or an integration's API key.
 */
export type Auth = 'none' | 'token' | 'tokenOrUrl' | 'tokenOrSigned' | 'apiKey';

export interface Operation {
  method: 'get' | 'post';
  /** Express style, relative to /api/v1: /sessions/:id */
  path: string;
  summary: string;
  auth: Auth;
  /** The JSON body, validated with this schema (and documented from it). */
  body?: z.ZodType;
  /** Query parameters (each property of the object one). */
  query?: z.ZodObject;
  /** A multipart/form-data body with one file in the field `file`. */
  upload?: true;
  ok: { status: number; schema?: z.ZodType; type?: string; description: string };
  /** Error statuses a caller may get besides 400 and 503. */
  errors: readonly number[];
}

/**
 * The end-user API, /api/v1: every operation, once. The router mounts one handler per id
 * (src/http/api.ts) and /openapi.json is written from the same entries (src/http/openapi.ts),
 * so a route and its documentation cannot drift apart (docs/ARCHITECTURE.md, "Where does a new thing go?").
 */
export const OPERATIONS = {
  listQueues: {
    method: 'get',
    path: '/queues',
    summary: 'The queues a chat can be started in',
    auth: 'none',
    ok: { status: 200, schema: QueuesAnswer, description: 'The queues' },
    errors: [],
  },
  createSession: {
    method: 'post',
    path: '/sessions',
    summary: 'Start a chat',
    auth: 'none',
    body: CreateSession,
    ok: { status: 201, schema: CreatedAnswer, description: 'The new chat and its end-user token' },
    errors: [404, 409, 413, 429],
  },
  resumeSession: {
    method: 'post',
    path: '/sessions/resume',
    summary: 'A verified end user (user.id and its hash) opens their open chat from another device: a new token for it',
    auth: 'none',
    body: ResumeBody,
    ok: { status: 200, schema: CreatedAnswer, description: 'Their open chat and a new end-user token' },
    errors: [401, 404],
  },
  continueSession: {
    method: 'post',
    path: '/sessions/:id/continue',
    summary: 'The link of a continuation email opens the chat: a new token for it, while it is open',
    auth: 'none',
    body: ContinueBody,
    ok: { status: 200, schema: CreatedAnswer, description: 'The chat and a new end-user token' },
    errors: [403, 410],
  },
  getSession: {
    method: 'get',
    path: '/sessions/:id',
    summary: 'The chat as the end user sees it',
    auth: 'token',
    ok: { status: 200, schema: SessionAnswer, description: 'The chat' },
    errors: [401, 403, 404],
  },
  postMessage: {
    method: 'post',
    path: '/sessions/:id/messages',
    summary: 'Send an end-user message',
    auth: 'token',
    body: PostMessage,
    ok: { status: 202, schema: MessageAnswer, description: 'Stored; it will be delivered' },
    errors: [401, 403, 404, 409, 413, 429],
  },
  listMessages: {
    method: 'get',
    path: '/sessions/:id/messages',
    summary: 'What the end user may see of the conversation',
    auth: 'token',
    ok: { status: 200, schema: MessagesAnswer, description: 'The messages and events' },
    errors: [401, 403, 404],
  },
  endSession: {
    method: 'post',
    path: '/sessions/:id/end',
    summary:
      "End the chat: the end user with their token (no body), or the owner with an API key and {agentId, outcome?, note?}, the wrap-up (an outcome not among the queue's outcomes is 400)",
    auth: 'token',
    ok: { status: 200, schema: SessionAnswer, description: 'The ended chat' },
    errors: [401, 403, 404, 409],
  },
  uploadFile: {
    method: 'post',
    path: '/sessions/:id/files',
    auth: 'token',
    upload: true,
    errors: [401, 403, 404, 409, 413, 415, 429],
    summary:
      'Send a file (multipart/form-data, field "file"): PNG, JPEG, GIF, WebP, PDF or plain text, recognised by content, at most MAX_FILE_BYTES',
    ok: { status: 201, schema: FileAnswer, description: 'Kept; it will be delivered to the agents' },
  },
  getFile: {
    method: 'get',
    path: '/sessions/:id/files/:fileId',
    summary: "A file shared in the chat (the end user's token, or a signed link for agents)",
    auth: 'tokenOrSigned',
    ok: { status: 200, type: 'application/octet-stream', description: 'The file' },
    errors: [401, 403, 404],
  },
  streamEvents: {
    method: 'get',
    path: '/sessions/:id/events',
    auth: 'tokenOrUrl',
    errors: [401, 403, 404],
    summary:
      'Server-Sent Events (message, status, participant), each with the entry as data; resumes after Last-Event-ID (an id beyond the stream resumes from its end)',
    ok: { status: 200, type: 'text/event-stream', description: 'The event stream' },
  },
  accept: {
    method: 'post',
    path: '/sessions/:id/accept',
    summary: 'An agent accepts the chat (integrations)',
    auth: 'apiKey',
    body: AgentAction,
    ok: { status: 200, schema: SessionAnswer, description: 'The chat' },
    errors: [401, 404, 409],
  },
  agentMessage: {
    method: 'post',
    path: '/sessions/:id/agent-messages',
    summary: 'An agent writes in the chat (integrations)',
    auth: 'apiKey',
    body: AgentMessage,
    ok: { status: 202, schema: MessageAnswer, description: 'Stored; it will be delivered' },
    errors: [401, 404, 409],
  },
  sendCanned: {
    method: 'post',
    path: '/sessions/:id/canned',
    summary:
      "An owner or participant sends a canned reply (the queue's or their own, by shortcut), placeholders filled; a monitor is refused with 409 (integrations)",
    auth: 'apiKey',
    body: CannedBody,
    ok: { status: 202, schema: MessageAnswer, description: 'Stored; it will be delivered' },
    errors: [401, 404, 409],
  },
  transfer: {
    method: 'post',
    path: '/sessions/:id/transfer',
    summary:
      'The owner offers the chat to a colleague (201 with the offer) or moves it to another queue (200 with the chat) (integrations)',
    auth: 'apiKey',
    body: TransferBody,
    ok: { status: 200, schema: SessionAnswer, description: 'The chat, moved; or 201 {invite}: the offer' },
    errors: [401, 404, 409],
  },
  release: {
    method: 'post',
    path: '/sessions/:id/release',
    summary: 'The owner gives the chat back to its queue (integrations)',
    auth: 'apiKey',
    body: AgentAction,
    ok: { status: 200, schema: SessionAnswer, description: 'The chat, waiting again' },
    errors: [401, 404, 409],
  },
  leave: {
    method: 'post',
    path: '/sessions/:id/leave',
    summary: 'A participant or monitor leaves the chat (integrations)',
    auth: 'apiKey',
    body: AgentAction,
    ok: { status: 200, schema: SessionAnswer, description: 'The chat' },
    errors: [401, 404, 409],
  },
  assist: {
    method: 'post',
    path: '/sessions/:id/assist',
    summary: "Ask the queue's supervisors for help (integrations)",
    auth: 'apiKey',
    body: AssistBody,
    ok: { status: 201, schema: InvitesAnswer, description: 'The help request, one per supervisor asked' },
    errors: [401, 404, 409],
  },
  promote: {
    method: 'post',
    path: '/sessions/:id/promote',
    summary: 'The owner makes a monitor a participant (integrations)',
    auth: 'apiKey',
    body: PromoteBody,
    ok: { status: 200, schema: SessionAnswer, description: 'The chat' },
    errors: [401, 404, 409],
  },
  invite: {
    method: 'post',
    path: '/sessions/:id/invites',
    summary: 'Invite a colleague, or anyone available in the queue (integrations)',
    auth: 'apiKey',
    body: InviteBody,
    ok: { status: 201, schema: InvitesAnswer, description: 'The invites sent' },
    errors: [401, 404, 409],
  },
  answerInvite: {
    method: 'post',
    path: '/invites/:inviteId/answer',
    summary: 'The invitee answers an invite, an offer or a help request (integrations)',
    auth: 'apiKey',
    body: AnswerBody,
    ok: { status: 200, schema: InviteAnswerBody, description: 'The invite as answered' },
    errors: [401, 404, 409],
  },
  rate: {
    method: 'post',
    path: '/sessions/:id/rating',
    summary: 'The end user rates their ended chat, once (also after Redis forgot it)',
    auth: 'token',
    body: RatingBody,
    ok: { status: 201, schema: RatingAnswer, description: 'The rating' },
    errors: [401, 403, 404, 409],
  },
  transcript: {
    method: 'get',
    path: '/sessions/:id/transcript',
    summary:
      'What the end user could see of the chat, to keep (format=text: a text/plain attachment); also after Redis forgot it',
    auth: 'tokenOrUrl',
    query: TranscriptQuery,
    ok: { status: 200, schema: TranscriptAnswer, description: 'The transcript' },
    errors: [401, 403, 404],
  },
  queueReport: {
    method: 'get',
    path: '/reports/queues',
    summary:
      'Per queue: chats offered, answered, unanswered, abandoned, transferred, released; wait, first response and handle time; invites; help requests; rating (format=csv: the same as CSV)',
    auth: 'apiKey',
    query: ReportQuery,
    ok: { status: 200, schema: QueueReportAnswer, description: 'One row per queue' },
    errors: [401],
  },
  agentReport: {
    method: 'get',
    path: '/reports/agents',
    summary: 'The same per agent, over their turns as owner (format=csv: the same as CSV)',
    auth: 'apiKey',
    query: ReportQuery,
    ok: { status: 200, schema: AgentReportAnswer, description: 'One row per agent' },
    errors: [401],
  },
  requestErasure: {
    method: 'post',
    path: '/erasures',
    summary: "Erase one person (by email) from the record, Redis and the platforms' threads",
    auth: 'apiKey',
    body: ErasureBody,
    ok: { status: 202, schema: ErasureAnswer, description: 'The erasure, pending' },
    errors: [401],
  },
  getErasure: {
    method: 'get',
    path: '/erasures/:erasureId',
    summary: 'An erasure: pending, or done with what it did and what it could not reach',
    auth: 'apiKey',
    ok: { status: 200, schema: ErasureAnswer, description: 'The erasure' },
    errors: [401, 404],
  },
  openApi: {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    auth: 'none',
    ok: { status: 200, type: 'application/json', description: 'OpenAPI 3.1' },
    errors: [],
  },
} as const satisfies Record<string, Operation>;

export type OperationId = keyof typeof OPERATIONS;
