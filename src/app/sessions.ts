import { randomBytes } from 'node:crypto';
import type { Agent, Queue } from '../domain/directory.js';
import { checkNote } from '../domain/invite.js';
import {
  type ChatAction,
  checkOutcome,
  classifyAgentReply,
  mayAccept,
  mayAct,
  mayCloseOffline,
} from '../domain/policy.js';
import { type EndUser, type Member, makeRef, type Session, type SessionContext } from '../domain/session.js';
import type { EntryBody, FileRef, MessageEntry, TranscriptEntry } from '../domain/transcript.js';
import { awayAgents } from './availability.js';
import type { AppContext } from './context.js';
import { lineTemplates } from './delivery/lines.js';
import { agentWrote, rememberVerified } from './endUsers/continuation.js';
import { assertMayStart } from './endUsers/offline.js';
import { notFound, Refused } from './errors.js';
import { assertAvailable } from './installs.js';
import type { Effect } from './ports.js';
import { pastChats } from './record/history.js';
import { announceSoon } from './standing.js';
import type { AppendResult, StoreResult, Writes } from './store.js';
import { sourceWord } from './surfaces/availability.js';
import type { LineContext } from './surfaces/entryLines.js';
import * as timing from './timing.js';
import { hashToken } from './tokens.js';
import { plain, words } from './wording/index.js';

/**
 * Runs a store write that changes a chat's state and, when it took, puts the chat in the
 * lists its state now says and wakes the planner. (Should this process stop in between, the
 * planner reindexes: the write left it effects.)
 */
export async function commit<T>(ctx: AppContext, sessionId: string, write: Promise<StoreResult<T>>): Promise<T> {
  const r = await write;
  if (!r.ok) throw storeRefusal(r.code);
  await Promise.all([ctx.store.lists.reindex(sessionId), ctx.outbox.kick(sessionId)]);
  return r.value;
}

/**
 * Appends entries, their lines queued on the chat's channels in the same step when nothing
 * else of the chat waits (the fast path): the destinations it claimed are drained at once,
 * and the planner is woken only when it has work.
 */
async function appendLines(
  ctx: AppContext,
  sessionId: string,
  statuses: Session['status'][],
  entries: EntryBody[],
  c: LineContext,
  o: { origin?: string; clientMessageId?: string; maxBacklog?: number; tokenHash?: string } = {},
): Promise<AppendResult> {
  const lines = lineTemplates(
    entries.map((e, i) => ({ ...e, id: String(i) }) as TranscriptEntry),
    c,
    o.origin,
  );
  const r = await ctx.store.transcript.append(
    sessionId,
    statuses,
    { entries },
    {
      lines,
      owner: ctx.engine.owner,
      ...(o.clientMessageId ? { clientMessageId: o.clientMessageId } : {}),
      ...(o.maxBacklog ? { maxBacklog: o.maxBacklog } : {}),
      ...(o.tokenHash ? { tokenHash: o.tokenHash } : {}),
    },
  );
  if (!r.ok) throw storeRefusal(r.code);
  ctx.engine.started(r.value.claimed);
  if (r.value.planned) await ctx.outbox.kick(sessionId);
  return r.value;
}

/** Entries Switchboard itself adds to a chat while it is in one of `statuses` (timers' lines and messages). */
export const appendEntries = (
  ctx: AppContext,
  session: Session,
  statuses: Session['status'][],
  entries: EntryBody[],
): Promise<AppendResult> => appendLines(ctx, session.id, statuses, entries, lineContextOf(ctx, session));

const lineContextOf = (ctx: AppContext, session: Session): LineContext => ({
  session,
  publicUrl: ctx.settings.publicUrl,
  agent: (id) => ctx.directory.get().agent(id),
  queueName: (id) => ctx.directory.get().queue(id)?.name,
  target: () => undefined,
  fileUrl: (file) => ctx.files.links.url(session.id, file),
});

