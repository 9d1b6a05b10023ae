/**
 * A local fake of the Bot Framework connector (the REST API behind a Teams `serviceUrl`),
 * for tests: point test activities' `serviceUrl` at `connector.url` and botbuilder's
 * ConnectorClient calls land here.
 *
 * Routes (as botframework-connector 4.23 builds them, ids URL-encoded in the path):
 *   POST   /v3/conversations                                        create  -> {id, activityId, serviceUrl}
 *   GET    /v3/conversations                                        list    -> {conversations: []}
 *   POST   /v3/conversations/:conversationId/activities             send    -> {id}
 *   POST   /v3/conversations/:conversationId/activities/history     history -> {id}
 *   POST   /v3/conversations/:conversationId/activities/:activityId reply   -> {id}
 *   PUT    /v3/conversations/:conversationId/activities/:activityId update  -> {id}
 *   DELETE /v3/conversations/:conversationId/activities/:activityId delete  -> 200 {}
 *   GET    /v3/conversations/:conversationId/activities/:activityId/members
 *   GET    /v3/conversations/:conversationId/members                members (from the registry)
 *   GET    /v3/conversations/:conversationId/members/:memberId      one member or 404
 *   GET    /v3/conversations/:conversationId/pagedmembers           {members, continuationToken?}
 *   GET    /v3/teams/:teamId                                         team details
 *   GET    /v3/teams/:teamId/conversations                           {conversations: channels}
 *   GET    /v3/attachments/:attachmentId/views/:viewId               the bytes set with `setAttachment`
 * Anything else answers 404 and is recorded with op `unknown`.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text as readText } from 'node:stream/consumers';

/** Teams' limit on one message, encoded as UTF-16 (its documentation: 40 KB; newer pages say 100 KB). */
export const MESSAGE_BYTES = 40 * 1024;
export type ConnectorOp =
  | 'createConversation'
  | 'getConversations'
  | 'sendToConversation'
  | 'sendHistory'
  | 'replyToActivity'
  | 'updateActivity'
  | 'deleteActivity'
  | 'getActivityMembers'
  | 'getMembers'
  | 'getMember'
  | 'getPagedMembers'
  | 'getTeam'
  | 'getTeamChannels'
  | 'getAttachment'
  | 'unknown';

export interface ConnectorCall {
  /** Order of arrival, from 1. */
  seq: number;
  /** When it arrived (ms since the epoch): receipts for latency tests. */
  at: number;
  op: ConnectorOp;
  method: string;
  /** The raw request path (still URL-encoded), without the query string. */
  path: string;
  query: Record<string, string>;
  /** Decoded; may contain `;messageid=` for a Teams channel thread. */
  conversationId?: string;
  activityId?: string;
  memberId?: string;
  teamId?: string;
  attachmentId?: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** The HTTP status answered. */
  status: number;
  /** For calls that created or changed an activity: the id answered. */
  responseId?: string;
}

export interface Failure {
  status: 429 | 412 | 500 | 502 | 503 | 504 | 400 | 401 | 403 | 404 | number;
  /** Seconds, sent as the Retry-After header. */
  retryAfter?: number;
  /** Only fail a call this predicate accepts (others pass); default: the next call. */
  match?: (call: Pick<ConnectorCall, 'op' | 'method' | 'path' | 'conversationId' | 'activityId' | 'body'>) => boolean;
  /** How many matching calls to fail; default 1. */
  times?: number;
  body?: unknown;
}

export interface MemberRecord {
  id: string;
  name?: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
  givenName?: string;
  surname?: string;
  tenantId?: string;
  userRole?: string;
  [key: string]: unknown;
}

type CallFilter =
  | Partial<Pick<ConnectorCall, 'op' | 'method' | 'conversationId' | 'activityId'>>
  | ((c: ConnectorCall) => boolean);

const ID_BASE = 1_700_000_000_000;

