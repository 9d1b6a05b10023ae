/**
 * A local fake of the Slack Web API for tests. Start it, point the app at it with
 * `SLACK_API_URL=fake.url` (or `new WebClient(token, { slackApiUrl: fake.url })`), and inspect
 * what the bot sent.
 *
 * - Records every call as `{ method, args, token, status, at }`. Form bodies (what
 *   @slack/web-api sends) and JSON bodies are both parsed; the JSON-stringified nested
 *   fields of form bodies (blocks, attachments, view, metadata...) are decoded.
 * - Checks each call against `shared/specs/slack-methods/index.json` when the specs are
 *   present: unknown method, missing required argument, missing token, and chat.postMessage
 *   without text/blocks/attachments are collected in `fake.violations`.
 * - Answers plausibly and keeps a little state: posted messages (so `chat.update` of an
 *   unknown ts fails with `message_not_found`, like Slack), DM channels per user, published
 *   home views, a user registry filled with `addUser`, presence set in `presence` (users.getPresence).
 * - `failNext(method, {status: 429, retryAfter}|{status: 500}|{error})` injects failures;
 *   `{status: 500, stored: true}` stores the post first (an ambiguous failure).
 * - `limitPosts({perSecond, burst})` answers chat.postMessage with 429 (Retry-After: 1)
 *   beyond Slack's pace per channel; `storeAndFail` makes a share of posts store then 500.
 * - Keeps each post's `metadata` and returns it from conversations.replies
 *   with `include_all_metadata`, so a read-back after an ambiguous failure finds it.
 * - Serves private files as files.slack.com does, on its own origin: `addFile(name, body)`
 *   returns the `url_private_download`; `fileRequests` records who asked, with what token.
 * - File uploads as Slack does them: files.getUploadURLExternal gives an upload URL on
 *   this server, the bytes POSTed there are kept (`uploads`), and
 *   files.completeUploadExternal shares them into `channel_id` / `thread_ts` (`shared`);
 *   completing a file never uploaded, or one of another length, fails as on Slack.
 * - Installs (OAuth v2): `grant(code, install)` makes oauth.v2.access answer that code once
 *   with a workspace (or org-wide) installation and its bot token; with `expiresIn`, a
 *   rotating token whose refresh token is spent on use (a second use is `invalid_grant`).
 *   auth.test answers per token; auth.revoke revokes a token (`revoked`), which then fails.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer, text as readText } from 'node:stream/consumers';
import { limitViolations } from './blockKitLimits.js';
import { haveSpecs, readSpec } from './specs.js';

/** Slack's answer to a message it will not take whole: its text over 40,000 characters, or blocks over Block Kit's limits. */
function tooBig(args: Record<string, unknown>): string | undefined {
  if (typeof args.text === 'string' && args.text.length > 40_000) return 'msg_too_long';
  const blocks = typeof args.blocks === 'string' ? (JSON.parse(args.blocks) as unknown) : args.blocks;
  if (Array.isArray(blocks) && limitViolations(blocks, 'message').length > 0) return 'invalid_blocks';
  return undefined;
}
export interface FakeCall {
  method: string;
  args: Record<string, unknown>;
  /** The bearer token (or the `token` form field), undefined when none was sent. */
  token: string | undefined;
  /** The HTTP status answered, and the Slack error when `ok` was false. */
  status: number;
  error?: string;
  at: number;
}

export type Failure =
  | { status: 429; retryAfter?: number }
  | { status: 500 | 502 | 503; stored?: boolean }
  | { error: string; status?: never };

export interface FakeUser {
  id: string;
  email?: string;
  name?: string;
  realName?: string;
  teamId?: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  /** Updated by chat.update. */
  edited: number;
}

type MethodSpec = { required: string[] };
type Answer = Record<string, unknown>;

/** Fields @slack/web-api JSON-stringifies into form bodies. */
const JSON_FIELDS = new Set([
  'blocks',
  'attachments',
  'view',
  'metadata',
  'unfurls',
  'files',
  'options',
  'option_groups',
  'user_auth_blocks',
  'channels',
  'user_ids',
]);