/**
 * The store's preconditions use the domain's refusal codes; a few carry which sentence says
 * them (`code:wording`).
 */
export function storeRefusal(code: string): Refused {
  const [c = code, wording] = code.split(':');
  // A credential that no longer opens the chat (a token replaced since the caller read it).
  if (c === 'credential') return Refused.credential(wording ?? 'forbidden.token');
  return Refused.of(c, undefined, wording);
}

export async function loadSession(ctx: AppContext, id: string): Promise<Session> {
  const s = await ctx.store.sessions.get(id);
  if (!s) throw notFound();
  return s;
}

export async function loadMember(ctx: AppContext, sessionId: string, agentId: string): Promise<Member | undefined> {
  return (await ctx.store.sessions.members(sessionId)).find((m) => m.agentId === agentId);
}

const changed = (sessionId: string): Effect => ({ type: 'session.changed', sessionId });

/**
 * A new chat in a queue. `admit` runs once the queue is known and open, before anything is
 * stored (the HTTP edge counts new chats there: unknown and closed queues are not counted).
 */
export interface NewChat {
  queueId: string;
  user: EndUser;
  text?: string | undefined;
  /** Set when identities are checked (IDENTITY_SECRET): whether the host site's hash was good. */
  verified?: boolean | undefined;
  context?: SessionContext | undefined;
  /** An offline message (README "Offline messages"): kept for the queue while nobody is there. */
  offline?: boolean | undefined;
}

export async function createSession(ctx: AppContext, input: NewChat, admit?: (queue: Queue) => Promise<void>) {
  const queue = ctx.directory.get().queue(input.queueId);
  if (!queue) throw Refused.of('unknown_queue', { queue: input.queueId });
  const now = ctx.now();
  const offline = input.offline === true;
  await assertMayStart(ctx, queue, now, offline);
  await assertAvailable(ctx, queue);
  await admit?.(queue);
  // The chat lives in the slot of its first channel (the least loaded of a pool), so its lines queue there in one step.
  const channels = ctx.platforms.map((p) => p.channels(queue)).find((c) => c.length > 0) ?? [];
  // Whether they have chatted before (the root card says so): asked of the record meanwhile, briefly.
  const [home, history] = await Promise.all([
    channels.length > 0 ? ctx.store.deliveries.claimLeastLoaded(channels) : undefined,
    pastChats(ctx, input.user.email, now),
  ]);
  const session: Session = {
    id: ctx.store.sessions.newId(home),
    ref: makeRef(randomBytes(6)),
    queueId: queue.id,
    status: offline ? 'offline' : 'waiting',
    endUser: input.user,
    createdAt: now,
    ...(history ? { history } : {}),
    ...(input.verified !== undefined ? { verified: input.verified } : {}),
    ...(input.context ? { context: input.context } : {}),
    ...(offline ? { offline: true as const } : {}),
  };
  const token = randomBytes(32).toString('base64url');
  const entries: EntryBody[] = [{ kind: 'status', ts: now, visibility: 'public', status: session.status }];
  if (input.text)
    entries.push({
      kind: 'message',
      ts: now,
      visibility: 'public',
      author: 'user',
      authorName: input.user.name,
      text: input.text,
    });
  await commit(
    ctx,
    session.id,
    ctx.store.sessions.create(session, hashToken(token), home, {
      entries,
      effects: [{ type: 'session.opened', sessionId: session.id }],
    }),
  );
  await rememberVerified(ctx, session);
  // An offline message waits for someone to reply: no timers, no routing (nobody is there).
  if (offline) return { session, token };
  await Promise.all([
    ctx.settings.waitingTimeoutMs > 0
      ? ctx.timers.scheduleUnanswered(session.id, now + ctx.settings.waitingTimeoutMs)
      : undefined,
    queue.escalateAfterSeconds
      ? ctx.timers.scheduleEscalation(session.id, now + queue.escalateAfterSeconds * 1000)
      : undefined,
  ]);
  ctx.router.queue(queue.id);
  return { session, token };
}

