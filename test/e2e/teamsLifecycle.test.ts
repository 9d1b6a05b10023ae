import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorCall } from '../support/fakeConnector.js';
import { json, waitFor } from '../support/harness.js';
import { haveSpecs } from '../support/specs.js';
import { acceptedChat, inThreadOf, type TeamsChat } from '../support/teamsChat.js';
import {
  actionData,
  cardSchemaErrors,
  cardsIn,
  cardText,
  startTeamsWorld,
  type TeamsWorld,
  USERS,
  verbs,
} from '../support/teamsWorld.js';

/** Transfer, release, leave, help, anyone available, notes and reasons, promote: in Teams, through the real CloudAdapter. */
let w: TeamsWorld;
beforeAll(async () => {
  w = await startTeamsWorld();
  // Each agent has the app: their 1:1s are known, cards go straight there.
  for (const u of [USERS.bob, USERS.dan, USERS.carol])
    await w.teams.post(w.teams.install(u, `a:dm-${u.aadObjectId.slice(4)}`));
});
afterAll(async () => w?.stop());

const members = async (id: string) =>
  (await w.h.service.ctx.store.sessions.members(id)).map((m) => `${m.agentId}:${m.mode}`).sort();
const textOf = (c: ConnectorCall) => String(c.body?.text ?? '') + cardText(cardsIn(c)[0]);
const threadSays = (chat: TeamsChat, text: RegExp) =>
  w.fake.waitFor((c) => inThreadOf(chat)(c) && text.test(textOf(c)));
const cardIn = (conv: string, verb: string, after = 0) =>
  w.fake.waitFor(
    (c) =>
      c.op === 'sendToConversation' &&
      c.conversationId === conv &&
      verbs(cardsIn(c)[0]).includes(verb) &&
      c.seq > after,
  );
const say = (chat: TeamsChat, who: (typeof USERS)[keyof typeof USERS], text: string) =>
  w.teams.post(w.teams.threadMessage(who, chat.thread, text, { mention: true }));

