import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { awayAgents } from '../app/availability.js';
import * as canned from '../app/canned.js';
import type { ChatEvent, ChatEvents } from '../app/chatEvents.js';
import type { AppContext } from '../app/context.js';
import { continueChat, resumeVerified, streamBeat } from '../app/endUsers/continuation.js';
import { checkIdentity } from '../app/endUsers/identity.js';
import { takesOfflineNow } from '../app/endUsers/offline.js';
import { Refused } from '../app/errors.js';
import { LOCAL_FILES, MAX_FILES_PER_CHAT } from '../app/files.js';
import { queueHours } from '../app/hours.js';
import { queueAvailable } from '../app/installs.js';
import * as invites from '../app/invites.js';
import * as lifecycle from '../app/lifecycle.js';
import type { ChatCreationLimiter } from '../app/rateLimit.js';
import { ratingOf } from '../app/record/endUser.js';
import * as sessions from '../app/sessions.js';
import { standingOf } from '../app/standing.js';
import { hashToken } from '../app/tokens.js';
import { say } from '../app/wording/index.js';
import { mayAttach } from '../domain/policy.js';
import type { Session } from '../domain/session.js';
import { compareEntryIds, type FileRef, type TranscriptEntry, visibleToEndUser } from '../domain/transcript.js';
import { authorizeSession, bearer, requireApiKey, type TokenPlaces } from './auth.js';
import { clientKey } from './clientAddress.js';
import { KnownChats } from './knownChats.js';
import { clampToTail, parseLastEventId } from './lastEventId.js';
import { type Handlers, mountOperations } from './mount.js';
import { openApiDocument } from './openapi.js';
import { publicEntry, publicFile, publicInvite, publicSession, standingEvent } from './presenters.js';
import { recordedChat, recordHandlers } from './record.js';
import { EndBody, InviteId, type PublicQueue, SessionId } from './schemas.js';
import { receiveFile } from './upload.js';

export { MAX_TEXT } from './schemas.js';

/** An attachment's name: ASCII for every client, and UTF-8 (RFC 6266) for those that read it. */
const disposition = (name: string): string =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;

/**
 * The /api/v1 router: one handler per operation of the route table (src/http/routes.ts),
 * mounted in its order; the table's `auth: 'apiKey'` puts the API key check first.
 */
