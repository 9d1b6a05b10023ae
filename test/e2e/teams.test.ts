import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorCall } from '../support/fakeConnector.js';
import { json, waitFor } from '../support/harness.js';
import { haveSpecs } from '../support/specs.js';
import {
  actionData,
  BOT,
  CARD,
  CHANNEL,
  cardSchemaErrors,
  cardsIn,
  cardText,
  startTeamsWorld,
  type TeamsWorld,
  USERS,
  verbs,
} from '../support/teamsWorld.js';

/**
 * One chat's life on Teams, end to end: the real CloudAdapter on /api/messages (auth off),
 * the outbox worker, Redis, and a fake Bot Framework connector in place of Teams.
 */
let w: TeamsWorld;
beforeAll(async () => {
  w = await startTeamsWorld();
});
afterAll(async () => {
  await w?.stop();
});

const chat = { id: '', token: '', thread: '', root: '' };
const userSees = async () =>
  (
    (await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, { token: chat.token })).body.messages as Array<{
      kind: string;
      text?: string;
    }>
  )
    .filter((m) => m.kind === 'message')
    .map((m) => m.text);
const inThread = (c: ConnectorCall) =>
  c.conversationId === chat.thread && (c.op === 'sendToConversation' || c.op === 'replyToActivity');
const textOf = (c: ConnectorCall) => String(c.body?.text ?? '');
const members = async () =>
  (await w.h.service.ctx.store.sessions.members(chat.id)).map((m) => `${m.agentId}:${m.mode}`).sort();

