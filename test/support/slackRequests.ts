import { createHmac, randomBytes } from 'node:crypto';
import { TEAM_ID } from './fakeSlack.js';

export const SIGNING_SECRET = 'test-signing-secret';

/** Signs a body the way Slack does (v0 signature over "v0:timestamp:body"). */
export function sign(body: string, secret = SIGNING_SECRET, timestamp = Math.floor(Date.now() / 1000)) {
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': sig };
}

/** Sends signed requests to the real Bolt receiver at `${base}/slack/events`. */
export class SlackRequests {
  /** `team` (and `enterprise`): the workspace the requests come from (several with OAuth installs). */
  constructor(
    private readonly base: string,
    private readonly team = TEAM_ID,
    private readonly enterprise?: string,
  ) {}

  /** Where an envelope says it comes from, as Slack puts it for a workspace of an organisation too. */
  private get from(): Record<string, string> {
    return this.enterprise ? { enterprise_id: this.enterprise } : {};
  }

  async post(
    body: string,
    contentType: string,
    extra: Record<string, string> = {},
    signHeaders: Record<string, string> = sign(body),
  ) {
    const res = await fetch(`${this.base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...signHeaders, ...extra },
      body,
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  }

  event(event: Record<string, unknown>, o: { eventId?: string; retryNum?: number } = {}) {
    const body = JSON.stringify({
      token: 'legacy',
      team_id: this.team,
      ...this.from,
      api_app_id: 'A0SWITCH',
      type: 'event_callback',
      event_id: o.eventId ?? `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      event,
    });
    return this.post(
      body,
      'application/json',
      o.retryNum ? { 'x-slack-retry-num': String(o.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {},
    );
  }

  /** A thread reply typed by a user. */
  reply(user: string, channel: string, threadTs: string, text: string, extra: Record<string, unknown> = {}) {
    const ts = `${Math.floor(Date.now() / 1000)}.${randomBytes(3).readUIntBE(0, 3).toString().padStart(6, '0')}`;
    return {
      ts,
      sent: this.event({
        type: 'message',
        channel,
        channel_type: 'channel',
        user,
        text,
        ts,
        thread_ts: threadTs,
        event_ts: ts,
        ...extra,
      }),
    };
  }

  interaction(payload: Record<string, unknown>) {
    const body = new URLSearchParams({
      payload: JSON.stringify({
        team: { id: this.team },
        ...(this.enterprise ? { enterprise: { id: this.enterprise } } : {}),
        api_app_id: 'A0SWITCH',
        token: 'legacy',
        ...payload,
      }),
    }).toString();
    return this.post(body, 'application/x-www-form-urlencoded');
  }

  /** A click on a Switchboard button (verb and data, as the renderer encodes them) in a message or in the App Home. */
  click(
    user: string,
    verb: string,
    data: Record<string, unknown>,
    where: { channel: string; ts: string; threadTs?: string } | 'home',
  ) {
    return this.rawClick(user, `sb:${verb}`, JSON.stringify(data), where);
  }

  /** A block action with any action_id and value (forged or malformed ones too). */
  rawClick(
    user: string,
    actionId: string,
    value: string,
    where: { channel: string; ts: string; threadTs?: string } | 'home',
  ) {
    const container =
      where === 'home'
        ? { type: 'view', view_id: 'V0HOME' }
        : { type: 'message', channel_id: where.channel, message_ts: where.ts, is_ephemeral: false };
    return this.interaction({
      type: 'block_actions',
      user: { id: user, team_id: this.team },
      trigger_id: `trig.${randomBytes(4).toString('hex')}`,
      container,
      ...(where === 'home'
        ? { view: { id: 'V0HOME', type: 'home' } }
        : {
            channel: { id: where.channel },
            message: { ts: where.ts, ...(where.threadTs ? { thread_ts: where.threadTs } : {}) },
          }),
      actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: String(Date.now() / 1000) }],
      response_url: 'https://hooks.slack.invalid/actions/x',
    });
  }

  command(user: string, command: string, text: string, channel = 'C0ITSUPPORT') {
    const body = new URLSearchParams({
      token: 'legacy',
      team_id: this.team,
      ...this.from,
      channel_id: channel,
      user_id: user,
      command,
      text,
      response_url: 'https://hooks.slack.invalid/commands/x',
      trigger_id: 'trig.cmd',
      api_app_id: 'A0SWITCH',
    }).toString();
    return this.post(body, 'application/x-www-form-urlencoded');
  }
}