export function apiRouter(
  ctx: AppContext,
  hub: ChatEvents,
  apiKeys: readonly string[],
  limiter: ChatCreationLimiter,
): Router {
  /** The chat in the path, once the caller has shown its token or an API key. */
  const authorized = async (req: Request, places?: TokenPlaces): Promise<Session> => {
    const id = SessionId.safeParse(req.params.id);
    if (!id.success) throw Refused.of('not_found');
    return authorizeSession(ctx.store.sessions, apiKeys, req, id.data, places);
  };
  /**
   * The chat an end user writes to: from what this instance saw lately when the token is the
   * same (the store's step checks it is still the chat's, `tokenHash`), else read and checked.
   */
  const known = new KnownChats();
  const writer = async (req: Request): Promise<{ session: Session; tokenHash?: string }> => {
    const presented = req.get('x-api-key') === undefined ? bearer(req) : undefined;
    const hash = presented === undefined ? undefined : hashToken(presented);
    const id = SessionId.safeParse(req.params.id);
    const seen = hash === undefined || !id.success ? undefined : known.get(id.data, hash, ctx.now());
    if (seen) return { session: seen, tokenHash: hash };
    const session = await authorized(req);
    if (hash !== undefined) known.keep(session.id, session, hash, ctx.now());
    return { session };
  };
  const sessionParam = async (req: Request, places?: TokenPlaces): Promise<string> =>
    (await authorized(req, places)).id;
  // What a browser opens by URL (a download link, an EventSource) may carry the token as ?token=.
  const byUrl: TokenPlaces = { query: true };

  /** Integrations' routes: an API key in X-API-Key, checked before anything else (401). */
  const integration: RequestHandler = (req, _res, next) => {
    requireApiKey(apiKeys, req);
    next();
  };

  /** The agent an integration acts as: known to the directory, or a clear 404. */
  const actor = (agentId: string) => {
    const agent = ctx.directory.get().agent(agentId);
    if (!agent) throw Refused.of('unknown_agent', { who: agentId }, 'unknown_agent.id');
    return agent;
  };
  const sessionAnswer = async (res: Response, id: string) =>
    res.json({ session: await publicSession(ctx, await sessions.loadSession(ctx, id)) });

  const document = openApiDocument();
  const handlers = {
    openApi: ({ res }) => {
      res.json(document);
    },

    listQueues: async ({ res }) => {
      const now = ctx.now();
      const queues = ctx.directory.get().queues;
      // Who is away, read once (and only where a queue takes offline messages).
      const away = queues.some((q) => q.offline) ? await awayAgents(ctx) : new Set<string>();
      res.json({
        queues: await Promise.all(
          queues.map(async (q): Promise<PublicQueue> => {
            // Paused (README "Install into several workspaces"): closed to new chats, whatever its hours.
            if (!(await queueAvailable(ctx, q))) return { id: q.id, name: q.name, open: false, unavailable: true };
            const h = queueHours(q, now);
            // A queue taking offline messages says so, with its closed text (README "Offline messages").
            const offline = (await takesOfflineNow(ctx, q, now, away))
              ? { offline: true as const, ...(q.hours?.closedMessage ? { closedMessage: q.hours.closedMessage } : {}) }
              : {};
            if (h.open) return { id: q.id, name: q.name, open: true, ...offline };
            return {
              id: q.id,
              name: q.name,
              open: false,
              ...(h.opensAt !== undefined ? { opensAt: new Date(h.opensAt).toISOString() } : {}),
              ...(q.hours?.closedMessage ? { closedMessage: q.hours.closedMessage } : {}),
              ...offline,
            };
          }),
        ),
      });
    },

    createSession: async ({ req, res, body }) => {
      const input = body();
      // A bad or missing identity is refused before anything is stored or counted (README "Verified end users").
      const { id, hash, ...user } = input.user;
      const { verified } = checkIdentity(ctx.settings.identity, { id, hash });
      const identity = ctx.settings.identity.secrets.length > 0 ? { verified } : {};
      // Counted only once the queue exists and is open: made-up names must not fill Redis with counters.
      const { session, token } = await sessions.createSession(
        ctx,
        {
          queueId: input.queue,
          user: verified && id ? { ...user, id } : user,
          text: input.text,
          ...identity,
          context: input.context,
          offline: input.offline,
        },
        (q) => limiter.take(clientKey(req.ip), q.id),
      );
      // Its end user writes next, most likely here: their first message reads nothing before its step either.
      known.keep(session.id, session, hashToken(token), ctx.now());
      res
        .status(201)
        .location(`/api/v1/sessions/${session.id}`)
        .json({ session: await publicSession(ctx, session), token });
    },

    // A verified end user's open chat, from another device: a new token (an unverified one never resumes any chat).
    resumeSession: async ({ res, body }) => {
      const { user } = body();
      checkIdentity({ ...ctx.settings.identity, required: true }, user);
      const { session, token } = await resumeVerified(ctx, user.id);
      res.json({ session: await publicSession(ctx, session), token });
    },

    // The link of a continuation email: the chat, with a new token, while it is open.
    continueSession: async ({ req, res, body }) => {
      const id = SessionId.safeParse(req.params.id);
      const { sig } = body();
      if (!id.success) throw Refused.credential('forbidden.continue');
      const { session, token } = await continueChat(ctx, id.data, sig);
      res.json({ session: await publicSession(ctx, session), token });
    },

    // Also once Redis has forgotten an ended chat: the record keeps it (and its token's hash).
    getSession: async ({ req, res }) => {
      const chat = await recordedChat(ctx, apiKeys, req);
      res.json({ session: await publicSession(ctx, chat.session, await ratingOf(ctx, chat)) });
    },

    postMessage: async ({ req, res, body }) => {
      const { session, tokenHash } = await writer(req);
      const input = body();
      // A repeat of a clientMessageId gets the same answer as the first time.
      const { message } = await sessions
        .userMessage(ctx, session, input.text, { clientMessageId: input.clientMessageId, tokenHash })
        .catch((err: unknown) => {
          known.forget(session.id); // read afresh next time (a new token, an ended chat)
          throw err;
        });
      res.status(202).json({ message: publicEntry(message) });
    },

    listMessages: async ({ req, res }) => {
      const id = await sessionParam(req);
      const entries = await ctx.store.transcript.read(id, undefined, 10_000);
      res.json({ messages: entries.filter(visibleToEndUser).map(publicEntry) });
    },

    endSession: async ({ req, res }) => {
      // With an API key and an agent: the owner ends it, with a wrap-up (an outcome of the queue's, a note).
      if (req.get('x-api-key') !== undefined && req.body && typeof req.body === 'object' && 'agentId' in req.body) {
        requireApiKey(apiKeys, req);
        const b = EndBody.parse(req.body);
        const id = SessionId.parse(req.params.id);
        await sessions.endSession(ctx, id, actor(b.agentId).id, { outcome: b.outcome, note: b.note });
        return void res.json({
          session: await publicSession(ctx, await sessions.loadSession(ctx, id), undefined, { forAgents: true }),
        });
      }
      const id = await sessionParam(req);
      await sessions.endSession(ctx, id, undefined);
      res.json({ session: await publicSession(ctx, await sessions.loadSession(ctx, id)) });
    },

    // A file from the end user: one multipart part, checked and kept as it streams (see upload.ts).
    uploadFile: async ({ req, res }) => {
      const session = await authorized(req);
      const v = mayAttach(session, await ctx.files.store.count(session.id), MAX_FILES_PER_CHAT);
      if (!v.ok) throw Refused.from(v);
      let file: FileRef;
      try {
        file = await receiveFile(req, ctx.files.store, session.id, ctx.files.maxBytes);
      } catch (err) {
        // The rest of a refused body is dropped as it comes; the connection is not reused.
        res.set('Connection', 'close');
        throw err;
      }
      let entry: TranscriptEntry;
      try {
        entry = await sessions.userFile(ctx, session, file);
      } catch (err) {
        await ctx.files.store.remove(session.id, file.id);
        throw err;
      }
      res.status(201).json({ file: { id: file.id, ...publicFile(file), messageId: entry.id } });
    },

    // A file of the chat: with the end user's token (what they may see), or with a signed link (agents).
    getFile: async ({ req, res }) => {
      const fileId = String(req.params.fileId);
      const signed = req.query.sig !== undefined || req.query.exp !== undefined;
      let id: string;
      if (signed) {
        const sid = SessionId.safeParse(req.params.id);
        const verdict = sid.success
          ? await ctx.files.links.verify(sid.data, fileId, req.query.exp, req.query.sig)
          : 'bad';
        if (verdict === 'expired') throw Refused.of('link_expired');
        if (verdict !== 'ok' || !sid.success) throw Refused.credential('forbidden.link');
        id = sid.data;
      } else {
        id = await sessionParam(req, byUrl);
      }
      const entries = await ctx.store.transcript.read(id, undefined, 10_000);
      // Agents see what agents see (a private note's file never left its platform); the end user, what is public.
      const shown = signed ? (e: TranscriptEntry) => e.visibility !== 'private' : visibleToEndUser;
      const file = entries
        .filter(shown)
        .flatMap((e) => (e.kind === 'message' && e.file?.id === fileId ? [e.file] : []))[0];
      if (!file) throw Refused.of('not_found', undefined, 'file_not_found');
      let body: Readable;
      let contentType = file.mimetype ?? 'application/octet-stream';
      let size: number | undefined = file.size;
      if (file.platform === LOCAL_FILES) {
        const stored = await ctx.files.store.open(id, file.id);
        if (!stored) throw Refused.of('not_found', undefined, 'file_not_found');
        body = stored.body;
        size = stored.size;
      } else {
        const platform = ctx.platforms.find((p) => p.id === file.platform);
        if (!platform?.openFile) throw Refused.of('not_found', undefined, 'file_not_found');
        const download = await platform.openFile(file);
        body = Readable.fromWeb(download.body as import('node:stream/web').ReadableStream);
        contentType = download.contentType;
        size = download.size;
      }
      res.status(200).set({
        'Content-Type': contentType,
        'Content-Disposition': disposition(file.name),
        'X-Content-Type-Options': 'nosniff',
        // Whatever the bytes are, they never run as a page of this origin.
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, max-age=300',
        ...(size ? { 'Content-Length': String(size) } : {}),
      });
      await pipeline(body, res);
    },

    streamEvents: async ({ req, res }) => {
      // Before any await: a stream the client cuts during its set-up still lets go of everything.
      const life = streamLife(res);
      try {
        const session = await authorized(req, byUrl);
        if (!life.cut) await streamEvents(ctx, hub, session, req, res, life);
      } catch (err) {
        if (!life.cut) throw err;
      }
    },

    // Server-to-server: integrations (and local trials without Slack or Teams) act as an agent.
    accept: async ({ req, res, body }) => {
      const { agentId } = body();
      const id = SessionId.parse(req.params.id);
      await sessions.accept(ctx, id, actor(agentId));
      await sessionAnswer(res, id);
    },

    agentMessage: async ({ req, res, body }) => {
      const input = body();
      const { entry, withheld } = await sessions.agentReply(ctx, {
        sessionId: SessionId.parse(req.params.id),
        agent: actor(input.agentId),
        text: input.text,
        origin: 'api',
      });
      res
        .status(202)
        .json({ message: publicEntry(entry), ...(withheld ? { notice: say('notice.monitorReply') } : {}) });
    },

    sendCanned: async ({ req, res, body }) => {
      const b = body();
      const { entry } = await canned.sendCanned(ctx, {
        sessionId: SessionId.parse(req.params.id),
        agent: actor(b.agentId),
        shortcut: b.shortcut,
        origin: 'api',
      });
      res.status(202).json({ message: publicEntry(entry) });
    },

    transfer: async ({ req, res, body }) => {
      const b = body();
      const id = SessionId.parse(req.params.id);
      const done = await lifecycle.transfer(ctx, {
        sessionId: id,
        agentId: actor(b.agentId).id,
        toAgentId: b.toAgentId,
        toQueue: b.toQueue,
        note: b.note,
      });
      if (done.offer) return void res.status(201).json({ invite: publicInvite(done.offer) });
      await sessionAnswer(res, id);
    },

    release: async ({ req, res, body }) => {
      const { agentId } = body();
      const id = SessionId.parse(req.params.id);
      await lifecycle.release(ctx, id, actor(agentId).id);
      await sessionAnswer(res, id);
    },

    leave: async ({ req, res, body }) => {
      const { agentId } = body();
      const id = SessionId.parse(req.params.id);
      await lifecycle.leave(ctx, id, actor(agentId).id);
      await sessionAnswer(res, id);
    },

    assist: async ({ req, res, body }) => {
      const b = body();
      const sent = await invites.requestHelp(ctx, {
        sessionId: SessionId.parse(req.params.id),
        agentId: actor(b.agentId).id,
        note: b.note,
      });
      res.status(201).json({ invites: sent.map(publicInvite) });
    },

    promote: async ({ req, res, body }) => {
      const b = body();
      const id = SessionId.parse(req.params.id);
      await lifecycle.promote(ctx, id, actor(b.agentId).id, b.memberId);
      await sessionAnswer(res, id);
    },

    invite: async ({ req, res, body }) => {
      const b = body();
      const base = {
        sessionId: SessionId.parse(req.params.id),
        inviterId: actor(b.agentId).id,
        mode: b.mode,
        note: b.note,
      };
      const sent = b.anyone
        ? await invites.inviteAnyone(ctx, base)
        : [await invites.invite(ctx, { ...base, inviteeId: b.inviteeId! })];
      res.status(201).json({ invites: sent.map(publicInvite) });
    },

    answerInvite: async ({ req, res, body }) => {
      const b = body();
      const inviteId = InviteId.parse(req.params.inviteId);
      res.json({
        invite: publicInvite(
          await invites.answerInvite(ctx, inviteId, actor(b.agentId), b.answer, b.reason, { repeatable: true }),
        ),
      });
    },

    // The record's routes (README "The record"), in src/http/record.ts.
    ...recordHandlers(ctx, apiKeys),
  } satisfies Handlers;

  const r = Router();
  mountOperations(r, handlers, { apiKey: integration });
  return r;
}