export async function accept(ctx: AppContext, sessionId: string, agent: Agent | undefined) {
  const session = await loadSession(ctx, sessionId);
  const away = agent ? await awayAgents(ctx) : undefined;
  const v = mayAccept(session, agent, agent ? !away!.has(agent.id) : false);
  // Away by presence says whose presence (README "Availability").
  const source = !v.ok && v.code === 'away' && agent ? away?.get(agent.id) : undefined;
  if (source && source !== 'manual') throw Refused.of('away', { source: sourceWord(source) }, 'away.presence');
  if (!v.ok || !agent) throw Refused.from(v.ok ? { code: 'not_agent' } : v);
  const now = ctx.now();
  const member: Member = { agentId: agent.id, mode: 'owner', joinedAt: now, via: 'accept' };
  await commit(
    ctx,
    sessionId,
    ctx.store.sessions.accept(sessionId, member, now, {
      entries: [
        { kind: 'status', ts: now, visibility: 'public', status: 'active' },
        {
          kind: 'participant',
          ts: now,
          visibility: 'public',
          agentId: agent.id,
          name: agent.firstName,
          mode: 'owner',
          action: 'joined',
        },
      ],
      // The owner reads the chat where they work: its channel there, else their 1:1.
      effects: [changed(sessionId), { type: 'member.joined', sessionId, agentId: agent.id }],
    }),
  );
  // An offline message's wait is nobody's queue time: it is not in the estimate.
  await Promise.all([
    ctx.timers.cancelUnanswered(sessionId),
    ctx.timers.cancelEscalation(sessionId),
    session.status === 'waiting' ? ctx.store.sessions.recordWait(session.queueId, now - session.createdAt) : undefined,
    timing.chatAccepted(ctx, { ...session, status: 'active', ownerId: agent.id }, now),
  ]);
  announceSoon(ctx, session.queueId);
}

/** Wrap-up: the outcome the one who ends the chat chose (one of its queue's), and a note. */
export interface WrapUp {
  outcome?: string | undefined;
  note?: string | undefined;
  /** Where people end chats (a dialog, a card), a queue with outcomes asks for one. */
  required?: boolean;
}

/** Ends a chat: by the owner (agentId) or by the end user (agentId undefined). Cancels pending invites. */
export async function endSession(ctx: AppContext, sessionId: string, agentId: string | undefined, wrap: WrapUp = {}) {
  const session = await loadSession(ctx, sessionId);
  if (agentId !== undefined && session.status === 'offline') {
    // Close on an offline message: any agent of its queue (no one owns it yet).
    const v = mayCloseOffline(session, ctx.directory.get().agent(agentId));
    if (!v.ok) throw Refused.from(v);
  } else if (agentId !== undefined) {
    const v = mayAct(session, await loadMember(ctx, sessionId, agentId), 'end');
    if (!v.ok) throw Refused.from(v);
  } else if (session.status === 'ended') {
    throw storeRefusal('ended');
  }
  const outcomes = ctx.directory.get().queue(session.queueId)?.outcomes ?? [];
  const o = checkOutcome(outcomes, wrap.outcome, wrap.required === true && agentId !== undefined);
  if (!o.ok) throw Refused.from(o);
  const note = checkNote(wrap.note);
  if (!note.ok) throw Refused.from(note);
  const now = ctx.now();
  const cancelled = await commit(
    ctx,
    sessionId,
    ctx.store.sessions.end(
      sessionId,
      agentId ?? 'user',
      now,
      {
        entries: [{ kind: 'status', ts: now, visibility: 'public', status: 'ended' }],
        effects: [changed(sessionId)],
      },
      { ...(wrap.outcome ? { outcome: wrap.outcome } : {}), ...(note.note ? { outcomeNote: note.note } : {}) },
    ),
  );
  await finishEnd(ctx, session, cancelled);
  return cancelled;
}

