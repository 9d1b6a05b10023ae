import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorCall } from '../support/fakeConnector.js';
import { json } from '../support/harness.js';
import { archived, backendName, type TestDatabase, testDatabase } from '../support/record.js';
import { haveSpecs } from '../support/specs.js';
import { acceptedChat, inThreadOf, type TeamsChat } from '../support/teamsChat.js';
import { cardSchemaErrors, cardsIn, cardText, startTeamsWorld, type TeamsWorld, USERS } from '../support/teamsWorld.js';

/** The record in Teams, through the real CloudAdapter: the `report` card, `history <ref>`, the rating's line. */
let w: TeamsWorld;
let db: TestDatabase;
let chat: TeamsChat;
let ref: string;
beforeAll(async () => {
  db = await testDatabase();
  w = await startTeamsWorld({ record: db.target });
  await w.h.service.ctx.record.ready();
  chat = await acceptedChat(w, 'the projector shows nothing');
  ref = (await w.h.service.ctx.store.sessions.get(chat.id))!.ref;
  await json(`${w.h.url}/api/v1/sessions/${chat.id}/agent-messages`, {
    method: 'POST',
    apiKey: 'test-key',
    body: { agentId: 'alice', text: 'Press the input button' },
  });
  await json(`${w.h.url}/api/v1/sessions/${chat.id}/end`, { method: 'POST', token: chat.token });
  await json(`${w.h.url}/api/v1/sessions/${chat.id}/rating`, { method: 'POST', token: chat.token, body: { score: 4 } });
  await archived(w.h);
}, 60_000);
afterAll(async () => {
  await w?.stop();
  await db?.drop();
});

const textOf = (c: ConnectorCall) => String(c.body?.text ?? '') + cardText(cardsIn(c)[0]);
/** What the bot answers a line in someone's 1:1. */
async function ask(user: (typeof USERS)[keyof typeof USERS], conversation: string, line: string) {
  const after = w.fake.calls().length;
  await w.teams.post(w.teams.personalMessage(user, conversation, line));
  return w.fake.waitFor((c) => c.conversationId === conversation && c.seq > after && textOf(c).length > 0);
}

describe(`the record in Teams (${backendName})`, () => {
  it("says the rating in the chat's thread", async () => {
    await w.fake.waitFor((c) => inThreadOf(chat)(c) && /Jane rated the chat 4\/5\./.test(textOf(c)), 15_000);
  });

  it("`report` in a supervisor's 1:1 answers with today's numbers on a card; an agent is refused", async () => {
    const card = await ask(USERS.carol, 'a:dm-carol', 'report');
    expect(cardsIn(card)).toHaveLength(1);
    expect(textOf(card)).toContain('Today in your queues');
    expect(textOf(card)).toMatch(/IT Support\*\*: 1 offered · 1 answered/);
    expect(textOf(await ask(USERS.alice, 'a:dm-alice', 'report'))).toContain('Only supervisors have reports.');
  });

  it('`history <ref>` shows an ended chat to an agent of its queue', async () => {
    const shown = await ask(USERS.bob, 'a:dm-bob', `history ${ref}`);
    expect(textOf(shown)).toContain(`Chat ${ref} with Jane`);
    expect(textOf(shown)).toMatch(/the projector shows nothing/);
    expect(textOf(shown)).toMatch(/Press the input button/);
    expect(textOf(shown)).toContain('Rated 4/5');
  });

  it.skipIf(!haveSpecs)('every card it sent or answered is Adaptive Card 1.5', () => {
    expect(cardSchemaErrors(w)).toEqual([]);
  });
});
