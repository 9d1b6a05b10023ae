import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import type { ConnectorCall } from '../support/fakeConnector.js';
import { json } from '../support/harness.js';
import { haveSpecs } from '../support/specs.js';
import { acceptedChat, inThreadOf } from '../support/teamsChat.js';
import {
  actionData,
  CARD,
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
 * The forms and lists of Teams, as an agent uses them: the transfer form (to a queue from the
 * card, to someone already in the chat), the note before the buttons that send it, the home
 * card that survives a click, and the supervisor's monitor card with Needs help.
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
  - id: hr
    name: HR
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support], teams: { aadObjectId: aad-alice } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support], teams: { aadObjectId: aad-bob } }
  - { id: dan, firstName: Dan, lastName: Ortiz, email: dan@example.com, permissions: [ESChat_Agent], queues: [it-support], teams: { aadObjectId: aad-dan } }
  - { id: carol, firstName: Carol, lastName: Lefèvre, email: carol@example.com, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [it-support, hr], teams: { aadObjectId: aad-carol } }
`,
        'forms.yaml',
        DIRECTORY_SECTIONS,
      ),
  });
  for (const u of [USERS.alice, USERS.bob, USERS.dan, USERS.carol])
    await w.teams.post(w.teams.install(u, `a:dm-${u.aadObjectId.slice(4)}`));
});
afterAll(async () => w?.stop());

type Node = Record<string, unknown>;
/** Every node of a card in document order (fallbacks left out). */
function nodes(n: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(n))
    n.forEach((x) => {
      nodes(x, out);
    });
  else if (n && typeof n === 'object') {
    out.push(n as Node);
    for (const [k, v] of Object.entries(n)) if (k !== 'fallback') nodes(v, out);
  }
  return out;
}
const execute = (card: unknown, pred: (data: Record<string, string>, title: string) => boolean) =>
  nodes(card).find((n) => n.type === 'Action.Execute' && pred(n.data as Record<string, string>, String(n.title)));
const members = async (id: string) =>
  (await w.h.service.ctx.store.sessions.members(id)).map((m) => `${m.agentId}:${m.mode}`).sort();
const textOf = (c: ConnectorCall) => String(c.body?.text ?? '') + cardText(cardsIn(c)[0]);

describe('Teams: the transfer form', () => {
  it('moves the chat to a queue from the card, note included (the form has its own Move button)', async () => {
    const chat = await acceptedChat(w);
    const form = (
      await w.teams.post(w.teams.invoke(USERS.alice, chat.thread, 'transfer.open', { sessionId: chat.id }, chat.root))
    ).body.value;
    const move = execute(form, (d) => d.to === 'queue');
    expect(move?.title).toBe('Move to this queue');
    const choice = nodes(form).find((n) => n.type === 'Input.ChoiceSet' && n.id === 'queueId')!;
    expect((choice.choices as Array<{ value: string }>).map((c) => c.value)).toEqual(['hr']);
    // The inputs come with the click, as Teams merges them into the button's data.
    const r = await w.teams.post(
      w.teams.invoke(
        USERS.alice,
        chat.thread,
        'transfer',
        { ...(move!.data as object), queueId: 'hr', note: 'payroll question', query: '' },
        chat.root,
      ),
    );
    expect(cardText(r.body.value)).toMatch(/moved to HR/);
    // The old root says where it went.
    await w.fake.waitFor(
      (c) => c.op === 'updateActivity' && c.activityId === chat.root && /was transferred to HR/.test(textOf(c)),
    );
    expect(await w.h.service.ctx.store.sessions.get(chat.id)).toMatchObject({ status: 'waiting', queueId: 'hr' });
  });

  it("a colleague's own Transfer offers them the chat, even with a queue picked; a refusal keeps the form as filled in", async () => {
    const chat = await acceptedChat(w);
    const form = (
      await w.teams.post(w.teams.invoke(USERS.alice, chat.thread, 'transfer.open', { sessionId: chat.id }, chat.root))
    ).body.value;
    // The note comes before the buttons that send it.
    const order = nodes(form)
      .filter((n) => n.id === 'note' || (n.type === 'Action.Execute' && (n.data as Record<string, string>).to))
      .map((n) => String(n.id ?? n.title));
    expect(order[0]).toBe('note');
    // Moving without a queue is refused: the form comes back with the note typed.
    const move = execute(form, (d) => d.to === 'queue')!;
    const refused = await w.teams.post(
      w.teams.invoke(USERS.alice, chat.thread, 'transfer', { ...(move.data as object), note: 'keep me' }, chat.root),
    );
    expect(cardText(refused.body.value)).toMatch(/Say whom to transfer to/);
    expect(nodes(refused.body.value).find((n) => n.id === 'note')?.value).toBe('keep me');
    const dan = execute(refused.body.value, (d) => d.to === 'agent' && d.agentId === 'dan')!;
    const r = await w.teams.post(
      w.teams.invoke(
        USERS.alice,
        chat.thread,
        'transfer',
        { ...(dan.data as object), queueId: 'hr', note: 'keep me' },
        chat.root,
      ),
    );
    expect(cardText(r.body.value)).toMatch(/Offered chat .* to Dan Ortiz/);
    const offer = await w.fake.waitFor(
      (c) => c.conversationId === 'a:dm-dan' && verbs(cardsIn(c)[0]).includes('accept.offer'),
    );
    expect(cardText(cardsIn(offer)[0])).toMatch(/keep me/);
    expect((await w.h.service.ctx.store.sessions.get(chat.id))?.queueId).toBe('it-support');
  });

  it('offers the chat to a participant, who takes it over', async () => {
    const chat = await acceptedChat(w);
    const invite = await w.teams.post(
      w.teams.invoke(
        USERS.alice,
        chat.thread,
        'invite.send',
        { sessionId: chat.id, agentId: 'bob', mode: 'participant' },
        chat.root,
      ),
    );
    expect(invite.status).toBe(200);
    const card = await w.fake.waitFor(
      (c) =>
        c.conversationId === 'a:dm-bob' &&
        verbs(cardsIn(c)[0]).includes('participate') &&
        JSON.stringify(c.body).includes(chat.id),
    );
    await w.teams.post(
      w.teams.invoke(
        USERS.bob,
        'a:dm-bob',
        'participate',
        actionData(cardsIn(card)[0], 'participate')[0]!,
        card.responseId,
      ),
    );
    expect(await members(chat.id)).toEqual(['alice:owner', 'bob:participant']);
    const form = (
      await w.teams.post(w.teams.invoke(USERS.alice, chat.thread, 'transfer.open', { sessionId: chat.id }, chat.root))
    ).body.value;
    const bob = execute(form, (d) => d.to === 'agent' && d.agentId === 'bob');
    expect(bob, cardText(form)).toBeDefined();
    const sent = await w.teams.post(
      w.teams.invoke(USERS.alice, chat.thread, 'transfer', bob!.data as Record<string, unknown>, chat.root),
    );
    expect(cardText(sent.body.value)).toMatch(/Offered chat .* to Bob Martin/);
    const offer = await w.fake.waitFor(
      (c) => c.conversationId === 'a:dm-bob' && verbs(cardsIn(c)[0]).includes('accept.offer'),
    );
    await w.teams.post(
      w.teams.invoke(
        USERS.bob,
        'a:dm-bob',
        'accept.offer',
        actionData(cardsIn(offer)[0], 'accept.offer')[0]!,
        offer.responseId,
      ),
    );
    await w.fake.waitFor((c) => inThreadOf(chat)(c) && /Bob Martin took over the chat from Alice Ng/.test(textOf(c)));
    expect(await members(chat.id)).toEqual(['bob:owner']);
  });
});

describe('Teams: lists in the 1:1', () => {
  it('the home card survives a click on one of its items, and says what happened', async () => {
    const chat = await acceptedChat(w);
    const t0 = w.fake.calls().length;
    await w.teams.post(w.teams.personalMessage(USERS.dan, 'a:dm-dan', 'available'));
    await w.fake.waitFor((c) => c.seq > t0 && c.conversationId === 'a:dm-dan' && /Invites \(/.test(textOf(c)));
    await w.teams.post(
      w.teams.invoke(
        USERS.alice,
        chat.thread,
        'invite.send',
        { sessionId: chat.id, agentId: 'dan', mode: 'participant' },
        chat.root,
      ),
    );
    await w.fake.waitFor(
      (c) =>
        c.conversationId === 'a:dm-dan' &&
        verbs(cardsIn(c)[0]).includes('participate') &&
        JSON.stringify(c.body).includes(chat.id),
    );
    // Dan asks for his home again: the invite is listed, and he joins from there.
    const t1 = w.fake.calls().length;
    await w.teams.post(w.teams.personalMessage(USERS.dan, 'a:dm-dan', 'available'));
    const home = await w.fake.waitFor(
      (c) => c.seq > t1 && c.conversationId === 'a:dm-dan' && /Invites \(/.test(textOf(c)),
    );
    const join = actionData(cardsIn(home)[0], 'participate').find((d) => d.inviteId?.startsWith(chat.id))!;
    expect(join.from).toBe('home');
    const r = await w.teams.post(w.teams.invoke(USERS.dan, 'a:dm-dan', 'participate', join, home.responseId));
    expect(r.body.type).toBe(CARD);
    const after = cardText(r.body.value);
    expect(after).toMatch(/You joined chat .* as participant/);
    // Still the whole home: its sections, the invite gone from one and the chat in the other.
    for (const section of ['Invites \\(', 'My chats \\(1\\)']) expect(after).toMatch(new RegExp(section));
    expect(actionData(r.body.value, 'participate').filter((d) => d.inviteId === join.inviteId)).toEqual([]);
    expect(await members(chat.id)).toEqual(['alice:owner', 'dan:participant']);
  });

  it('monitor shows a supervisor the help requests to them (Needs help) with their answers', async () => {
    const chat = await acceptedChat(w);
    await w.teams.post(
      w.teams.invoke(USERS.alice, chat.thread, 'assist', { sessionId: chat.id, note: 'refund?' }, chat.root),
    );
    await w.fake.waitFor(
      (c) =>
        c.conversationId === 'a:dm-carol' &&
        verbs(cardsIn(c)[0]).includes('participate') &&
        JSON.stringify(c.body).includes(chat.id),
    );
    const t0 = w.fake.calls().length;
    await w.teams.post(w.teams.personalMessage(USERS.carol, 'a:dm-carol', 'monitor'));
    const card = await w.fake.waitFor(
      (c) => c.seq > t0 && c.conversationId === 'a:dm-carol' && /Needs help/.test(textOf(c)),
    );
    expect(cardText(cardsIn(card)[0])).toMatch(/Alice Ng\*\* asks for help/);
    const decline = actionData(cardsIn(card)[0], 'reject.open').find((d) => d.inviteId?.startsWith(chat.id))!;
    expect(decline.from).toBe('monitor');
    const form = await w.teams.post(w.teams.invoke(USERS.carol, 'a:dm-carol', 'reject.open', decline, card.responseId));
    expect(cardText(form.body.value)).toMatch(/Decline the help request/);
    // Back from the form is the monitor card again.
    expect(actionData(form.body.value, 'list')).toEqual([{ verb: 'list', name: 'monitor' }]);
  });
});

describe('Teams: what a click did is not lost when its card is redrawn', () => {
  it("Invite from the chat's card: the card is redrawn for everyone, and the confirmation is said in the thread too", async () => {
    const chat = await acceptedChat(w);
    const r = await w.teams.post(
      w.teams.invoke(
        USERS.alice,
        chat.thread,
        'invite.send',
        { sessionId: chat.id, agentId: 'dan', mode: 'monitor', note: 'have a look' },
        chat.root,
      ),
    );
    expect(cardText(r.body.value)).toMatch(/Invited Dan Ortiz as monitor/);
    await w.fake.waitFor(
      (c) =>
        c.op === 'updateActivity' &&
        c.activityId === chat.root &&
        /Invites \(1 waiting\)/.test(JSON.stringify(cardsIn(c)[0])),
    );
    const said = await w.fake.waitFor(
      (c) => inThreadOf(chat)(c) && /Invited Dan Ortiz as monitor to chat/.test(String(c.body?.text)),
    );
    expect(said.body.textFormat).toBe('markdown');
  });
});

describe('Teams: the channel card, per viewer', () => {
  it("asks Teams to show each member their own buttons, and the queue's other agents none", async () => {
    const chat = await acceptedChat(w);
    const put = await w.fake.waitFor(
      (c) => c.op === 'updateActivity' && c.activityId === chat.root && verbs(cardsIn(c)[0]).includes('end'),
    );
    const refresh = cardsIn(put)[0]!.refresh as {
      action: { verb: string; data: Record<string, string> };
      userIds: string[];
    };
    expect(refresh.action).toMatchObject({ type: 'Action.Execute', verb: 'chat.show', data: { sessionId: chat.id } });
    expect(refresh.userIds[0]).toBe(USERS.alice.id);
    expect(refresh.userIds).toEqual(expect.arrayContaining([USERS.bob.id, USERS.dan.id, USERS.carol.id]));
    // Teams runs the refresh for each of them: the owner gets her buttons; Bob, not in the chat, none.
    const auto = (who: (typeof USERS)[keyof typeof USERS]) =>
      w.teams.post({
        ...w.teams.invoke(who, chat.thread, 'chat.show', refresh.action.data, chat.root),
        value: {
          action: { type: 'Action.Execute', verb: 'chat.show', data: refresh.action.data },
          trigger: 'automatic',
        },
      });
    expect(verbs((await auto(USERS.alice)).body.value)).toEqual(
      expect.arrayContaining(['invite.open', 'transfer.open', 'end']),
    );
    const bobs = (await auto(USERS.bob)).body.value;
    expect(cardText(bobs)).toMatch(/Chat with Jane/);
    expect(verbs(bobs)).toEqual([]);
  });
});

describe('Teams: list cards stay current', () => {
  it('the home and monitor cards drawn on request are redrawn as their chats change; availability is said once', async () => {
    const t0 = w.fake.calls().length;
    await w.teams.post(w.teams.personalMessage(USERS.carol, 'a:dm-carol', 'available'));
    const home = await w.fake.waitFor(
      (c) => c.seq > t0 && c.conversationId === 'a:dm-carol' && /Invites \(/.test(textOf(c)),
    );
    expect(textOf(home).match(/You are (\*\*)?Available/g)).toHaveLength(1);
    expect(verbs(cardsIn(home)[0])).toContain('availability');
    await w.teams.post(w.teams.personalMessage(USERS.carol, 'a:dm-carol', 'monitor'));
    const monitor = await w.fake.waitFor(
      (c) => c.seq > home.seq && c.conversationId === 'a:dm-carol' && /Needs help/.test(textOf(c)),
    );
    // A new chat waits in her queue: both cards are redrawn in place, with it under Waiting.
    const r = await json(`${w.h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Wanda' } },
    });
    const ref = r.body.session.ref as string;
    const redrawn = (id: string) =>
      w.fake.waitFor((c) => c.op === 'updateActivity' && c.activityId === id && textOf(c).includes(ref), 12_000);
    const [homeNow, monitorNow] = await Promise.all([redrawn(home.responseId!), redrawn(monitor.responseId!)]);
    expect(textOf(homeNow)).toMatch(/Waiting \(\d+\)/);
    // Accept from Waiting, on the monitor card: it says so, and the card stays the monitor card.
    const accept = actionData(cardsIn(monitorNow)[0], 'accept').find((d) => d.sessionId === r.body.session.id)!;
    expect(accept.from).toBe('monitor');
    const clicked = await w.teams.post(w.teams.invoke(USERS.carol, 'a:dm-carol', 'accept', accept, monitor.responseId));
    expect(cardText(clicked.body.value)).toMatch(
      new RegExp(`You accepted chat ${ref}[\\s\\S]*Active chats in your queues`),
    );
    await w.fake.waitFor(
      (c) => c.conversationId === 'a:dm-carol' && String(c.body?.text ?? '').includes(`You accepted chat ${ref}`),
    );
  });
});

it.skipIf(!haveSpecs)('every card it sent or answered is Adaptive Card 1.5', () => {
  expect(cardSchemaErrors(w)).toEqual([]);
});