/** After a chat ended (`session` as it was before): its timers and invites go, its owner has room again. */
export async function finishEnd(ctx: AppContext, session: Session, cancelled: string[]): Promise<void> {
  const sessionId = session.id;
  await Promise.all([
    ...cancelled.map((id) => ctx.timers.cancel(id)),
    session.status === 'waiting' ? ctx.timers.cancelUnanswered(sessionId) : undefined,
    session.status === 'active' ? timing.chatStopped(ctx, sessionId, session.queueId) : undefined,
  ]);
  for (const _ of cancelled) ctx.metrics.inviteOutcome('cancelled');
  // Its owner has room for another chat; a chat that waited leaves room in its queue.
  if (session.ownerId) ctx.router.agent(session.ownerId);
  if (session.status === 'waiting') {
    await ctx.timers.cancelEscalation(sessionId);
    announceSoon(ctx, session.queueId);
  }
}

/**
 * The escalation timer's handler: a chat still waiting after its queue's escalateAfterSeconds
 * gets a line in its thread and a card to each supervisor of the queue, once. True when it did.
 */
export async function escalate(ctx: AppContext, sessionId: string): Promise<boolean> {
  const session = await ctx.store.sessions.get(sessionId);
  if (session?.status !== 'waiting' || session.escalatedAt) return false;
  const now = ctx.now();
  try {
    await commit(
      ctx,
      sessionId,
      ctx.store.sessions.escalate(sessionId, now, {
        entries: [{ kind: 'event', ts: now, visibility: 'agents', event: 'escalated', about: session.queueId }],
        effects: [{ type: 'session.escalated', sessionId }, changed(sessionId)],
      }),
    );
  } catch (err) {
    if (err instanceof Refused) return false; // taken meanwhile, or escalated by another run
    throw err;
  }
  return true;
}

/** At start-up: every waiting chat has its timer (chats from before the timeout existed get theirs). */
export async function timeWaitingChats(ctx: AppContext): Promise<void> {
  if (ctx.settings.waitingTimeoutMs <= 0) return;
  for (const q of ctx.directory.get().queues) {
    for (const id of await ctx.store.lists.read('waiting', q.id)) {
      const s = await ctx.store.sessions.get(id);
      // Adding a timer that exists is harmless (one job id per chat).
      if (s?.status === 'waiting') await ctx.timers.scheduleUnanswered(id, s.createdAt + ctx.settings.waitingTimeoutMs);
    }
  }
}

/**
 * A timer ends a chat (unanswered while waiting, idle while active): its end user is told
 * why, and the chat ends only if it is still as the timer found it. The chats' ids it cancels.
 */
export function endBySystem(
  ctx: AppContext,
  sessionId: string,
  now: number,
  o: { said: 'user.unanswered' | 'user.idleEnded'; reason: 'unanswered' | 'idle'; onlyIf: 'waiting' | 'active' },
): Promise<string[]> {
  return commit(
    ctx,
    sessionId,
    ctx.store.sessions.end(
      sessionId,
      'system',
      now,
      {
        entries: [
          { kind: 'message', ts: now, visibility: 'public', author: 'system', text: plain(words(o.said)) },
          { kind: 'status', ts: now, visibility: 'public', status: 'ended' },
        ],
        effects: [changed(sessionId)],
      },
      { reason: o.reason, onlyIf: o.onlyIf },
    ),
  );
}

/**
 * A chat no one took within WAITING_TIMEOUT_SECONDS ends as unanswered; its end user is told.
 * The timer's handler: late, repeated or after an accept, it does nothing. True when it ended the chat.
 */