describe('the chat lifecycle in Teams', () => {
  it('transfer by command (accepted in the 1:1), release from the card, and a transfer from the dialog', async () => {
    const chat = await acceptedChat(w, 'hello');
    const t0 = w.fake.calls().length;
    await say(chat, USERS.alice, 'transfer Bob Martin');
    await threadSays(chat, /Offered chat .* to Bob Martin/);
    const offer = await cardIn('a:dm-bob', 'accept.offer', t0);
    expect(verbs(cardsIn(offer)[0])).toEqual(['accept.offer', 'reject.open']);
    const data = actionData(cardsIn(offer)[0], 'accept.offer')[0]!;
    const accepted = await w.teams.post(w.teams.invoke(USERS.bob, 'a:dm-bob', 'accept.offer', data, offer.responseId));
    expect(cardText(accepted.body.value)).toMatch(/You took over this chat/);
    await threadSays(chat, /Bob Martin took over the chat from Alice Ng/);
    expect(await members(chat.id)).toEqual(['bob:owner']);

    // Release from the root card's button (Bob owns it now).
    const released = await w.teams.post(
      w.teams.invoke(USERS.bob, chat.thread, 'release', { sessionId: chat.id }, chat.root),
    );
    expect(verbs(released.body.value)).toEqual(['accept']);
    await threadSays(chat, /Bob Martin released the chat/);
    await w.teams.post(w.teams.invoke(USERS.alice, chat.thread, 'accept', { sessionId: chat.id }, chat.root));
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.ownerId === 'alice',
      5000,
      'taken again',
    );

    // The Transfer dialog: its card, then its submit with the inputs (a colleague, a note).
    const dialog = await w.teams.post(
      w.teams.invoke(USERS.alice, chat.thread, 'transfer.open', { sessionId: chat.id }, chat.root),
    );
    expect(cardText(dialog.body.value)).toMatch(/Transfer /);
    const t1 = w.fake.calls().length;
    const sent = await w.teams.post(
      w.teams.invoke(
        USERS.alice,
        chat.thread,
        'transfer',
        { sessionId: chat.id, agentId: 'dan', queueId: '-', note: 'long story' },
        chat.root,
      ),
    );
    expect(sent.status).toBe(200);
    const danOffer = await cardIn('a:dm-dan', 'accept.offer', t1);
    expect(cardText(cardsIn(danOffer)[0])).toMatch(/long story/);
    // Dan declines, with a reason, through its dialog: nothing changes, the thread says so.
    const ids = actionData(cardsIn(danOffer)[0], 'reject.open')[0]!;
    const asked = await w.teams.post(w.teams.invoke(USERS.dan, 'a:dm-dan', 'reject.open', ids, danOffer.responseId));
    expect(cardText(asked.body.value)).toMatch(/Alice Ng offered you chat/);
    await w.teams.post(
      w.teams.invoke(USERS.dan, 'a:dm-dan', 'reject', { ...ids, reason: 'on leave tomorrow' }, danOffer.responseId),
    );
    await threadSays(chat, /Dan Ortiz declined the chat/);
    expect((await w.h.service.ctx.store.sessions.get(chat.id))?.ownerId).toBe('alice');
    expect(await w.h.service.ctx.store.invites.get(ids.inviteId!)).toMatchObject({
      status: 'rejected',
      reason: 'on leave tomorrow',
    });
  });

  it('anyone available, a reasoned rejection, promote, ask for help, and leave', async () => {
    const chat = await acceptedChat(w);
    const t0 = w.fake.calls().length;
    await say(chat, USERS.alice, 'invite anyone monitor');
    await threadSays(chat, /invited anyone available as monitor: 4 agents asked/);
    const [bobCard, danCard] = await Promise.all([
      cardIn('a:dm-bob', 'monitor', t0),
      cardIn('a:dm-dan', 'monitor', t0),
    ]);
    // Dan rejects with a reason (the dialog, then its submit); Bob takes it.
    const form = await w.teams.post(
      w.teams.invoke(
        USERS.dan,
        'a:dm-dan',
        'reject.open',
        actionData(cardsIn(danCard)[0], 'reject.open')[0]!,
        danCard.responseId,
      ),
    );
    expect(cardText(form.body.value)).toMatch(/Reject the invite/);
    const danInvite = actionData(cardsIn(danCard)[0], 'monitor')[0]!.inviteId!;
    await w.teams.post(
      w.teams.invoke(USERS.dan, 'a:dm-dan', 'reject', { inviteId: danInvite, reason: 'driving' }, danCard.responseId),
    );
    expect(await w.h.service.ctx.store.invites.get(danInvite)).toMatchObject({ status: 'rejected', reason: 'driving' });
    await w.teams.post(
      w.teams.invoke(
        USERS.bob,
        'a:dm-bob',
        'monitor',
        actionData(cardsIn(bobCard)[0], 'monitor')[0]!,
        bobCard.responseId,
      ),
    );
    expect(await members(chat.id)).toEqual(['alice:owner', 'bob:monitor']);

    // Promote by command.
    await say(chat, USERS.alice, 'promote Bob Martin');
    await threadSays(chat, /Bob Martin is now a participant/);
    expect(await members(chat.id)).toEqual(['alice:owner', 'bob:participant']);

    // Bob asks for help from the dialog; Carol (supervisor) answers from her 1:1.
    const t1 = w.fake.calls().length;
    const asked = await w.teams.post(
      w.teams.invoke(USERS.bob, chat.thread, 'assist', { sessionId: chat.id, note: 'angry customer' }, chat.root),
    );
    expect(asked.status).toBe(200);
    await threadSays(chat, /Bob Martin asked the supervisors for help: angry customer/);
    const help = await cardIn('a:dm-carol', 'participate', t1);
    expect(verbs(cardsIn(help)[0])).toEqual(['participate', 'monitor', 'reject.open']);
    await w.teams.post(
      w.teams.invoke(
        USERS.carol,
        'a:dm-carol',
        'participate',
        actionData(cardsIn(help)[0], 'participate')[0]!,
        help.responseId,
      ),
    );
    await threadSays(chat, /Carol Lefèvre answered the help request and joined as participant/);

    // Leave by command in her 1:1 (with the chat's ref); the owner may not.
    const ref = (await w.h.service.ctx.store.sessions.get(chat.id))!.ref;
    const t2 = w.fake.calls().length;
    await w.teams.post(w.teams.personalMessage(USERS.carol, 'a:dm-carol', `/leave ${ref}`));
    await w.fake.waitFor((c) => c.conversationId === 'a:dm-carol' && c.seq > t2 && /You left chat/.test(textOf(c)));
    await threadSays(chat, /Carol Lefèvre left the chat/);
    await say(chat, USERS.alice, 'leave');
    await threadSays(chat, /release it, transfer it or end it/);
    expect(await members(chat.id)).toEqual(['alice:owner', 'bob:participant']);
    // The end user saw Bob join when he was promoted, never as a monitor.
    const seen = (await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, { token: chat.token })).body
      .messages as Array<{ kind: string; name?: string; action?: string }>;
    expect(seen.filter((m) => m.kind === 'participant').map((m) => `${m.name} ${m.action}`)).toEqual([
      'Alice joined',
      'Bob joined',
      'Carol joined',
      'Carol left',
    ]);
  });

  it.skipIf(!haveSpecs)('every card it sent or answered is Adaptive Card 1.5', () => {
    expect(cardSchemaErrors(w)).toEqual([]);
  });
});
