import { parse as parseQuery } from 'node:querystring';
import { buffer } from 'node:stream/consumers';
import { isValidSlackRequest } from '@slack/bolt';
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { issuesOf, sendError } from '../../../src/app/platformKit/answer.js';
import { say } from '../../../src/app/wording/index.js';
import type { GateReceiver } from './gateReceiver.js';

/** Slack's own rule, applied both ways: a request signed more than five minutes from now is refused. */
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

const Id = z.string().min(1);
const Named = z.looseObject({ id: Id });
/** Where an event names a user or a channel: an id, or an object with one (user_change, channel_created). */
const IdOrNamed = z.union([Id, Named]);

/** The events the app subscribes to, in the shape Bolt and the listeners read. */
const SUBSCRIBED = ['message', 'app_home_opened'];
const SlackEvent = z.union([
  z.looseObject({
    // Only what would break Bolt or a listener is strict; the listeners skip what they do not handle.
    type: z.literal('message'),
    channel: Id,
    user: Id.optional(),
    bot_id: z.string().nullish(),
    subtype: z.string().nullish(),
    text: z.string().nullish(),
    ts: z.string().nullish(),
    thread_ts: z.string().nullish(),
    files: z.array(z.looseObject({ id: Id })).optional(),
    message: z.looseObject({}).optional(),
    previous_message: z.looseObject({}).optional(),
  }),
  z.looseObject({ type: z.literal('app_home_opened'), user: Id, channel: Id.optional(), tab: z.string().optional() }),
  // Events Slack sends unasked (app_uninstalled, tokens_revoked) are passed on with their names checked.
  z.looseObject({
    type: Id.refine((t) => !SUBSCRIBED.includes(t)),
    user: IdOrNamed.optional(),
    channel: IdOrNamed.optional(),
  }),
]);

const Actor = {
  user: Named,
  team: Named.nullish(),
  trigger_id: z.string().optional(),
  api_app_id: z.string().optional(),
};
const InputValue = z.looseObject({
  value: z.string().nullish(),
  selected_option: z.looseObject({ value: z.string() }).nullish(),
});

/**
 * JSON bodies (the Events API) and interaction payloads: the buttons, modal and picker search
 * Switchboard draws, as Bolt and the listeners read them. Anything else is not for us.
 */
const Json = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('url_verification'), challenge: Id }),
  z.looseObject({
    type: z.literal('event_callback'),
    event_id: Id,
    // null on an organisation's events (team_access_revoked …).
    team_id: Id.nullish(),
    api_app_id: z.string().optional(),
    event: SlackEvent,
  }),
  // Slack saying it is dropping events for a while: nothing to do.
  z.looseObject({ type: z.literal('app_rate_limited') }),
  z.looseObject({
    type: z.literal('block_actions'),
    ...Actor,
    actions: z
      .array(z.looseObject({ action_id: Id, type: Id, block_id: z.string().optional(), value: z.string().optional() }))
      .min(1),
    container: z.looseObject({ type: z.string() }).optional(),
    channel: Named.optional(),
    message: z.looseObject({ ts: Id, thread_ts: z.string().optional() }).optional(),
    view: Named.optional(),
  }),
  z.looseObject({
    type: z.literal('view_submission'),
    ...Actor,
    view: z.looseObject({
      id: Id,
      callback_id: z.string(),
      private_metadata: z.string().optional(),
      state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), InputValue)) }),
    }),
  }),
  z.looseObject({
    type: z.literal('block_suggestion'),
    ...Actor,
    action_id: Id,
    block_id: z.string(),
    value: z.string(),
    view: z.looseObject({ private_metadata: z.string().optional() }).optional(),
  }),
]);

const slashCommand = (command: string) =>
  z.looseObject({
    command: z.literal(command),
    text: z.string(),
    user_id: Id,
    team_id: Id,
    channel_id: Id,
    trigger_id: z.string().optional(),
    response_url: z.string().optional(),
  });
const SslCheck = z.looseObject({ ssl_check: z.string() });

/** A body as Bolt's receiver will parse it: a form (its `payload` as JSON, or a slash command), else JSON. */
function parse(
  raw: string,
  contentType: string | undefined,
): { form: true; body: Record<string, unknown> } | { form: false; body: unknown } {
  // The very test Bolt makes, so both read the same thing.
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parseQuery(raw);
    if (typeof form.payload === 'string') return { form: false, body: JSON.parse(form.payload) as unknown };
    if (form.payload !== undefined) throw new Error('more than one payload');
    return { form: true, body: form };
  }
  return { form: false, body: JSON.parse(raw) as unknown };
}

const header = (req: Request, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * /slack/events: refuses a request signed more than five minutes from now either way (401;
 * Bolt refuses only old ones), a bad signature (401), and a signed body that is not one of
 * the payloads Switchboard handles, in the shape Bolt and the listeners read (400). The
 * payload it checked is the one Bolt's listeners get (./gateReceiver.ts): one parse a request.
 */
export function slackGate(o: {
  signingSecret: string;
  command: string;
  receiver: GateReceiver;
  now?: () => number;
}): RequestHandler {
  const Form = z.union([slashCommand(o.command), SslCheck]);
  return async (req, res, next) => {
    let raw: Buffer;
    try {
      raw = await buffer(req);
    } catch {
      return; // the client went away, or the body limit answered already
    }
    if (res.headersSent) return;
    const ts = header(req, 'x-slack-request-timestamp');
    const signature = header(req, 'x-slack-signature');
    if (!ts || !signature) return sendError(res, 401, 'unauthorized', say('refusal.request.signature'));
    const now = Math.floor((o.now?.() ?? Date.now()) / 1000);
    if (!/^\d{1,12}$/.test(ts) || Math.abs(now - Number(ts)) > MAX_CLOCK_SKEW_SECONDS)
      return sendError(res, 401, 'unauthorized', say('refusal.request.timestamp'));
    const text = raw.toString('utf8');
    if (
      !isValidSlackRequest({
        signingSecret: o.signingSecret,
        body: text,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(ts) },
      })
    ) {
      return sendError(res, 401, 'unauthorized', say('refusal.request.signature'));
    }
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(text, header(req, 'content-type'));
    } catch {
      return sendError(res, 400, 'malformed_payload', say('refusal.request.payload'));
    }
    const checked = parsed.form ? Form.safeParse(parsed.body) : Json.safeParse(parsed.body);
    if (!checked.success)
      return sendError(res, 400, 'invalid_payload', say('refusal.request.payload'), issuesOf(checked.error, 10));
    if ('type' in checked.data && checked.data.type === 'app_rate_limited') return void res.status(200).end();
    try {
      await o.receiver.handle(req, res, checked.data);
    } catch (err) {
      next(err);
    }
  };
}