describe('Teams: a chat from start to end', () => {
  it('1. an end user starts a chat through the HTTP API', async () => {
    const r = await json(`${w.h.url}/api/v1/sessions`, {
      method: 'POST',
      body: {
        queue: 'it-support',
        user: { name: 'Jane *Doe*' },
        text: 'Hello <at>everyone</at> **urgent** [x](http://evil)',
      },
    });
    expect(r.status).toBe(201);
    chat.id = r.body.session.id;
    chat.token = r.body.token;
  });

  it('2. the session card appears as a new thread in the queue channel, then the first message as a reply', async () => {
    const created = await w.fake.waitFor(
      (c) => c.op === 'createConversation' && c.body?.channelData?.channel?.id === CHANNEL,
    );
    expect(created.body).toMatchObject({
      isGroup: true,
      tenantId: 'tenant-1',
      channelData: { tenant: { id: 'tenant-1' } },
    });
    const [card] = cardsIn(created);
    expect(verbs(card)).toEqual(['accept']);
    chat.root = created.responseId!;
    chat.thread = `${CHANNEL};messageid=${chat.root}`;
    const first = await w.fake.waitFor((c) => inThread(c) && textOf(c).includes('Hello'));
    // End-user text arrives escaped: no mention, no formatting, no link.
    expect(textOf(first)).toContain('&lt;at&gt;everyone&lt;/at&gt;');
    expect(textOf(first)).toContain('\\*\\*urgent\\*\\*');
    expect(textOf(first)).toContain('\\[x\\](http://evil)');
    expect(textOf(first)).not.toContain('<at>');
    expect(first.body.textFormat).toBe('markdown');
  });

  it('3. an agent accepts with the card button (Action.Execute), and the root card is updated', async () => {
    const r = await w.teams.post(w.teams.invoke(USERS.alice, chat.thread, 'accept', { sessionId: chat.id }, chat.root));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ statusCode: 200, type: CARD });
    // Release and End chat ask first: their buttons unfold the question, whose answer comes after the row.
    // Past five buttons the rarer ones (Canned reply, Ask for help, Release) unfold under More, after the row.
    expect(verbs(r.body.value)).toEqual([
      'invite.open',
      'transfer.open',
      'end',
      'canned.open',
      'assist.open',
      'release',
    ]);
    const put = await w.fake.waitFor(
      (c) => c.op === 'updateActivity' && c.activityId === chat.root && verbs(cardsIn(c)[0]).includes('end'),
    );
    expect(put.conversationId).toBe(chat.thread);
    expect(await members()).toEqual(['alice:owner']);
  });

  it('4. both sides talk: end-user messages become thread replies, agent thread replies reach the end user', async () => {
    const sent = await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, {
      method: 'POST',
      token: chat.token,
      body: { text: 'My laptop is on fire' },
    });
    expect(sent.status).toBe(202);
    await w.fake.waitFor((c) => inThread(c) && textOf(c).includes('My laptop is on fire'));

    // The bot's @mention is stripped from what the agent wrote.
    const reply = w.teams.threadMessage(USERS.alice, chat.thread, 'Hi Jane, I am on it', { mention: true });
    expect((await w.teams.post(reply)).status).toBe(200);
    await waitFor(
      async () => (await userSees()).includes('Hi Jane, I am on it'),
      5000,
      'agent reply reaches the end user',
    );
    // The same activity delivered again is processed once.
    expect((await w.teams.post(reply)).status).toBe(200);
    // The bot's own messages are ignored.
    await w.teams.post({ ...w.teams.threadMessage(USERS.alice, chat.thread, 'echo of myself'), from: BOT });
    await new Promise((r) => setTimeout(r, 300));
    const seen = await userSees();
    expect(seen.filter((t) => t === 'Hi Jane, I am on it')).toHaveLength(1);
    expect(seen).not.toContain('echo of myself');
    // The agent's reply is not echoed back into the thread it came from.
    expect(w.fake.calls((c) => inThread(c) && textOf(c).includes('I am on it'))).toHaveLength(0);
  });

  it('an agent edits, then deletes, a thread reply: the end user sees the change', async () => {
    const original = w.teams.threadMessage(USERS.alice, chat.thread, 'Please restart it');
    await w.teams.post(original);
    await waitFor(async () => (await userSees()).includes('Please restart it'), 5000, 'reply relayed');
    const all = async () =>
      (await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, { token: chat.token })).body.messages as Array<{
        kind: string;
        text?: string;
      }>;
    const editEvent = {
      ...original,
      type: 'messageUpdate',
      text: 'Please restart it twice',
      channelData: { ...original.channelData, eventType: 'editMessage' },
    };
    expect((await w.teams.post(editEvent)).status).toBe(200);
    await waitFor(
      async () => (await all()).some((m) => m.kind === 'edit' && m.text === 'Please restart it twice'),
      5000,
      'edit relayed',
    );
    await w.teams.post({
      ...original,
      type: 'messageDelete',
      text: '',
      channelData: { ...original.channelData, eventType: 'softDeleteMessage' },
    });
    await waitFor(async () => (await all()).some((m) => m.kind === 'delete'), 5000, 'delete relayed');
  });

  it('Action.Submit (hosts without Universal Actions) works too: the invite details come as a new reply', async () => {
    const submit = {
      ...w.teams.threadMessage(USERS.alice, chat.thread, ''),
      replyToId: chat.root,
      value: { verb: 'invites', sessionId: chat.id },
    };
    expect((await w.teams.post(submit)).status).toBe(200);
    const details = await w.fake.waitFor((c) => inThread(c) && /Invites for chat/.test(cardText(cardsIn(c)[0])));
    expect(details.op).toBe('replyToActivity');
    expect(
      w.fake.calls(
        (c) =>
          c.op === 'updateActivity' && c.activityId === chat.root && /Invites for chat/.test(cardText(cardsIn(c)[0])),
      ),
    ).toHaveLength(0);
  });

  const inv = { bob: { conv: '', card: '', id: '' }, dan: { conv: '', card: '', id: '' } };
  const cardFor = (conv: string, verb: string) => (c: ConnectorCall) =>
    c.op === 'sendToConversation' && c.conversationId === conv && verbs(cardsIn(c)[0]).includes(verb);

  it('5. the agent invites a colleague as monitor with an @mention command; the card arrives in a new 1:1', async () => {
    const cmd = w.teams.threadMessage(USERS.alice, chat.thread, 'invite Bob Martin monitor', { mention: true });
    expect((await w.teams.post(cmd)).status).toBe(200);
    await w.fake.waitFor((c) => inThread(c) && /Invited Bob Martin as monitor/.test(textOf(c)));
    // No 1:1 with Bob yet: the bot opens one in the tenant, then sends the card.
    const created = await w.fake.waitFor(
      (c) => c.op === 'createConversation' && c.body?.members?.[0]?.id === 'aad-bob',
    );
    expect(created.body).toMatchObject({ isGroup: false, tenantId: 'tenant-1' });
    const card = await w.fake.waitFor(
      (c) =>
        c.op === 'sendToConversation' &&
        (c.conversationId ?? '').startsWith('a:conv-') &&
        verbs(cardsIn(c)[0]).includes('monitor'),
    );
    inv.bob.conv = card.conversationId!;
    expect(verbs(cardsIn(card)[0])).toEqual(['monitor', 'reject.open']);
    inv.bob.card = card.responseId!;
    inv.bob.id = actionData(cardsIn(card)[0], 'monitor')[0]!.inviteId!;
    expect(cardText(cardsIn(card)[0])).toMatch(/Alice Ng\*\* invites you to \*\*monitor/);
  });

  it('only the invitee may answer: another agent gets a clear refusal and nothing changes', async () => {
    const r = await w.teams.post(
      w.teams.invoke(USERS.dan, inv.bob.conv, 'monitor', { sessionId: chat.id, inviteId: inv.bob.id }, inv.bob.card),
    );
    expect(r.status).toBe(200);
    expect(r.body.type).toBe(CARD);
    expect(cardText(r.body.value)).toMatch(/for someone else/);
    expect((await w.h.service.ctx.store.invites.get(inv.bob.id))?.status).toBe('pending');
    expect(await members()).toEqual(['alice:owner']);
  });

  it('a malformed card action is refused clearly and changes nothing', async () => {
    const r = await w.teams.post(
      w.teams.invoke(USERS.bob, inv.bob.conv, 'monitor', { inviteId: 'no such thing!' }, inv.bob.card),
    );
    expect(cardText(r.body.value)).toMatch(/not valid/);
    const unknown = await w.teams.post(
      w.teams.invoke(USERS.bob, inv.bob.conv, 'launch', { inviteId: inv.bob.id }, inv.bob.card),
    );
    expect(cardText(unknown.body.value)).toMatch(/not valid: unknown action/);
    expect((await w.h.service.ctx.store.invites.get(inv.bob.id))?.status).toBe('pending');
  });

  it('6. the colleague joins with Monitor: the invoke answers the updated card, and the card is updated for everyone', async () => {
    const r = await w.teams.post(
      w.teams.invoke(USERS.bob, inv.bob.conv, 'monitor', { sessionId: chat.id, inviteId: inv.bob.id }, inv.bob.card),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ statusCode: 200, type: CARD });
    expect(verbs(r.body.value)).toEqual([]);
    expect(cardText(r.body.value)).toMatch(/You joined as monitor/);
    const put = await w.fake.waitFor(
      (c) => c.op === 'updateActivity' && c.conversationId === inv.bob.conv && c.activityId === inv.bob.card,
    );
    expect(verbs(cardsIn(put)[0])).toEqual([]);
    await w.fake.waitFor((c) => inThread(c) && /Bob Martin joined as monitor/.test(textOf(c)));
    expect(await members()).toEqual(['alice:owner', 'bob:monitor']);
  });

  it("7. a monitor's thread replies do not reach the end user; the monitor is told", async () => {
    await w.teams.post(w.teams.threadMessage(USERS.bob, chat.thread, 'psst, check the battery'));
    await w.fake.waitFor(
      (c) => c.op === 'replyToActivity' && c.conversationId === chat.thread && /monitoring this chat/.test(textOf(c)),
    );
    expect(await userSees()).not.toContain('psst, check the battery');
  });

  it('an agent who installs the app personally is greeted and reachable in that 1:1 from then on', async () => {
    expect((await w.teams.post(w.teams.install(USERS.dan, 'a:dm-dan'))).status).toBe(200);
    const hello = await w.fake.waitFor((c) => c.conversationId === 'a:dm-dan' && c.op === 'replyToActivity');
    expect(cardText(cardsIn(hello)[0])).toMatch(/Switchboard commands/);
  });

  it('8. a second invite, from the Invite button and search card, is rejected and then resent', async () => {
    const search = await w.teams.post(
      w.teams.invoke(
        USERS.alice,
        chat.thread,
        'invite.search',
        { sessionId: chat.id, query: 'da', mode: 'participant' },
        chat.root,
      ),
    );
    expect(search.body.type).toBe(CARD);
    expect(actionData(search.body.value, 'invite.send').map((d) => d.agentId)).toEqual(['dan']);

    const sent = await w.teams.post(
      w.teams.invoke(
        USERS.alice,
        chat.thread,
        'invite.send',
        { sessionId: chat.id, agentId: 'dan', query: 'da', mode: 'participant' },
        chat.root,
      ),
    );
    expect(cardText(sent.body.value)).toMatch(/Invited Dan Ortiz as participant/);
    const card = await w.fake.waitFor(cardFor('a:dm-dan', 'participate'));
    inv.dan = {
      conv: 'a:dm-dan',
      card: card.responseId!,
      id: actionData(cardsIn(card)[0], 'participate')[0]!.inviteId!,
    };
    // Dan's 1:1 was learned on install: no new conversation.
    expect(w.fake.calls((c) => c.op === 'createConversation' && c.body?.members?.[0]?.id === 'aad-dan')).toHaveLength(
      0,
    );

    const rejected = await w.teams.post(
      w.teams.invoke(USERS.dan, 'a:dm-dan', 'reject', { sessionId: chat.id, inviteId: inv.dan.id }, inv.dan.card),
    );
    expect(cardText(rejected.body.value)).toMatch(/You rejected this invite/);
    expect(verbs(rejected.body.value)).toEqual([]);
    await w.fake.waitFor(
      (c) => c.op === 'updateActivity' && c.activityId === inv.dan.card && /rejected/.test(cardText(cardsIn(c)[0])),
    );
    const line = await w.fake.waitFor((c) => inThread(c) && verbs(cardsIn(c)[0]).includes('resend'));
    expect(cardText(cardsIn(line)[0])).toMatch(/Dan Ortiz rejected the invite/);

    const resent = await w.teams.post(
      w.teams.invoke(USERS.alice, chat.thread, 'resend', { sessionId: chat.id, inviteId: inv.dan.id }, line.responseId),
    );
    expect(cardText(resent.body.value)).toMatch(/Invite resent to Dan Ortiz .{0,2}attempt 2/);
    const fresh = await w.fake.waitFor(
      (c) =>
        cardFor('a:dm-dan', 'participate')(c) && actionData(cardsIn(c)[0], 'participate')[0]!.inviteId !== inv.dan.id,
    );
    expect(cardText(cardsIn(fresh)[0])).toMatch(/attempt 2/);
    inv.dan = {
      conv: 'a:dm-dan',
      card: fresh.responseId!,
      id: actionData(cardsIn(fresh)[0], 'participate')[0]!.inviteId!,
    };
  });

  it('an agent without a Teams id in the directory is learned by email on first contact', async () => {
    w.fake.setMembers('a:dm-erin', [
      { id: USERS.erin.id, name: USERS.erin.name, aadObjectId: USERS.erin.aadObjectId, email: 'erin@example.com' },
    ]);
    await w.teams.post(w.teams.personalMessage(USERS.erin, 'a:dm-erin', 'available'));
    const done = await w.fake.waitFor((c) => c.conversationId === 'a:dm-erin' && c.op === 'replyToActivity');
    // One answer: what changed, atop the agent's home.
    expect(cardText(cardsIn(done)[0])).toMatch(/You are Available[\s\S]*Invites \(/);
    await w.teams.post(w.teams.threadMessage(USERS.alice, chat.thread, 'invite erin@example.com', { mention: true }));
    await w.fake.waitFor(cardFor('a:dm-erin', 'participate'));
  });

  it('a user of another tenant is not matched to an agent by email', async () => {
    w.fake.setMembers('a:dm-zoe', [{ id: USERS.zoe.id, aadObjectId: USERS.zoe.aadObjectId, email: 'bob@example.com' }]);
    const m = w.teams.personalMessage(USERS.zoe, 'a:dm-zoe', 'away');
    await w.teams.post({
      ...m,
      conversation: { ...m.conversation, tenantId: 'other-tenant' },
      channelData: { tenant: { id: 'other-tenant' } },
    });
    const r = await w.fake.waitFor((c) => c.conversationId === 'a:dm-zoe' && c.op === 'replyToActivity');
    expect(textOf(r)).toMatch(/not in the Switchboard directory/);
    expect(w.fake.calls({ op: 'getMember', conversationId: 'a:dm-zoe' })).toHaveLength(0);
    expect(await w.h.service.ctx.store.sessions.awayAgentIds()).not.toContain('bob');
  });

  it('10. a supervisor joins from the monitor list without an invite', async () => {
    await w.teams.post(w.teams.personalMessage(USERS.carol, 'a:dm-carol', 'monitor'));
    const list = await w.fake.waitFor(
      (c) => c.conversationId === 'a:dm-carol' && verbs(cardsIn(c)[0]).includes('join'),
    );
    expect(
      actionData(cardsIn(list)[0], 'join')
        .filter((d) => d.mode === 'monitor')
        .map((d) => d.sessionId),
    ).toContain(chat.id);
    const data = actionData(cardsIn(list)[0], 'join').find((d) => d.mode === 'monitor' && d.sessionId === chat.id)!;
    expect(data.from).toBe('monitor');
    const r = await w.teams.post(w.teams.invoke(USERS.carol, 'a:dm-carol', 'join', data, list.responseId));
    expect(cardText(r.body.value)).toMatch(/You joined chat \w+ as monitor/);
    // The list is drawn again, not replaced by the chat: the chat is on it, with only Participate left for Carol.
    expect(
      actionData(r.body.value, 'join')
        .filter((d) => d.sessionId === chat.id)
        .map((d) => d.mode),
    ).toEqual(['participant']);
    expect(await members()).toEqual(['alice:owner', 'bob:monitor', 'carol:monitor']);
    await w.fake.waitFor((c) => inThread(c) && /Carol Lefèvre joined as monitor/.test(textOf(c)));
  });

  it('11. the owner ends the chat; pending invites are cancelled and their cards updated', async () => {
    // Not the owner: refused, nothing changes.
    const notOwner = await w.teams.post(
      w.teams.invoke(USERS.bob, chat.thread, 'end', { sessionId: chat.id }, chat.root),
    );
    expect(cardText(notOwner.body.value)).toMatch(/monitoring this chat|owner/);
    expect((await w.h.service.ctx.store.sessions.get(chat.id))?.status).toBe('active');

    const r = await w.teams.post(w.teams.invoke(USERS.alice, chat.thread, 'end', { sessionId: chat.id }, chat.root));
    expect(verbs(r.body.value)).toEqual([]);
    expect(cardText(r.body.value)).toMatch(/Ended/);
    const cancelled = (card: string) =>
      w.fake.waitFor(
        (c) => c.op === 'updateActivity' && c.activityId === card && /cancelled/.test(cardText(cardsIn(c)[0])),
      );
    expect(verbs(cardsIn(await cancelled(inv.dan.card))[0])).toEqual([]);
    const erinCard = w.fake.calls(cardFor('a:dm-erin', 'participate'))[0]!.responseId!;
    await cancelled(erinCard);
  });
});

describe.skipIf(!haveSpecs)('Teams: every card the bot sent or answered with is Adaptive Card 1.5', () => {
  it('validates against ../shared/specs/adaptive-card-1.5.schema.json', () => {
    expect(cardSchemaErrors(w)).toEqual([]);
  });
});
