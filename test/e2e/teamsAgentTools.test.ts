import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as overdue from '../../src/app/overdue.js';
import { parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import type { ConnectorCall } from '../support/fakeConnector.js';
import { json, waitFor } from '../support/harness.js';
import { haveSpecs } from '../support/specs.js';
import { acceptedChat, inThreadOf, type TeamsChat } from '../support/teamsChat.js';
import {
  actionData,
  CHANNEL,
  cardSchemaErrors,
  cardsIn,
  cardText,
  startTeamsWorld,
  TENANT,
  type TeamsWorld,
  USERS,
  verbs,
} from '../support/teamsWorld.js';

/**
 * Agents' tools in Teams, through activities to the real CloudAdapter and the fake connector:
 * `canned <shortcut>` and the search card, a monitor refused, a breach warning, an idle chat
 * ending, End chat asking for an outcome, and the home's canned replies.
 */
let w: TeamsWorld;
beforeAll(async () => {
  w = await startTeamsWorld({
    directory: (serviceUrl) =>
      parseDirectory(
        `
queues:
  - id: it-support
    name: IT Support
    teams: { channelId: "${CHANNEL}", serviceUrl: "${serviceUrl}", tenantId: ${TENANT} }
    canned:
      - { shortcut: hello, title: Greeting, text: "Hi {user.name}, {agent.name} of {queue.name} here." }
      - { shortcut: vpn, title: VPN reset, text: "Please reset your VPN profile, {user.name}." }
    firstResponseSeconds: 60
    idleWarnSeconds: 120
    idleEndSeconds: 300
    outcomes: [resolved, escalated]
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support], teams: { aadObjectId: aad-alice } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support], teams: { aadObjectId: aad-bob } }
  - { id: carol, firstName: Carol, lastName: Lefèvre, email: carol@example.com, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [it-support], teams: { aadObjectId: aad-carol } }
`,
        'tools.yaml',
        DIRECTORY_SECTIONS,
      ),
  });
  for (const u of [USERS.alice, USERS.bob, USERS.carol])
    await w.teams.post(w.teams.install(u, `a:dm-${u.aadObjectId.slice(4)}`));
});
afterAll(async () => w?.stop());

const textOf = (c: ConnectorCall) => String(c.body?.text ?? '') + cardText(cardsIn(c)[0]);
const threadSays = (chat: TeamsChat, text: RegExp) =>
  w.fake.waitFor((c) => inThreadOf(chat)(c) && text.test(textOf(c)), 15_000);
const say = (chat: TeamsChat, who: (typeof USERS)[keyof typeof USERS], text: string) =>
  w.teams.post(w.teams.threadMessage(who, chat.thread, text, { mention: true }));
const userSees = async (chat: TeamsChat) =>
  (
    (await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, { token: chat.token })).body.messages as Array<{
      kind: string;
      text?: string;
    }>
  )
    .filter((m) => m.kind === 'message')
    .map((m) => m.text);