/** An installation oauth.v2.access hands out for a code. */
export interface FakeInstall {
  team?: string;
  enterprise?: string;
  /** An org-wide install of Enterprise Grid (no team). */
  orgWide?: boolean;
  token: string;
  botUserId?: string;
  /** A rotating token: it expires in this many seconds and comes with a refresh token. */
  expiresIn?: number;
  /** For an org-wide install: the workspaces the app is added to (auth.teams.list). */
  teams?: string[];
}

/** The install methods this fake answers itself (the methods index does not list them). */
const INSTALL_METHODS = new Set(['oauth.v2.access', 'auth.revoke', 'auth.teams.list']);

export const BOT_USER_ID = 'U0SWITCHBOARD';
export const BOT_ID = 'B0SWITCHBOARD';
export const TEAM_ID = 'T0SWITCHBOARD';

export class FakeSlack {
  readonly violations: string[] = [];
  private readonly recorded: FakeCall[] = [];
  private readonly failures = new Map<string, Failure[]>();
  private readonly users = new Map<string, FakeUser>();
  private readonly messagesByKey = new Map<string, FakeMessage>();
  /** The last view published per user id (views.publish). */
  readonly homes = new Map<string, Record<string, unknown>>();
  /** Every view opened with views.open / updated with views.update, by view id. */
  readonly views = new Map<string, Record<string, unknown>>();
  private readonly specs: Record<string, MethodSpec> | undefined;
  private seq = 0;
  private viewSeq = 0;
  private pace: { perSecond: number; burst: number } | undefined;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private ambiguousShare = 0;
  private readonly files = new Map<string, { body: string; contentType: string }>();
  /** Every request for a private file: its path and the bearer token it carried. */
  readonly fileRequests: Array<{ path: string; token: string | undefined }> = [];
  /** Bytes POSTed to each upload URL, by file id, with the token sent along. */
  readonly uploads = new Map<string, { bytes: Buffer; token: string | undefined; length: number }>();
  /** Files shared by files.completeUploadExternal, in order. */
  readonly shared: Array<{
    id: string;
    title?: string;
    channel: string;
    thread_ts?: string;
    initial_comment?: string;
    bytes: Buffer;
  }> = [];
  private readonly grants = new Map<string, FakeInstall>();
  /** The workspace behind each bot token handed out (auth.test), and each unspent refresh token. */
  readonly tokens = new Map<string, FakeInstall>();
  private readonly refreshTokens = new Map<string, FakeInstall>();
  /** Tokens revoked with auth.revoke. */
  readonly revoked = new Set<string>();
  /** Posts refused with 429 by the pace limit, and posts stored then answered 500. */
  limited = 0;
  storedThenFailed = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    this.specs = haveSpecs ? readSpec<Record<string, MethodSpec>>('slack-methods/index.json') : undefined;
  }

  /** Start listening on 127.0.0.1, a random port. `url` ends with `/api/`. */
  static async start(): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = createServer((req, res) => {
      fake!.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'fake_internal_error', detail: String(err) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeSlack(server, `http://127.0.0.1:${port}/api/`);
    return fake;
  }

  /** oauth.v2.access answers `code` (once) with this installation. */
  grant(code: string, install: FakeInstall): void {
    this.grants.set(code, install);
  }

  private issue(install: FakeInstall): Answer {
    this.tokens.set(install.token, install);
    const refresh = install.expiresIn ? `xoxe-1-${install.token}-${++this.seq}` : undefined;
    if (refresh) this.refreshTokens.set(refresh, install);
    return {
      ok: true,
      app_id: 'A0SWITCHBOARD',
      authed_user: { id: 'U0INSTALLER' },
      scope: 'chat:write,commands',
      token_type: 'bot',
      access_token: install.token,
      bot_user_id: install.botUserId ?? BOT_USER_ID,
      team: install.orgWide ? null : { id: install.team, name: `Team ${install.team}` },
      enterprise: install.enterprise ? { id: install.enterprise, name: `Org ${install.enterprise}` } : null,
      is_enterprise_install: install.orgWide === true,
      ...(refresh ? { refresh_token: refresh, expires_in: install.expiresIn } : {}),
    };
  }

  private oauth(a: Record<string, unknown>): Answer {
    if (a.grant_type === 'refresh_token') {
      const held = this.refreshTokens.get(String(a.refresh_token));
      if (!held) return { ok: false, error: 'invalid_grant' };
      this.refreshTokens.delete(String(a.refresh_token)); // spent
      // Like Slack's: a refreshed token lives twelve hours.
      return this.issue({ ...held, token: `${held.token.replace(/-r\d+$/, '')}-r${++this.seq}`, expiresIn: 43_200 });
    }
    const install = this.grants.get(String(a.code));
    if (!install) return { ok: false, error: 'invalid_code' };
    this.grants.delete(String(a.code));
    return this.issue(install);
  }

  /** Recorded calls, all or of one method, in arrival order. */
  calls(method?: string): FakeCall[] {
    return method ? this.recorded.filter((c) => c.method === method) : [...this.recorded];
  }

  /** What users.getPresence says of a user (default `active`): `away` is Slack closed. */
  readonly presence = new Map<string, 'active' | 'away'>();

  addUser(user: FakeUser): void {
    this.users.set(user.id, user);
  }

  /** A private file on the fake's origin; returns its download URL (served only with the bot token). */
  addFile(name: string, body: string, contentType = 'text/plain'): string {
    const path = `/files-pri/${TEAM_ID}-F${++this.seq}/download/${encodeURIComponent(name)}`;
    this.files.set(path, { body, contentType });
    return new URL(path, this.url).toString();
  }

  /** Messages as they are now (after updates and deletes), optionally of one channel. */
  messages(channel?: string): FakeMessage[] {
    return [...this.messagesByKey.values()].filter((m) => !channel || m.channel === channel);
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messagesByKey.get(`${channel}/${ts}`);
  }

  /** The DM channel id the fake gives a user in conversations.open: `D` + the id without its U/W. */
  dmChannel(userId: string): string {
    return `D${userId.replace(/^[UW]/, '')}`;
  }

  /** Fail the next `times` (default 1) calls of `method`. */
  failNext(method: string, failure: Failure, times = 1): void {
    const q = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) q.push(failure);
    this.failures.set(method, q);
  }

  /** Refuses chat.postMessage beyond this pace per channel (429, Retry-After: 1), as Slack does. */
  limitPosts(pace: { perSecond: number; burst: number }): void {
    this.pace = pace;
  }

  /** Stores this share of posts (0..1) and then answers 500, as Slack does now and then. */
  storeAndFail(share: number): void {
    this.ambiguousShare = share;
  }

  private overPace(channel: string): boolean {
    if (!this.pace) return false;
    const now = Date.now();
    const b = this.buckets.get(channel) ?? { tokens: this.pace.burst, at: now };
    b.tokens = Math.min(this.pace.burst, b.tokens + ((now - b.at) / 1000) * this.pace.perSecond);
    b.at = now;
    this.buckets.set(channel, b);
    if (b.tokens < 1) return true;
    b.tokens -= 1;
    return false;
  }

  /** Resolve with the first call (past or future) matching `predicate`; reject after `timeoutMs`. */
  async waitFor(predicate: (call: FakeCall) => boolean, timeoutMs = 10_000): Promise<FakeCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.recorded.find(predicate);
      if (hit) return hit;
      if (Date.now() >= deadline) {
        const seen = this.recorded.map((c) => c.method).join(', ') || 'none';
        throw new Error(`fakeSlack.waitFor: no matching call within ${timeoutMs} ms (calls so far: ${seen})`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Forget calls, violations and pending failures (users, messages and views are kept). */
  reset(): void {
    this.recorded.length = 0;
    this.violations.length = 0;
    this.failures.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }

  // ---------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/files-pri/')) return this.serveFile(path, req, res);
    // An upload URL (not a Web API method): the file's bytes, as they are.
    const upload = /^\/api\/upload\/(F\d+)$/.exec(path);
    if (upload && req.method === 'POST') {
      const pending = this.uploads.get(upload[1]!);
      const bytes = await buffer(req);
      if (!pending) return send(res, 404, { ok: false, error: 'unknown_upload' });
      const auth = String(req.headers.authorization ?? '');
      this.uploads.set(upload[1]!, {
        ...pending,
        bytes,
        token: auth.startsWith('Bearer ') ? auth.slice(7) : undefined,
      });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${bytes.length}`);
      return;
    }
    const method = path.replace(/^\/api\//, '').replace(/^\//, '');
    const raw = await readText(req);
    const args = parseBody(raw, String(req.headers['content-type'] ?? ''));
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
    delete args.token;

    const call: FakeCall = { method, args, token, status: 200, at: Date.now() };
    this.check(call);

    if (method === 'chat.postMessage' && this.overPace(String(args.channel ?? ''))) {
      call.status = 429;
      this.limited++;
      this.recorded.push(call);
      return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
    }
    const failure =
      this.failures.get(method)?.shift() ??
      (method === 'chat.postMessage' && this.ambiguousShare > 0 && Math.random() < this.ambiguousShare
        ? { status: 500 as const, stored: true }
        : undefined);
    if (failure && 'stored' in failure && failure.stored) {
      // Stored, then the answer is lost: the caller cannot tell.
      this.answer(method, args);
      this.storedThenFailed++;
      call.status = 500;
      this.recorded.push(call);
      return send(res, 500, { ok: false, error: 'internal_error' });
    }
    if (failure) {
      if ('error' in failure && failure.error) {
        call.error = failure.error;
        this.recorded.push(call);
        return send(res, 200, { ok: false, error: failure.error });
      }
      const status = failure.status ?? 500;
      call.status = status;
      this.recorded.push(call);
      const headers: Record<string, string> = {};
      if (status === 429) headers['retry-after'] = String((failure as { retryAfter?: number }).retryAfter ?? 1);
      return send(
        res,
        status,
        status === 429 ? { ok: false, error: 'ratelimited' } : { ok: false, error: 'internal_error' },
        headers,
      );
    }

    // Like Slack: a text over 40,000 characters, or blocks past Block Kit's limits, are refused.
    const refusal =
      method === 'chat.postMessage' || method === 'chat.update' || method === 'chat.postEphemeral'
        ? tooBig(args)
        : undefined;
    const answer = refusal
      ? { ok: false, error: refusal }
      : token && this.revoked.has(token)
        ? { ok: false, error: 'token_revoked' }
        : method === 'oauth.v2.access'
          ? this.oauth(args)
          : method === 'auth.revoke'
            ? (this.revoked.add(token ?? ''), { ok: true, revoked: true })
            : method === 'auth.test' && token && this.tokens.has(token)
              ? this.authTest(this.tokens.get(token)!)
              : method === 'auth.teams.list'
                ? {
                    ok: true,
                    teams: (this.tokens.get(token ?? '')?.teams ?? []).map((id) => ({ id, name: `Team ${id}` })),
                    response_metadata: { next_cursor: '' },
                  }
                : this.answer(method, args);
    if (answer.ok === false) call.error = String(answer.error);
    this.recorded.push(call);
    send(res, 200, answer);
  }

  private serveFile(path: string, req: IncomingMessage, res: ServerResponse): void {
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    this.fileRequests.push({ path, token });
    const file = this.files.get(path);
    // Like Slack: without a token, a login page rather than the file.
    if (!file || !token) {
      res.writeHead(file ? 302 : 404, file ? { location: 'https://slack.com/signin' } : {}).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': file.contentType, 'content-length': String(Buffer.byteLength(file.body)) })
      .end(file.body);
  }

  private authTest(i: FakeInstall): Answer {
    return {
      ok: true,
      url: `https://${(i.team ?? i.enterprise ?? 'x').toLowerCase()}.slack.com/`,
      team_id: i.orgWide ? undefined : i.team,
      enterprise_id: i.enterprise,
      user_id: i.botUserId ?? BOT_USER_ID,
      bot_id: `B${i.token.slice(-6).toUpperCase()}`,
      is_enterprise_install: i.orgWide === true,
    };
  }

  private check(call: FakeCall): void {
    const v = (problem: string): void => {
      this.violations.push(`${call.method}: ${problem}`);
    };
    // oauth.v2.access is called with the client id and secret, never a token.
    if (!call.token && call.method !== 'oauth.v2.access') v('no token (Authorization: Bearer or token field)');
    if (!this.specs || INSTALL_METHODS.has(call.method)) return;
    const spec = this.specs[call.method];
    if (!spec) {
      v('unknown method (not in slack-methods/index.json)');
      return;
    }
    for (const r of spec.required) {
      const val = call.args[r];
      if (val === undefined || val === null || val === '') v(`missing required argument "${r}"`);
    }
    if (call.method === 'chat.postMessage' || call.method === 'chat.postEphemeral') {
      const has = (k: string) => call.args[k] !== undefined && call.args[k] !== '';
      if (!has('text') && !has('blocks') && !has('attachments')) v('one of text, blocks or attachments is required');
    }
  }

  private nextTs(): string {
    this.seq += 1;
    // Like Slack's: the time in seconds, then a part that keeps them unique and rising.
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  private user(id: string): Answer {
    const u = this.users.get(id);
    if (!u) return { ok: false, error: 'user_not_found' };
    return { ok: true, user: userJson(u) };
  }

  private answer(method: string, a: Record<string, unknown>): Answer {
    const str = (k: string): string => (a[k] === undefined ? '' : String(a[k]));
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://switchboard-test.slack.com/',
          team: 'Switchboard Test',
          user: 'switchboard',
          team_id: TEAM_ID,
          user_id: BOT_USER_ID,
          bot_id: BOT_ID,
          is_enterprise_install: false,
        };
      case 'chat.postMessage': {
        const channel = str('channel');
        const ts = this.nextTs();
        const msg: FakeMessage = {
          channel,
          ts,
          text: a.text as string | undefined,
          blocks: a.blocks as unknown[] | undefined,
          edited: 0,
          ...(a.metadata ? { metadata: a.metadata as FakeMessage['metadata'] } : {}),
        };
        if (a.thread_ts) msg.thread_ts = str('thread_ts');
        this.messagesByKey.set(`${channel}/${ts}`, msg);
        return {
          ok: true,
          channel,
          ts,
          message: {
            type: 'message',
            user: BOT_USER_ID,
            bot_id: BOT_ID,
            text: msg.text ?? '',
            ts,
            ...(msg.thread_ts ? { thread_ts: msg.thread_ts } : {}),
          },
        };
      }
      case 'chat.update': {
        const key = `${str('channel')}/${str('ts')}`;
        const msg = this.messagesByKey.get(key);
        if (!msg) return { ok: false, error: 'message_not_found' };
        if (a.text !== undefined) msg.text = str('text');
        if (a.blocks !== undefined) msg.blocks = a.blocks as unknown[];
        msg.edited += 1;
        return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text ?? '' };
      }
      case 'chat.delete': {
        const key = `${str('channel')}/${str('ts')}`;
        if (!this.messagesByKey.delete(key)) return { ok: false, error: 'message_not_found' };
        return { ok: true, channel: str('channel'), ts: str('ts') };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink':
        return {
          ok: true,
          channel: str('channel'),
          permalink: `https://switchboard-test.slack.com/archives/${str('channel')}/p${str('message_ts').replace('.', '')}`,
        };
      case 'conversations.open': {
        const users = str('users')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const first = users[0];
        if (!first && !a.channel) return { ok: false, error: 'invalid_arguments' };
        const id = first ? this.dmChannel(first) : str('channel');
        return { ok: true, channel: { id, is_im: users.length <= 1, user: first } };
      }
      case 'conversations.invite':
        return { ok: true, channel: { id: str('channel') } };
      case 'conversations.info':
        return { ok: true, channel: { id: str('channel'), is_member: true, is_im: str('channel').startsWith('D') } };
      case 'conversations.members':
        return { ok: true, members: [BOT_USER_ID, ...this.users.keys()], response_metadata: { next_cursor: '' } };
      case 'conversations.history': {
        // Top-level messages, newest first (Slack's order).
        const ch = str('channel');
        const oldest = Number(a.oldest ?? 0);
        const withMeta = a.include_all_metadata === true || a.include_all_metadata === 'true';
        const msgs = this.messages(ch)
          .filter((m) => !m.thread_ts && Number(m.ts) >= oldest)
          .reverse()
          .map((m) => ({
            type: 'message',
            ts: m.ts,
            text: m.text ?? '',
            ...(withMeta && m.metadata ? { metadata: m.metadata } : {}),
          }));
        return { ok: true, messages: msgs, has_more: false };
      }
      case 'conversations.replies': {
        const ch = str('channel');
        const root = str('ts');
        const oldest = Number(a.oldest ?? 0);
        const withMeta = a.include_all_metadata === true || a.include_all_metadata === 'true';
        const msgs = this.messages(ch)
          .filter((m) => (m.ts === root || m.thread_ts === root) && Number(m.ts) >= oldest)
          .map((m) => ({
            type: 'message',
            ts: m.ts,
            text: m.text ?? '',
            thread_ts: m.thread_ts,
            ...(withMeta && m.metadata ? { metadata: m.metadata } : {}),
          }));
        return { ok: true, messages: msgs, has_more: false };
      }
      case 'users.info':
        return this.user(str('user'));
      case 'users.list':
        return { ok: true, members: [...this.users.values()].map(userJson), response_metadata: { next_cursor: '' } };
      case 'users.lookupByEmail': {
        const email = str('email').toLowerCase();
        const u = [...this.users.values()].find((x) => x.email?.toLowerCase() === email);
        return u ? { ok: true, user: userJson(u) } : { ok: false, error: 'users_not_found' };
      }
      case 'users.getPresence':
        return { ok: true, presence: this.presence.get(str('user')) ?? 'active' };
      case 'views.open':
      case 'views.push': {
        const id = `V${String(++this.viewSeq).padStart(8, '0')}`;
        const view = { ...(a.view as Record<string, unknown>), id };
        this.views.set(id, view);
        return { ok: true, view };
      }
      case 'views.update': {
        const id = str('view_id') || `V${String(++this.viewSeq).padStart(8, '0')}`;
        const view = { ...(a.view as Record<string, unknown>), id };
        this.views.set(id, view);
        return { ok: true, view };
      }
      case 'views.publish': {
        const id = `V${String(++this.viewSeq).padStart(8, '0')}`;
        const view = { ...(a.view as Record<string, unknown>), id };
        this.homes.set(str('user_id'), view);
        return { ok: true, view };
      }
      case 'reactions.add':
        return { ok: true };
      case 'files.getUploadURLExternal': {
        const id = `F${++this.seq}`;
        this.uploads.set(id, { bytes: Buffer.alloc(0), token: undefined, length: Number(a.length) });
        return { ok: true, upload_url: `${this.url}upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = (Array.isArray(a.files) ? a.files : []) as Array<{ id?: string; title?: string }>;
        for (const f of files) {
          const up = f.id ? this.uploads.get(f.id) : undefined;
          if (!up || up.bytes.length === 0 || up.bytes.length !== up.length)
            return { ok: false, error: 'file_not_found' };
        }
        for (const f of files) {
          this.shared.push({
            id: f.id!,
            bytes: this.uploads.get(f.id!)!.bytes,
            channel: str('channel_id'),
            ...(f.title ? { title: f.title } : {}),
            ...(a.thread_ts ? { thread_ts: str('thread_ts') } : {}),
            ...(a.initial_comment ? { initial_comment: str('initial_comment') } : {}),
          });
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function userJson(u: FakeUser): Record<string, unknown> {
  return {
    id: u.id,
    team_id: u.teamId ?? TEAM_ID,
    name: u.name ?? u.id.toLowerCase(),
    real_name: u.realName ?? u.name ?? u.id,
    deleted: false,
    is_bot: false,
    profile: { email: u.email, real_name: u.realName ?? u.name ?? u.id, display_name: u.name ?? '' },
  };
}

/** Parse a form or JSON body into args; JSON-stringified nested fields of forms are decoded. */
export function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes('application/json')) {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? { ...(parsed as Record<string, unknown>) } : {};
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(k) && /^\s*[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        /* keep the string: Slack would answer invalid_blocks / invalid_json; the test sees it */
      }
    }
    out[k] = v;
  }
  return out;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Convenience: `const fake = await startFakeSlack()`. */
export const startFakeSlack = (): Promise<FakeSlack> => FakeSlack.start();
