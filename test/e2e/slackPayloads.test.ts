import { afterEach, describe, expect, it } from 'vitest';
import { TEAM_ID } from '../support/fakeSlack.js';
import { json, waitFor } from '../support/harness.js';
import { sign } from '../support/slackRequests.js';
import { type SlackWorld, startSlackWorld } from './slackSetup.js';

let w: SlackWorld;
afterEach(async () => w?.stop());

const CHANNEL = 'C0ITSUPPORT';
const FORM = 'application/x-www-form-urlencoded';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const payload = (p: unknown) => form({ payload: JSON.stringify(p) });
const now = () => Math.floor(Date.now() / 1000);

/** A waiting chat and its root message in the queue's channel. */
async function waitingChat() {
  const r = await json(`${w.h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' }, text: 'hi' },
  });
  await w.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === CHANNEL && !c.args.thread_ts);
  const ts = w.fake.messages(CHANNEL).find((m) => !m.thread_ts)!.ts;
  return { id: r.body.session.id as string, ts };
}

describe('signed but malformed Slack payloads', () => {
  it('are answered 400 at once, never 500, and change nothing', async () => {
    w = await startSlackWorld();
    const chat = await waitingChat();
    // The new chat is on its queue's supervisor's Waiting list: her home is published once, before anything else.
    await w.fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0CAROL');
    const before = w.fake.calls().length;
    const accept = {
      type: 'button',
      action_id: 'sb:accept',
      block_id: 'b',
      value: JSON.stringify({ sessionId: chat.id }),
    };
    const click = {
      type: 'block_actions',
      team: { id: TEAM_ID },
      user: { id: 'U0ALICE' },
      trigger_id: 't.1',
      channel: { id: CHANNEL },
      container: { type: 'message' },
      message: { ts: chat.ts },
      actions: [accept],
    };
    const view = {
      id: 'V1',
      callback_id: 'sb:dialog',
      private_metadata: JSON.stringify({ submit: { verb: 'accept', data: { sessionId: chat.id } } }),
      state: { values: {} },
    };
    const command = {
      command: '/chat',
      text: 'away',
      user_id: 'U0BOB',
      team_id: TEAM_ID,
      channel_id: CHANNEL,
      response_url: 'https://hooks.slack.invalid/x',
      trigger_id: 't.2',
    };
    const without = <T extends Record<string, unknown>>(o: T, k: keyof T) =>
      Object.fromEntries(Object.entries(o).filter(([key]) => key !== k));
    const event = (e: unknown) =>
      JSON.stringify({
        type: 'event_callback',
        team_id: TEAM_ID,
        event_id: `Ev${Math.random().toString(36).slice(2)}`,
        event: e,
      });
    const cases: Array<[string, string, string]> = [
      ['payload=null', 'payload=null', FORM],
      ['payload is JSON null', payload(null), FORM],
      ['payload is a number', payload(42), FORM],
      ['payload is not JSON', form({ payload: '{nope' }), FORM],
      ['two payloads', `${payload(click)}&${payload(click)}`, FORM],
      ['block_actions without user', payload(without(click, 'user')), FORM],
      ['block_actions with user: null', payload({ ...click, user: null }), FORM],
      ['block_actions with user: {}', payload({ ...click, user: {} }), FORM],
      ['block_actions with actions: null', payload({ ...click, actions: null }), FORM],
      ['block_actions with no action', payload({ ...click, actions: [] }), FORM],
      ['block_actions with actions: [null]', payload({ ...click, actions: [null] }), FORM],
      ['block_actions, action without action_id', payload({ ...click, actions: [without(accept, 'action_id')] }), FORM],
      [
        'view_submission with garbage for a view',
        payload({ type: 'view_submission', user: { id: 'U0ALICE' }, view: 'garbage' }),
        FORM,
      ],
      ['view_submission without view', payload({ type: 'view_submission', user: { id: 'U0ALICE' } }), FORM],
      ['view_submission without user', payload({ type: 'view_submission', view }), FORM],
      [
        'view_submission with garbage state',
        payload({ type: 'view_submission', user: { id: 'U0ALICE' }, view: { ...view, state: { values: [1, 2] } } }),
        FORM,
      ],
      ['view_closed (never asked for)', payload({ type: 'view_closed', user: { id: 'U0ALICE' }, view: null }), FORM],
      [
        'block_suggestion without user',
        payload({ type: 'block_suggestion', action_id: 'agentId', block_id: 'agentId', value: 'a' }),
        FORM,
      ],
      [
        'block_suggestion with an object for a query',
        payload({
          type: 'block_suggestion',
          user: { id: 'U0ALICE' },
          action_id: 'agentId',
          block_id: 'agentId',
          value: { a: 1 },
        }),
        FORM,
      ],
      ['a shortcut (none declared)', payload({ type: 'shortcut', user: { id: 'U0ALICE' }, callback_id: 'x' }), FORM],
      ['an unknown interaction', payload({ type: 'wat', user: { id: 'U0ALICE' } }), FORM],
      ['slash command without user_id', form(without(command, 'user_id') as Record<string, string>), FORM],
      ['slash command without text', form(without(command, 'text') as Record<string, string>), FORM],
      ['slash command without channel_id', form(without(command, 'channel_id') as Record<string, string>), FORM],
      ['slash command with a repeated user_id', `${form(command)}&user_id=U0DAN`, FORM],
      ["another app's slash command", form({ ...command, command: '/other' }), FORM],
      ['an empty form', '', FORM],
      ['JSON null', 'null', 'application/json'],
      ['a JSON array', '[]', 'application/json'],
      ['a JSON string', '"x"', 'application/json'],
      ['not JSON', '{x', 'application/json'],
      ['event_callback without event', JSON.stringify({ type: 'event_callback', event_id: 'Ev1' }), 'application/json'],
      ['event_callback with event: null', event(null), 'application/json'],
      [
        'message event with user and channel null',
        event({ type: 'message', user: null, channel: null, text: 'x', ts: '1.1' }),
        'application/json',
      ],
      [
        'app_home_opened with user: null',
        event({ type: 'app_home_opened', tab: 'home', user: null }),
        'application/json',
      ],
      ['app_home_opened without user', event({ type: 'app_home_opened', tab: 'home' }), 'application/json'],
      ['url_verification without challenge', JSON.stringify({ type: 'url_verification' }), 'application/json'],
    ];
    for (const [name, body, type] of cases) {
      const started = Date.now();
      const r = await w.slack.post(body, type);
      expect(r.status, name).toBe(400);
      expect(r.json?.error?.code, name).toMatch(/^(invalid|malformed)_payload$/);
      // Not Bolt's three-second wait for an acknowledgement that never comes.
      expect(Date.now() - started, name).toBeLessThan(1500);
    }
    // Nothing happened: the chat still waits, nobody was answered, no home was published.
    expect((await w.h.service.ctx.store.sessions.get(chat.id))?.status).toBe('waiting');
    expect((await w.h.service.ctx.store.sessions.awayAgentIds()).has('bob')).toBe(false);
    expect(
      w.fake
        .calls()
        .slice(before)
        .map((c) => c.method)
        .filter((m) => m !== 'chat.postMessage' && m !== 'auth.test'),
    ).toEqual([]);

    // The same click, well formed, still works.
    expect((await w.slack.post(payload(click), FORM)).status).toBe(200);
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.status === 'active',
      5000,
      'accepted',
    );
    expect((await w.slack.post(form(command), FORM)).json.text).toMatch(/Away/);
  });

  it('pass on events Slack sends unasked, and answer app_rate_limited', async () => {
    w = await startSlackWorld();
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: TEAM_ID,
      event_id: 'EvUNINSTALL',
      event: { type: 'app_uninstalled' },
    });
    const started = Date.now();
    expect((await w.slack.post(body, 'application/json')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(
      (
        await w.slack.post(
          JSON.stringify({ type: 'app_rate_limited', team_id: TEAM_ID, minute_rate_limited: 1 }),
          'application/json',
        )
      ).status,
    ).toBe(200);
  });
});

describe('Slack request timestamps', () => {
  it('more than five minutes from now, either way, are refused with 401 and change nothing', async () => {
    w = await startSlackWorld();
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: TEAM_ID,
      event_id: 'EvHOME',
      event: { type: 'app_home_opened', user: 'U0ALICE', tab: 'home' },
    });
    const cases: Array<[string, number | string]> = [
      ['an hour ahead', now() + 3600],
      ['ten years ahead', now() + 10 * 365 * 86_400],
      ['six minutes ahead', now() + 360],
      ['ten minutes ago', now() - 600],
      ['a fraction', `${now()}.5`],
      ['not a number', 'soon'],
      ['far beyond any date', '99999999999999999999'],
    ];
    for (const [name, ts] of cases) {
      // Correctly signed for that timestamp: only the time is wrong.
      const r = await w.slack.post(body, 'application/json', {}, sign(body, undefined, ts as number));
      expect(r.status, name).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(w.fake.calls('views.publish')).toHaveLength(0);
    // Within the window, both ways, it is taken.
    expect((await w.slack.post(body, 'application/json', {}, sign(body, undefined, now() + 240))).status).toBe(200);
    await w.fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0ALICE');
    const again = body.replace('EvHOME', 'EvHOME2');
    expect((await w.slack.post(again, 'application/json', {}, sign(again, undefined, now() - 240))).status).toBe(200);
  });

  it('a bad or missing signature is a 401 before the payload is looked at', async () => {
    w = await startSlackWorld();
    const body = 'payload=null';
    expect((await w.slack.post(body, FORM, {}, sign(body, 'wrong-secret'))).status).toBe(401);
    expect((await w.slack.post(body, FORM, {}, {})).status).toBe(401);
    expect((await w.slack.post(body, FORM)).status).toBe(400);
  });
});
