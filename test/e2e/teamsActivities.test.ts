import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TeamsReferences } from '../../adapters/teams/references.js';
import { json } from '../support/harness.js';
import { CARD, CHANNEL, startTeamsWorld, type TeamsWorld, USERS } from '../support/teamsWorld.js';

/** Malformed activities posted to the real /api/messages (auth off), against a fake connector. */
let w: TeamsWorld;
const chat = { id: '', thread: '', root: '' };

beforeAll(async () => {
  w = await startTeamsWorld();
  const r = await json(`${w.h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Jane' }, text: 'hello' },
  });
  chat.id = r.body.session.id;
  const created = await w.fake.waitFor(
    (c) => c.op === 'createConversation' && c.body?.channelData?.channel?.id === CHANNEL,
  );
  chat.root = created.responseId!;
  chat.thread = `${CHANNEL};messageid=${chat.root}`;
  await w.fake.waitFor((c) => c.conversationId === chat.thread && /hello/.test(String(c.body?.text ?? '')));
});
afterAll(async () => {
  await w?.stop();
});

const post = (body: unknown) =>
  fetch(`${w.h.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const drop = <T extends Record<string, unknown>>(o: T, ...keys: string[]) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describe('Teams activities are checked before use', () => {
  it('a malformed activity gets a 400 naming what is wrong, never a 500, and changes nothing', async () => {
    const accept = w.teams.invoke(USERS.alice, chat.thread, 'accept', { sessionId: chat.id }, chat.root);
    const message = w.teams.threadMessage(USERS.alice, chat.thread, 'hi Jane');
    const install = {
      ...w.teams.install(USERS.alice, 'a:dm-alice'),
      type: 'conversationUpdate',
      membersAdded: [USERS.alice],
    };
    const cases: Array<[string, unknown]> = [
      ['JSON null', null],
      ['an array', [accept]],
      ['no from', drop(accept, 'from')],
      ['from: null', { ...accept, from: null }],
      ['from without an id', { ...accept, from: { name: 'Alice Ng' } }],
      ['from as a string', { ...accept, from: '29:alice' }],
      ['no conversation', drop(accept, 'conversation')],
      ['conversation: null', { ...accept, conversation: null }],
      ['conversation without an id', { ...accept, conversation: { conversationType: 'channel' } }],
      ['no recipient', drop(accept, 'recipient')],
      ['no type', drop(accept, 'type')],
      ['a numeric type', { ...accept, type: 42 }],
      ['an unknown type', { ...accept, type: 'weird' }],
      ['no serviceUrl', drop(accept, 'serviceUrl')],
      ['a numeric serviceUrl', { ...accept, serviceUrl: 5 }],
      ['a serviceUrl that is not http(s)', { ...accept, serviceUrl: 'file:///etc/passwd' }],
      ['no channelId', drop(accept, 'channelId')],
      ['channelData as a string', { ...accept, channelData: 'x' }],
      ['invoke value: null', { ...accept, value: null }],
      ['invoke value as a string', { ...accept, value: 'accept' }],
      ['invoke value without action', { ...accept, value: {} }],
      ['invoke action: null', { ...accept, value: { action: null } }],
      [
        'invoke action that is not Action.Execute',
        { ...accept, value: { action: { type: 'Action.Submit', verb: 'accept', data: { sessionId: chat.id } } } },
      ],
      [
        'invoke action without a verb',
        { ...accept, value: { action: { type: 'Action.Execute', data: { sessionId: chat.id } } } },
      ],
      [
        'invoke action data as a string',
        { ...accept, value: { action: { type: 'Action.Execute', verb: 'accept', data: chat.id } } },
      ],
      ['invoke without a name', drop(accept, 'name')],
      ['an invoke no card makes', { ...accept, name: 'composeExtension/query' }],
      ['message text as an object', { ...message, text: { a: 1 } }],
      ['entities as a string', { ...message, entities: 'x' }],
      ['a mention that names no one', { ...message, entities: [{ type: 'mention', text: '<at>Switchboard</at>' }] }],
      ['message value as a string', { ...message, value: 'accept' }],
      ['membersAdded as a string', { ...install, membersAdded: 'x' }],
      ['membersAdded: [null]', { ...install, membersAdded: [null] }],
      ['installationUpdate with a numeric action', { ...w.teams.install(USERS.alice, 'a:dm-alice'), action: 5 }],
      ['messageUpdate without channelData', { ...drop(message, 'channelData'), type: 'messageUpdate' }],
      ['from.aadObjectId as a number', { ...message, from: { ...USERS.alice, aadObjectId: 5 } }],
    ];
    const before = w.fake.calls().length;
    for (const [name, body] of cases) {
      const r = await post(body);
      expect(r.status, name).toBe(400);
      const answer = (await r.json()) as { error: { code: string; issues?: unknown[] } };
      // JSON null is not even taken by the strict JSON parser.
      expect(answer.error.code, name).toBe(body === null ? 'malformed_json' : 'invalid_activity');
      if (body !== null && !Array.isArray(body)) expect(answer.error.issues?.length, name).toBeGreaterThan(0);
    }
    // Nothing reached the use cases, the connector or the store.
    expect((await w.h.service.ctx.store.sessions.get(chat.id))?.status).toBe('waiting');
    expect(w.fake.calls().length).toBe(before);
    const refs = new TeamsReferences(w.h.service.ctx.store.links);
    expect(await refs.user(USERS.alice.aadObjectId)).toBeUndefined();
    expect(await refs.botId()).toBeUndefined();

    // The well-formed click does it all.
    const ok = await w.teams.post(accept);
    expect(ok.status).toBe(200);
    expect(ok.body.type).toBe(CARD);
    expect((await w.h.service.ctx.store.sessions.get(chat.id))?.status).toBe('active');
    expect(await refs.user(USERS.alice.aadObjectId)).toMatchObject({ userId: USERS.alice.id });
  });

  it('a well-formed click on a verb that does not exist is refused in words, not by the schema', async () => {
    const r = await w.teams.post(
      w.teams.invoke(USERS.alice, chat.thread, 'self-destruct', { sessionId: chat.id }, chat.root),
    );
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body.value)).toMatch(/not valid: unknown action/);
  });
});