export class FakeConnector {
  /** Base URL with a trailing slash, as a `serviceUrl`. */
  url = '';
  private readonly server: Server;
  private log: ConnectorCall[] = [];
  private failures: Array<Failure & { left: number }> = [];
  private waiters = new Set<() => void>();
  private seq = 0;
  private nextId = 0;
  /** conversationId -> members; tests fill it with `setMembers`. */
  private members = new Map<string, MemberRecord[]>();
  /** Members returned for any conversation without its own list. */
  private defaultMembers: MemberRecord[] = [];
  private teams = new Map<
    string,
    { id: string; name?: string; aadGroupId?: string; channels: Array<{ id: string; name?: string }> }
  >();
  /** Files pasted into Teams messages, as the connector keeps them (GET /v3/attachments/:id/views/original). */
  private attachments = new Map<string, { bytes: Buffer; contentType: string }>();
  /** The activities of each conversation as last sent or updated (deleted ones removed). */
  readonly activities = new Map<string, Map<string, any>>();

  private constructor() {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { code: 'FakeConnectorError', message: String(err) } }));
      });
    });
  }

  static async start(): Promise<FakeConnector> {
    const c = new FakeConnector();
    await new Promise<void>((resolve, reject) => {
      c.server.once('error', reject);
      c.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = c.server.address() as AddressInfo;
    c.url = `http://127.0.0.1:${port}/`;
    return c;
  }

  // ---- test API ----

  setMembers(conversationId: string, members: MemberRecord[]): void {
    this.members.set(conversationId, members);
  }
  /** An attachment the connector serves, and its URL (a message's `contentUrl`). */
  setAttachment(id: string, bytes: Buffer, contentType: string): string {
    this.attachments.set(id, { bytes, contentType });
    return `${this.url}v3/attachments/${encodeURIComponent(id)}/views/original`;
  }
  /** Members for every conversation that has no list of its own. */
  setDefaultMembers(members: MemberRecord[]): void {
    this.defaultMembers = members;
  }
  setTeam(
    teamId: string,
    team: { name?: string; aadGroupId?: string; channels?: Array<{ id: string; name?: string }> } = {},
  ): void {
    this.teams.set(teamId, { id: teamId, name: team.name, aadGroupId: team.aadGroupId, channels: team.channels ?? [] });
  }

  /** Fail the next call (or the next one `match` accepts) with this status. Queued in order. */
  failNext(f: Failure): void {
    this.failures.push({ ...f, left: f.times ?? 1 });
  }

  calls(filter?: CallFilter): ConnectorCall[] {
    if (!filter) return [...this.log];
    if (typeof filter === 'function') return this.log.filter(filter);
    return this.log.filter((c) => Object.entries(filter).every(([k, v]) => c[k as keyof ConnectorCall] === v));
  }

  /** Resolves with the first recorded call (past or future) the predicate accepts. */
  waitFor(predicate: (c: ConnectorCall) => boolean, timeoutMs = 10_000): Promise<ConnectorCall> {
    const found = this.log.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.log.find(predicate);
        if (hit) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `fake connector: no matching call within ${timeoutMs} ms; calls so far:\n${this.log.map((c) => `  #${c.seq} ${c.method} ${c.path} -> ${c.status}`).join('\n') || '  (none)'}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Forget calls, failures, members, teams and activities (the port and id counter stay). */
  reset(): void {
    this.log = [];
    this.failures = [];
    this.members.clear();
    this.defaultMembers = [];
    this.teams.clear();
    this.activities.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- server ----

  private newId(): string {
    this.nextId += 1;
    return String(ID_BASE + this.nextId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split('?', 2);
    const query = Object.fromEntries(new URLSearchParams(rawQuery));
    const text = await readText(req);
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const route = matchRoute(method, rawPath);
    const call: ConnectorCall = {
      seq: ++this.seq,
      at: Date.now(),
      op: route.op,
      method,
      path: rawPath,
      query,
      headers: req.headers,
      body,
      status: 0,
      ...route.params,
    };

    if (route.op === 'getAttachment') {
      const att = this.attachments.get(call.attachmentId ?? '');
      call.status = att ? 200 : 404;
      this.log.push(call);
      res.writeHead(call.status, { 'Content-Type': att?.contentType ?? 'application/json' });
      res.end(att?.bytes ?? JSON.stringify({ error: { code: 'NotFound', message: 'no such attachment' } }));
      for (const w of [...this.waiters]) w();
      return;
    }
    const failure = this.failures.find((f) => !f.match || f.match(call));
    if (failure) {
      failure.left -= 1;
      if (failure.left <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      const headers: Record<string, string> = {};
      if (failure.retryAfter !== undefined) headers['Retry-After'] = String(failure.retryAfter);
      this.finish(
        res,
        call,
        failure.status,
        failure.body ?? { error: { code: codeFor(failure.status), message: `injected ${failure.status}` } },
        headers,
      );
      return;
    }

    // Like Teams: a message over 40 KB of UTF-16 is refused whole (413 MessageSizeTooBig).
    const sent = call.op === 'createConversation' ? (body as { activity?: unknown } | undefined)?.activity : body;
    const writes = ['createConversation', 'sendToConversation', 'replyToActivity', 'updateActivity'].includes(call.op);
    if (writes && sent && JSON.stringify(sent).length * 2 > MESSAGE_BYTES) {
      this.finish(res, call, 413, {
        error: { code: 'MessageSizeTooBig', message: 'The message is over the size limit.' },
      });
      return;
    }
    const [status, payload] = this.respond(call);
    this.finish(res, call, status, payload);
  }

  private respond(call: ConnectorCall): [number, unknown] {
    const b = (call.body ?? {}) as Record<string, any>;
    const convo = call.conversationId ?? '';
    switch (call.op) {
      case 'createConversation': {
        const activityId = this.newId();
        const channelId: string | undefined = b.channelData?.channel?.id;
        // A post into a Teams channel starts a thread whose conversation id carries the root message id.
        const id = channelId ? `${channelId};messageid=${activityId}` : `a:conv-${this.newId()}`;
        if (b.activity) this.store(id, activityId, b.activity);
        call.responseId = activityId;
        return [201, { id, activityId, serviceUrl: this.url }];
      }
      case 'getConversations':
        return [200, { conversations: [] }];
      case 'sendToConversation':
      case 'replyToActivity':
      case 'sendHistory': {
        const id = this.newId();
        if (call.op !== 'sendHistory') this.store(convo, id, { ...b, id });
        call.responseId = id;
        return [200, { id }];
      }
      case 'updateActivity': {
        const id = call.activityId ?? '';
        this.store(convo, id, { ...b, id });
        call.responseId = id;
        return [200, { id }];
      }
      case 'deleteActivity':
        this.activities.get(convo)?.delete(call.activityId ?? '');
        return [200, {}];
      case 'getMembers':
      case 'getActivityMembers':
        return [200, this.membersOf(convo)];
      case 'getPagedMembers':
        return [200, { members: this.membersOf(convo) }];
      case 'getMember': {
        const m = this.membersOf(convo).find((x) => x.id === call.memberId || x.aadObjectId === call.memberId);
        return m
          ? [200, m]
          : [
              404,
              {
                error: {
                  code: 'MemberNotFoundInConversation',
                  message: 'The member was not found in the conversation.',
                },
              },
            ];
      }
      case 'getTeam': {
        const t = this.teams.get(call.teamId ?? '');
        return t
          ? [200, { id: t.id, name: t.name, aadGroupId: t.aadGroupId }]
          : [404, { error: { code: 'NotFound', message: 'team not found' } }];
      }
      case 'getTeamChannels': {
        const t = this.teams.get(call.teamId ?? '');
        return t
          ? [200, { conversations: t.channels }]
          : [404, { error: { code: 'NotFound', message: 'team not found' } }];
      }
      case 'getAttachment':
      case 'unknown':
        return [
          404,
          { error: { code: 'NotFound', message: `fake connector has no route ${call.method} ${call.path}` } },
        ];
    }
  }

  private membersOf(conversationId: string): MemberRecord[] {
    // A thread's members are its channel's: strip `;messageid=`.
    const base = conversationId.split(';')[0] ?? conversationId;
    return this.members.get(conversationId) ?? this.members.get(base) ?? this.defaultMembers;
  }

  private store(conversationId: string, activityId: string, activity: unknown): void {
    let m = this.activities.get(conversationId);
    if (!m) this.activities.set(conversationId, (m = new Map()));
    m.set(activityId, activity);
  }

  private finish(
    res: ServerResponse,
    call: ConnectorCall,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ): void {
    call.status = status;
    this.log.push(call);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(payload));
    for (const w of [...this.waiters]) w();
  }
}

const dec = (s: string | undefined): string | undefined => {
  if (s === undefined) return undefined;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

function matchRoute(method: string, rawPath: string): { op: ConnectorOp; params: Partial<ConnectorCall> } {
  // Split before decoding: an encoded id may contain "/" (%2F).
  const seg = rawPath.replace(/^\/+|\/+$/g, '').split('/');
  if (seg[0] !== 'v3') return { op: 'unknown', params: {} };
  if (seg[1] === 'attachments' && seg.length === 5 && seg[3] === 'views' && method === 'GET')
    return { op: 'getAttachment', params: { attachmentId: dec(seg[2]) } };
  if (seg[1] === 'teams' && seg.length >= 3) {
    const teamId = dec(seg[2]);
    if (method === 'GET' && seg.length === 3) return { op: 'getTeam', params: { teamId } };
    if (method === 'GET' && seg.length === 4 && seg[3] === 'conversations')
      return { op: 'getTeamChannels', params: { teamId } };
    return { op: 'unknown', params: { teamId } };
  }
  if (seg[1] !== 'conversations') return { op: 'unknown', params: {} };
  if (seg.length === 2) {
    if (method === 'POST') return { op: 'createConversation', params: {} };
    if (method === 'GET') return { op: 'getConversations', params: {} };
    return { op: 'unknown', params: {} };
  }
  const conversationId = dec(seg[2]);
  const rest = seg.slice(3);
  const p = { conversationId };
  if (rest[0] === 'activities') {
    if (rest.length === 1 && method === 'POST') return { op: 'sendToConversation', params: p };
    if (rest.length === 2 && rest[1] === 'history' && method === 'POST') return { op: 'sendHistory', params: p };
    if (rest.length === 2) {
      const q = { ...p, activityId: dec(rest[1]) };
      if (method === 'POST') return { op: 'replyToActivity', params: q };
      if (method === 'PUT') return { op: 'updateActivity', params: q };
      if (method === 'DELETE') return { op: 'deleteActivity', params: q };
    }
    if (rest.length === 3 && rest[2] === 'members' && method === 'GET')
      return { op: 'getActivityMembers', params: { ...p, activityId: dec(rest[1]) } };
  }
  if (rest[0] === 'members' && method === 'GET') {
    if (rest.length === 1) return { op: 'getMembers', params: p };
    if (rest.length === 2) return { op: 'getMember', params: { ...p, memberId: dec(rest[1]) } };
  }
  if (rest[0] === 'pagedmembers' && rest.length === 1 && method === 'GET') return { op: 'getPagedMembers', params: p };
  return { op: 'unknown', params: p };
}

function codeFor(status: number): string {
  if (status === 429) return 'TooManyRequests';
  if (status === 412) return 'PreconditionFailed';
  if (status === 404) return 'NotFound';
  if (status >= 500) return 'ServiceError';
  return 'BadRequest';
}