export async function endUnanswered(ctx: AppContext, sessionId: string): Promise<boolean> {
  const session = await ctx.store.sessions.get(sessionId);
  if (session?.status !== 'waiting') return false;
  const now = ctx.now();
  try {
    await endBySystem(ctx, sessionId, now, { said: 'user.unanswered', reason: 'unanswered', onlyIf: 'waiting' });
  } catch (err) {
    if (err instanceof Refused) return false; // taken or ended meanwhile
    throw err;
  }
  ctx.metrics.unanswered();
  announceSoon(ctx, session.queueId);
  return true;
}

/**
 * The end user wrote. `session` was read by the caller's authorization, now or lately.
 * `tokenHash`: the caller knew the chat from an earlier request (its token checked then)
 * and did not read it again; the store's step checks the token is still the chat's, and
 * says the chat's status now.
 */
export async function userMessage(
  ctx: AppContext,
  session: Session,
  text: string,
  o: { clientMessageId?: string | undefined; tokenHash?: string | undefined } = {},
) {
  const { clientMessageId, tokenHash } = o;
  const sessionId = session.id;
  const now = ctx.now();
  const body: EntryBody = {
    kind: 'message',
    ts: now,
    visibility: 'public',
    author: 'user',
    authorName: session.endUser.name,
    text,
    ...(clientMessageId ? { clientMessageId } : {}),
  };
  const r = await appendLines(ctx, sessionId, ['waiting', 'active', 'offline'], [body], lineContextOf(ctx, session), {
    ...(clientMessageId ? { clientMessageId } : {}),
    ...(tokenHash ? { tokenHash } : {}),
    maxBacklog: ctx.settings.maxBacklog,
  });
  const id = r.ids[0] ?? '';
  const stored = r.duplicate ? await ctx.store.transcript.entry(sessionId, id) : undefined;
  if (!r.duplicate) await timing.userWrote(ctx, { ...session, status: r.status ?? session.status }, id, now);
  // A repeat's entry is the message it repeats.
  return { message: (stored ?? { id, ...body }) as MessageEntry, duplicate: r.duplicate };
}

/** The end user sent a file (already kept in the file store): a message of the chat, with the file. */
export async function userFile(ctx: AppContext, session: Session, file: FileRef) {
  await ctx.files.links.ready();
  const now = ctx.now();
  const body: EntryBody = {
    kind: 'message',
    ts: now,
    visibility: 'public',
    author: 'user',
    authorName: session.endUser.name,
    text: file.name,
    file,
  };
  const r = await appendLines(ctx, session.id, ['waiting', 'active', 'offline'], [body], lineContextOf(ctx, session), {
    maxBacklog: ctx.settings.maxBacklog,
  });
  await timing.userWrote(ctx, session, r.ids[0] ?? '', now);
  return { id: r.ids[0] ?? '', ...body } as TranscriptEntry;
}

export interface AgentReply {
  sessionId: string;
  agent: Agent;
  text: string;
  /** The mirror the reply was typed in; it is not echoed back there. */
  origin: string;
  file?: FileRef;
  /** Words for the customer as they are (a canned reply): never read as a `note:`. */
  verbatim?: boolean;
}

/**
 * An agent's reply in a thread. The policy decides who sees it; a refusal or a notice
 * comes back for the adapter to show the author.
 */
export async function agentReply(ctx: AppContext, r: AgentReply): Promise<{ entry: MessageEntry; withheld: boolean }> {
  const session = await loadSession(ctx, r.sessionId);
  const member = await loadMember(ctx, r.sessionId, r.agent.id);
  const note = !r.verbatim && /^note:/i.test(r.text.trim());
  const decision = classifyAgentReply(session, member, note);
  if ('ok' in decision) throw Refused.from(decision);
  if (r.file) await ctx.files.links.ready();
  const now = ctx.now();
  const text = note ? r.text.trim().replace(/^note:\s*/i, '') : r.text;
  const body: EntryBody = {
    kind: 'message',
    ts: now,
    visibility: decision.visibility,
    author: 'agent',
    agentId: r.agent.id,
    authorName: r.agent.firstName,
    text,
    origin: r.origin,
    ...(r.file ? { file: r.file } : {}),
  };
  const [id = ''] = (
    await appendLines(ctx, r.sessionId, ['active'], [body], lineContextOf(ctx, session), { origin: r.origin })
  ).ids;
  const entry = { id, ...body } as MessageEntry;
  // An answer the end user may not be there to read goes by email too (README "Email").
  if (decision.visibility === 'public') await agentWrote(ctx, session, now);
  await timing.agentAnswered(ctx, session, entry);
  return { entry, withheld: decision.withheld === true };
}

