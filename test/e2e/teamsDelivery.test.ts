import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/main/config.js';
import { platformFactories } from '../../src/main/platforms.js';
import { json, waitFor } from '../support/harness.js';
import { haveSpecs } from '../support/specs.js';
import { acceptedChat, inThreadOf } from '../support/teamsChat.js';
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

/** Delivery edge cases on Teams: expiry, rate limits, unreachable invitees, auth. */

describe('Teams: an invite expires', () => {
  let w: TeamsWorld;
  beforeAll(async () => {
    w = await startTeamsWorld({ env: { INVITE_TTL_SECONDS: '1' } });
  });
  afterAll(async () => w?.stop());

  it('9. the expiry job updates the card (no buttons left) and the thread offers Resend', async () => {
    const chat = await acceptedChat(w);
    await w.teams.post(w.teams.threadMessage(USERS.alice, chat.thread, 'invite bob@example.com', { mention: true }));
    const card = await w.fake.waitFor(
      (c) => c.op === 'sendToConversation' && verbs(cardsIn(c)[0]).includes('participate'),
    );
    const put = await w.fake.waitFor(
      (c) => c.op === 'updateActivity' && c.activityId === card.responseId && /expired/.test(cardText(cardsIn(c)[0])),
      8000,
    );
    expect(verbs(cardsIn(put)[0])).toEqual([]);
    const line = await w.fake.waitFor(
      (c) => inThreadOf(chat)(c) && /expired without an answer/.test(cardText(cardsIn(c)[0])),
      5000,
    );
    expect(verbs(cardsIn(line)[0])).toEqual(['resend']);
    // Clicking the stale card afterwards changes nothing and says why.
    const late = await w.teams.post(
      w.teams.invoke(
        USERS.bob,
        card.conversationId!,
        'participate',
        actionData(cardsIn(card)[0], 'participate')[0]!,
        card.responseId,
      ),
    );
    expect(cardText(late.body.value)).toMatch(/expired/);
    expect((await w.h.service.ctx.store.sessions.members(chat.id)).map((m) => m.agentId)).toEqual(['alice']);
  });
  it.skipIf(!haveSpecs)('sent only valid Adaptive Cards', () => expect(cardSchemaErrors(w)).toEqual([]));
});

describe('Teams: rate limits', () => {
  let w: TeamsWorld;
  beforeAll(async () => {
    w = await startTeamsWorld();
  });
  afterAll(async () => w?.stop());

  it('a 429 with Retry-After, more times than the connector client would retry, is waited out by the outbox; order holds', async () => {
    const chat = await acceptedChat(w);
    const posts = (c: Parameters<ReturnType<typeof inThreadOf>>[0]) =>
      inThreadOf(chat)(c) && c.op === 'sendToConversation' && /msg \d/.test(String(c.body?.text));
    w.fake.failNext({
      status: 429,
      retryAfter: 1,
      times: 4,
      match: (c) => c.op === 'sendToConversation' && c.conversationId === chat.thread,
    });
    const t0 = Date.now();
    for (const n of [1, 2, 3]) {
      const r = await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, {
        method: 'POST',
        token: chat.token,
        body: { text: `msg ${n}` },
      });
      expect(r.status).toBe(202);
    }
    await waitFor(
      () => w.fake.calls(posts).filter((c) => c.status === 200).length === 3,
      15_000,
      'all three delivered',
    );
    const attempts = w.fake.calls(posts);
    expect(attempts.filter((c) => c.status === 429)).toHaveLength(4);
    // Retry-After (1 s) was honoured each time, by the outbox rather than inside the client.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4 * 900);
    expect(attempts.filter((c) => c.status === 200).map((c) => String(c.body.text).match(/msg \d/)![0])).toEqual([
      'msg 1',
      'msg 2',
      'msg 3',
    ]);
  }, 20_000);

  it('a 5xx or 412 is retried by the outbox too, and nothing is lost', async () => {
    const chat = await acceptedChat(w);
    w.fake.failNext({
      status: 502,
      times: 1,
      match: (c) => c.op === 'sendToConversation' && c.conversationId === chat.thread,
    });
    w.fake.failNext({
      status: 412,
      times: 1,
      match: (c) => c.op === 'sendToConversation' && c.conversationId === chat.thread,
    });
    await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, {
      method: 'POST',
      token: chat.token,
      body: { text: 'after a hiccup' },
    });
    await w.fake.waitFor(
      (c) => inThreadOf(chat)(c) && c.status === 200 && /after a hiccup/.test(String(c.body?.text)),
      10_000,
    );
    expect(w.fake.calls((c) => c.conversationId === chat.thread && c.status >= 400).map((c) => c.status)).toEqual([
      502, 412,
    ]);
  }, 15_000);
  it.skipIf(!haveSpecs)('sent only valid Adaptive Cards', () => expect(cardSchemaErrors(w)).toEqual([]));
});