describe("agents' tools in Teams", () => {
  it("canned <shortcut> sends it as the agent's reply; a bare canned shows the search card, whose Send sends the chosen one", async () => {
    const chat = await acceptedChat(w, 'hello');
    await say(chat, USERS.alice, 'canned hello');
    await waitFor(
      async () => (await userSees(chat)).includes('Hi Jane, Alice of IT Support here.'),
      15_000,
      'the canned reply',
    );
    await threadSays(chat, /Alice Ng:.*Hi Jane, Alice of IT Support here\./);
    const t0 = w.fake.calls().length;
    await say(chat, USERS.alice, 'canned vpn reset');
    const search = await w.fake.waitFor((c) => c.seq > t0 && verbs(cardsIn(c)[0]).includes('canned.send'), 15_000);
    expect(cardText(cardsIn(search)[0])).toMatch(/Please reset your VPN profile, Jane\./);
    expect(JSON.stringify(cardsIn(search)[0])).toMatch(/"type":"Input.ChoiceSet","id":"shortcut"/);
    expect(JSON.stringify(cardsIn(search)[0])).not.toMatch(/hello — Greeting/);
    // The card's own Send, as Teams sends it: its data with the chosen input merged in. There is no Back: it
    // was posted on its own, in place of nothing.
    expect(verbs(cardsIn(search)[0])).not.toContain('chat.show');
    const [send] = actionData(cardsIn(search)[0], 'canned.send');
    const t1 = w.fake.calls().length;
    const sent = await w.teams.post(
      w.teams.invoke(USERS.alice, chat.thread, 'canned.send', { ...send, shortcut: 'vpn' }, search.responseId),
    );
    expect(cardText(sent.body.value)).toMatch(/Sent canned reply vpn/);
    // It says what was done, and does not turn into a second copy of the chat's card in the thread (which
    // nothing would keep current), nor say it twice.
    expect(verbs(sent.body.value)).toEqual([]);
    expect(cardText(sent.body.value)).not.toMatch(/End user/);
    await waitFor(
      async () => (await userSees(chat)).includes('Please reset your VPN profile, Jane.'),
      15_000,
      'the chosen reply',
    );
    await threadSays(chat, /Alice Ng:.*Please reset your VPN profile, Jane\./);
    expect(
      w.fake.calls().filter((c) => c.seq > t1 && inThreadOf(chat)(c) && /Sent canned reply/.test(String(c.body?.text))),
    ).toEqual([]);
  });

  it("a monitor's own copy of the card has no Canned reply, and their canned command is refused", async () => {
    const chat = await acceptedChat(w);
    await w.h.service.ctx.store.sessions.addMember(
      chat.id,
      { agentId: 'carol', mode: 'monitor', joinedAt: Date.now(), via: 'supervisor' },
      {},
    );
    const mine = await w.teams.post(
      w.teams.invoke(USERS.alice, chat.thread, 'chat.show', { sessionId: chat.id }, chat.root),
    );
    expect(verbs(mine.body.value)).toContain('canned.open');
    const theirs = await w.teams.post(
      w.teams.invoke(USERS.carol, chat.thread, 'chat.show', { sessionId: chat.id }, chat.root),
    );
    expect(verbs(theirs.body.value)).not.toContain('canned.open');
    const before = (await userSees(chat)).length;
    const t0 = w.fake.calls().length;
    await say(chat, USERS.carol, 'canned hello');
    await w.fake.waitFor((c) => c.seq > t0 && /monitoring this chat/.test(textOf(c)), 15_000);
    const forged = await w.teams.post(
      w.teams.invoke(USERS.carol, chat.thread, 'canned.send', { sessionId: chat.id, shortcut: 'hello' }, chat.root),
    );
    expect(cardText(forged.body.value)).toMatch(/monitoring this chat/);
    expect((await userSees(chat)).length).toBe(before);
  });

  it('a breach warning in the thread, then an idle chat asked and ended', async () => {
    const chat = await acceptedChat(w);
    // The clock starts just after the accept's commit, so possibly after its card is redrawn.
    const { id: since } = await waitFor(() => w.h.service.ctx.store.replyClock.current(chat.id), 5_000, 'the clock');
    expect(await overdue.responseDue(w.h.service.ctx, chat.id, 'warn', since)).toBe(true);
    // The owner is mentioned as Teams notifies: an <at> and its entity, by her Entra id.
    const warned = await threadSays(chat, /<at>Alice Ng<\/at>: Jane has waited/);
    expect(warned.body?.entities).toEqual([
      { type: 'mention', text: '<at>Alice Ng</at>', mentioned: { id: 'aad-alice', name: 'Alice Ng' } },
    ]);
    await say(chat, USERS.alice, 'Sorry for the wait');
    await waitFor(async () => (await userSees(chat)).includes('Sorry for the wait'), 15_000, 'the reply');
    const reply = (await w.h.service.ctx.store.transcript.read(chat.id, undefined, 100)).find(
      (e) => e.kind === 'message' && e.text === 'Sorry for the wait',
    )!;
    expect(await overdue.idleDue(w.h.service.ctx, chat.id, 'warn', reply.id)).toBe(true);
    expect(await overdue.idleDue(w.h.service.ctx, chat.id, 'end', reply.id)).toBe(true);
    await threadSays(chat, /Jane did not answer: the chat has ended/);
    expect((await w.h.service.ctx.store.sessions.get(chat.id))?.endReason).toBe('idle');
  });

  it('End chat asks for an outcome on a card; without one it is refused, with one the root shows it', async () => {
    const chat = await acceptedChat(w);
    const form = await w.teams.post(
      w.teams.invoke(USERS.alice, chat.thread, 'end.open', { sessionId: chat.id }, chat.root),
    );
    expect(JSON.stringify(form.body.value)).toMatch(/"type":"Input.ChoiceSet","id":"outcome"/);
    const missing = await w.teams.post(
      w.teams.invoke(USERS.alice, chat.thread, 'end', { sessionId: chat.id, note: 'n' }, chat.root),
    );
    expect(cardText(missing.body.value)).toMatch(/Choose an outcome: resolved, escalated/);
    expect((await w.h.service.ctx.store.sessions.get(chat.id))?.status).toBe('active');
    await w.teams.post(
      w.teams.invoke(
        USERS.alice,
        chat.thread,
        'end',
        { sessionId: chat.id, outcome: 'resolved', note: 'All good' },
        chat.root,
      ),
    );
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.outcome === 'resolved',
      15_000,
      'ended with an outcome',
    );
    await w.fake.waitFor(
      (c) =>
        c.op === 'updateActivity' && c.activityId === chat.root && /Outcome: resolved/.test(cardText(cardsIn(c)[0])),
      15_000,
    );
  });

  it("the home lists the agent's own canned replies: add from the card and by command, then remove", async () => {
    const t0 = w.fake.calls().length;
    await w.teams.post(w.teams.personalMessage(USERS.bob, 'a:dm-bob', 'available'));
    const home = await w.fake.waitFor(
      (c) => c.seq > t0 && c.conversationId === 'a:dm-bob' && verbs(cardsIn(c)[0]).includes('canned.edit'),
      15_000,
    );
    const editor = await w.teams.post(w.teams.invoke(USERS.bob, 'a:dm-bob', 'canned.edit', {}, home.responseId));
    expect(JSON.stringify(editor.body.value)).toMatch(/"isMultiline":true/);
    const saved = await w.teams.post(
      w.teams.invoke(
        USERS.bob,
        'a:dm-bob',
        'canned.save',
        { shortcut: 'thx', title: 'Thanks', text: 'Thanks {user.name}!' },
        home.responseId,
      ),
    );
    expect(cardText(saved.body.value)).toMatch(/Saved your canned reply thx/);
    expect(verbs(saved.body.value)).toContain('canned.remove');
    await w.teams.post(w.teams.personalMessage(USERS.bob, 'a:dm-bob', 'canned add bye Goodbye | Bye {user.name}'));
    await waitFor(
      async () => (await w.h.service.ctx.store.canned.list('bob')).length === 2,
      15_000,
      'added by command',
    );
    await w.teams.post(w.teams.invoke(USERS.bob, 'a:dm-bob', 'canned.remove', { shortcut: 'thx' }, home.responseId));
    expect((await w.h.service.ctx.store.canned.list('bob')).map((c) => c.shortcut)).toEqual(['bye']);
  });

  it.skipIf(!haveSpecs)('every card sent is a valid Adaptive Card 1.5', () => {
    expect(cardSchemaErrors(w)).toEqual([]);
  });
});