/** An agent edited or deleted a reply they had sent: the end user and the other mirrors see the change. */
export async function agentRevision(
  ctx: AppContext,
  sessionId: string,
  agentId: string,
  targetId: string,
  text: string | null,
) {
  const target = await ctx.store.transcript.entry(sessionId, targetId);
  if (target?.kind !== 'message' || target.agentId !== agentId) throw notFound('message_not_found');
  // A revision comes from where the message was typed, and is not echoed back there.
  const origin = target.origin;
  const now = ctx.now();
  const body: EntryBody =
    text === null
      ? { kind: 'delete', ts: now, visibility: target.visibility, targetId, origin }
      : { kind: 'edit', ts: now, visibility: target.visibility, targetId, text, origin };
  const session = await loadSession(ctx, sessionId);
  const c: LineContext = { ...lineContextOf(ctx, session), target: (id) => (id === targetId ? target : undefined) };
  await appendLines(ctx, sessionId, ['active', 'ended'], [body], c, origin ? { origin } : {});
}

export async function joinAs(
  ctx: AppContext,
  sessionId: string,
  agent: Agent,
  mode: 'participant' | 'monitor',
  via: Member['via'],
) {
  const now = ctx.now();
  const member: Member = { agentId: agent.id, mode, joinedAt: now, via };
  await commit(
    ctx,
    sessionId,
    ctx.store.sessions.addMember(sessionId, member, joinWrites(sessionId, agent, mode, now, via)),
  );
}

export function joinWrites(
  sessionId: string,
  agent: Agent,
  mode: Member['mode'],
  now: number,
  via: Member['via'],
): Writes {
  return {
    entries: [
      {
        kind: 'participant',
        ts: now,
        visibility: mode === 'monitor' ? 'agents' : 'public',
        agentId: agent.id,
        name: agent.firstName,
        mode,
        action: 'joined',
        via,
      },
    ],
    effects: [changed(sessionId), { type: 'member.joined', sessionId, agentId: agent.id }],
  };
}

/** The active chats an agent is in, with their place in each, newest first; used to resolve a command without a ref. */
export async function activeChatsOf(
  ctx: AppContext,
  agentId: string,
): Promise<Array<{ session: Session; member: Member }>> {
  const ids = await ctx.store.lists.read('chats', agentId);
  const found = await Promise.all(
    ids.map(async (id) => {
      const [session, members] = await Promise.all([ctx.store.sessions.get(id), ctx.store.sessions.members(id)]);
      const member = members.find((m) => m.agentId === agentId);
      return session?.status === 'active' && member ? { session, member } : undefined;
    }),
  );
  return found.filter((x) => x !== undefined).sort((a, b) => b.session.createdAt - a.session.createdAt);
}

export async function setAvailability(ctx: AppContext, agentId: string, available: boolean) {
  await ctx.store.sessions.setAvailable(agentId, available, ctx.now());
  if (available) ctx.router.agent(agentId);
}

/** Checks an agent may do `action` in a chat (before opening a dialog for it, say); throws the refusal. */
export async function assertMay(
  ctx: AppContext,
  sessionId: string,
  agentId: string,
  action: ChatAction,
): Promise<Session> {
  const session = await loadSession(ctx, sessionId);
  const v = mayAct(session, await loadMember(ctx, sessionId, agentId), action);
  if (!v.ok) throw Refused.from(v);
  return session;
}