describe('Teams: an invitee the bot cannot reach', () => {
  let w: TeamsWorld | undefined;
  afterEach(async () => {
    if (w && haveSpecs) expect(cardSchemaErrors(w)).toEqual([]);
    await w?.stop();
    w = undefined;
  });

  it('with no 1:1 reference and no tenant known, the inviter is told in the thread, and may resend at once', async () => {
    w = await startTeamsWorld({ tenant: false });
    const chat = await acceptedChat(w);
    await w.teams.post(w.teams.threadMessage(USERS.alice, chat.thread, 'invite Bob Martin', { mention: true }));
    const notice = await w.fake.waitFor(
      (c) => inThreadOf(chat)(c) && /Could not deliver the invite to Bob Martin/.test(cardText(cardsIn(c)[0])),
    );
    expect(notice.op).toBe('sendToConversation');
    expect(verbs(cardsIn(notice)[0])).toEqual(['resend']);
    expect(w.fake.calls((c) => c.op === 'createConversation' && !c.body?.channelData?.channel)).toHaveLength(0);
    // Nobody can answer it: it has ended, and its line offers Resend without waiting out the TTL.
    const invite = await waitFor(
      async () => (await w!.h.service.ctx.store.invites.list(chat.id)).find((i) => i.status === 'expired'),
      5000,
      'the invite ended',
    );
    expect(invite.inviteeId).toBe('bob');
  });

  it('when Teams opens a 1:1 but refuses to write in it, the thread says so once (never also "expired"), and a Resend reaches them once they open the app', async () => {
    w = await startTeamsWorld();
    const chat = await acceptedChat(w);
    // Teams opens a 1:1 (a:conv-…) and then refuses the card in it: the app is not installed for Bob.
    w.fake.failNext({
      status: 403,
      times: 1,
      match: (c) => c.op === 'sendToConversation' && String(c.conversationId).startsWith('a:conv-'),
    });
    await w.teams.post(w.teams.threadMessage(USERS.alice, chat.thread, 'invite Bob Martin', { mention: true }));
    const line = await w.fake.waitFor(
      (c) => inThreadOf(chat)(c) && /Could not deliver the invite to Bob Martin/.test(cardText(cardsIn(c)[0])),
    );
    expect(verbs(cardsIn(line)[0])).toEqual(['resend']);
    const first = (await w.h.service.ctx.store.invites.list(chat.id))[0]!;
    expect(first).toMatchObject({ status: 'expired', unreached: true });
    // One refused send, not five retries; the dead 1:1 is not kept.
    expect(w.fake.calls((c) => c.status === 403)).toHaveLength(1);
    expect((await w.h.service.ctx.store.links.lookup('teams:user:aad-bob')) ?? '').not.toMatch(/a:conv-/);

    // Bob opens the app; Alice resends from the line: the card reaches his 1:1.
    await w.teams.post(w.teams.install(USERS.bob, 'a:dm-bob'));
    const resent = await w.teams.post(
      w.teams.invoke(USERS.alice, chat.thread, 'resend', actionData(cardsIn(line)[0], 'resend')[0]!, line.responseId),
    );
    expect(cardText(resent.body.value)).toMatch(/Invite resent to Bob Martin/);
    const card = await w.fake.waitFor(
      (c) =>
        c.conversationId === 'a:dm-bob' &&
        c.op === 'sendToConversation' &&
        verbs(cardsIn(c)[0]).includes('participate'),
    );
    expect(card.status).toBe(200);
    // Nothing in the thread ever said it went unanswered.
    await new Promise((r) => setTimeout(r, 500));
    expect(
      w.fake.calls(
        (c) => inThreadOf(chat)(c) && /expired without an answer/.test(String(c.body?.text) + cardText(cardsIn(c)[0])),
      ),
    ).toEqual([]);
  });

  it('when Teams refuses to open the 1:1 (app not installed for them), the inviter is told in the thread', async () => {
    w = await startTeamsWorld();
    const chat = await acceptedChat(w);
    w.fake.failNext({
      status: 403,
      match: (c) => c.op === 'createConversation' && c.body?.members?.[0]?.id === 'aad-bob',
    });
    await w.teams.post(w.teams.threadMessage(USERS.alice, chat.thread, 'invite Bob Martin', { mention: true }));
    await w.fake.waitFor(
      (c) => inThreadOf(chat)(c) && /Could not deliver the invite to Bob Martin/.test(cardText(cardsIn(c)[0])),
    );
    expect(w.fake.calls((c) => c.op === 'createConversation' && c.status === 403)).toHaveLength(1);
  });
});

describe('Teams hosting', () => {
  it('is enabled by TEAMS_ENABLED or an app id', async () => {
    const log = pino({ level: 'silent' });
    expect(await platformFactories(loadEnv({ TEAMS_ENABLED: 'true' }), log)).toHaveLength(1);
    expect(await platformFactories(loadEnv({}), log)).toHaveLength(0);
  });

  it('validates Bot Framework JWTs whenever MicrosoftAppId is set; a bad body is a 400', async () => {
    const w = await startTeamsWorld({
      env: { MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa', MicrosoftAppPassword: 'not-a-secret' },
    });
    try {
      const body = JSON.stringify(w.teams.personalMessage(USERS.alice, 'a:dm-alice', 'help'));
      const post = (auth?: string) =>
        fetch(`${w.h.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
          body,
        });
      expect((await post()).status).toBe(401);
      expect(w.fake.calls()).toHaveLength(0);
      const bad = await fetch(`${w.h.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{nope',
      });
      expect(bad.status).toBe(400);
      expect((await fetch(`${w.h.url}/api/messages`)).status).toBe(404);
    } finally {
      await w.stop();
    }
  });
});
