import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sessions from '../../src/app/sessions.js';
import { hashToken } from '../../src/app/tokens.js';
import { type Harness, json, startHarness, testDirectory } from '../support/harness.js';

/**
 * An end user's messages after the first read nothing before the store's step (src/http/knownChats.ts):
 * that step still refuses a token that is no longer the chat's, and says the chat's status now.
 */
const DIRECTORY = `
queues:
  - { id: it-support, name: IT Support, firstResponseSeconds: 60 }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support] }
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ directory: testDirectory(DIRECTORY) });
});
afterAll(() => h.stop());

const create = async () => {
  const r = await json(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' } },
  });
  return { id: r.body.session.id as string, token: r.body.token as string };
};
const post = (id: string, token: string, text: string) =>
  json(`${h.url}/api/v1/sessions/${id}/messages`, { method: 'POST', token, body: { text } });
const texts = async (id: string) =>
  (await h.service.ctx.store.transcript.read(id, undefined, 100)).flatMap((e) => ('text' in e ? [e.text] : []));

describe('an end user writing again', () => {
  it('is refused with 403, storing nothing, once the chat has another token', async () => {
    const { id, token } = await create();
    expect((await post(id, token, 'one')).status).toBe(202);
    await h.service.ctx.endUsers.replaceToken(id, hashToken('a-new-token'));
    const refused = await post(id, token, 'two');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await post(id, 'a-new-token', 'three')).status).toBe(202);
    expect(await texts(id)).toEqual(['one', 'three']);
  });

  it('starts the response clock in a chat taken since its last message', async () => {
    const { id, token } = await create();
    expect((await post(id, token, 'waiting still')).status).toBe(202);
    expect(await h.service.ctx.store.replyClock.current(id)).toBeUndefined();
    await sessions.accept(h.service.ctx, id, h.service.ctx.directory.get().agent('alice'));
    await h.service.ctx.store.replyClock.forget(id); // the accept's own wait: not the one this test looks for
    const sent = await post(id, token, 'hello?');
    expect(sent.status).toBe(202);
    expect(await h.service.ctx.store.replyClock.current(id)).toMatchObject({ id: sent.body.message.id });
  });

  it('is refused once the chat has ended, storing nothing', async () => {
    const { id, token } = await create();
    expect((await post(id, token, 'bye')).status).toBe(202);
    await sessions.endSession(h.service.ctx, id, undefined);
    expect((await post(id, token, 'after')).status).toBe(409);
    expect(await texts(id)).toEqual(['bye']);
  });
});