/**
 * Server-Sent Events: subscribe first, then replay the transcript after Last-Event-ID, then
 * stream live; ids only move forward, so the overlap is never sent twice.
 */
async function streamEvents(
  ctx: AppContext,
  hub: ChatEvents,
  session: Session,
  req: Request,
  res: Response,
  life: StreamLife,
) {
  const sessionId = session.id;
  const lastId = parseLastEventId(req.get('last-event-id'), req.query.lastEventId);
  const tail = lastId === undefined ? undefined : await ctx.store.transcript.lastId(sessionId);
  if (life.cut) return;
  res.status(200).set({
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  let cursor = lastId === undefined ? '0-0' : clampToTail(lastId, tail);
  const buffered: ChatEvent[] = [];
  let replaying = true;
  const send = (e: ChatEvent) => {
    if (life.cut) return;
    // Where the chat stands is said as a status without an id: nothing resumes from it.
    if (e.kind === 'standing') return void res.write(`event: status\ndata: ${JSON.stringify(standingEvent(e))}\n\n`);
    if (compareEntryIds(e.id, cursor) <= 0) return;
    cursor = e.id;
    if (!visibleToEndUser(e)) return;
    const event = e.kind === 'status' ? 'status' : e.kind === 'participant' ? 'participant' : 'message';
    res.write(`id: ${e.id}\nevent: ${event}\ndata: ${JSON.stringify(publicEntry(e))}\n\n`);
  };
  // Cut while subscribing: the release runs as soon as the subscription exists.
  life.onCut(await hub.watch(sessionId, (e) => (replaying ? buffered.push(e) : send(e))));
  if (life.cut) return;
  const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
  // The end user is here while their stream is open: said now, every beat, and when it closes (README "Email").
  const endUser = req.get('x-api-key') === undefined;
  const seen = () => void (endUser ? ctx.endUsers.seen(sessionId, Date.now()).catch(() => undefined) : undefined);
  const beat = setInterval(seen, streamBeat(ctx.settings.emailAfterMs));
  seen();
  life.onCut(async () => {
    clearInterval(ping);
    clearInterval(beat);
    seen();
  });
  res.write('retry: 2000\n\n');
  for (;;) {
    const page = await ctx.store.transcript.read(sessionId, cursor, 500);
    if (life.cut) return;
    page.forEach(send);
    if (page.length < 500) break;
  }
  replaying = false;
  buffered.forEach(send);
  buffered.length = 0;
  // Where it stands in line now (standingOf reads the waiting list itself, so a chat taken meanwhile has none).
  const standing = await standingOf(ctx, session);
  if (standing) send(standing);
}

interface StreamLife {
  readonly cut: boolean;
  /** Runs `release` when the stream is cut, or at once when it already was. */
  onCut(release: () => Promise<void>): void;
}

/** Whether the client has gone, from the first moment of the request: what a stream holds is released then. */
function streamLife(res: Response): StreamLife {
  const releases: Array<() => Promise<void>> = [];
  const life = {
    cut: res.destroyed || res.socket?.destroyed === true,
    onCut(release: () => Promise<void>) {
      if (life.cut) void release().catch(() => undefined);
      else releases.push(release);
    },
  };
  res.once('close', () => {
    life.cut = true;
    for (const r of releases.splice(0)) void r().catch(() => undefined);
  });
  return life;
}
