import { afterEach, describe, expect, it } from 'vitest';
import { json, waitFor } from '../support/harness.js';
import {
  actionData,
  cardText,
  startTeamsWorld,
  CHANNEL as TEAMS_CHANNEL,
  type TeamsWorld,
  USERS,
} from '../support/teamsWorld.js';
import { type SlackWorld, startSlackWorld } from './slackSetup.js';

/**
 * The invitee search on both platforms, asked by whoever knows a chat's id (it travels in
 * every button): only the chat's owner and participants, agents of its queue, see names.
 */
const startChat = async (url: string) =>
  (
    await json(`${url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' }, text: 'hi' },
    })
  ).body.session as { id: string; ref: string };

describe('Slack: the invite picker (block_suggestion)', () => {
  let w: SlackWorld;
  afterEach(async () => w?.stop());

  it("lists agents to the chat's owner only while the chat is active, to no one else", async () => {
    w = await startSlackWorld();
    const chat = await startChat(w.h.url);
    await w.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'C0ITSUPPORT' && !c.args.thread_ts,
    );
    const ts = w.fake.messages('C0ITSUPPORT').find((m) => !m.thread_ts)!.ts;
    // What the invite modal carries; anyone who knows the chat's id can forge it.
    const metadata = JSON.stringify({ search: { verb: 'invite.search', data: { sessionId: chat.id } } });
    const suggest = async (user: string, value = '') => {
      const r = await w.slack.interaction({
        type: 'block_suggestion',
        user: { id: user },
        action_id: 'agentId',
        block_id: 'agentId',
        value,
        view: { id: 'V1', callback_id: 'sb:dialog', private_metadata: metadata },
      });
      expect(r.status).toBe(200);
      return { ids: (r.json.options as Array<{ value: string }>).map((o) => o.value), text: r.text };
    };

    expect((await suggest('U0ALICE')).ids).toEqual([]); // waiting: nobody invites yet
    await w.slack.click('U0ALICE', 'accept', { sessionId: chat.id }, { channel: 'C0ITSUPPORT', ts });
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.status === 'active',
      5000,
      'accepted',
    );

    expect((await suggest('U0ALICE', 'da')).ids).toEqual(['dan']);
    for (const outsider of ['U0BOB', 'U0CAROL', 'U0DAN']) {
      const seen = await suggest(outsider);
      expect(seen.ids, outsider).toEqual([]);
      expect(seen.text, outsider).not.toMatch(/example\.com|Ortiz|Martin/);
    }
    // The slash command's name lookup follows the same rule.
    const typed = await w.slack.command('U0BOB', '/chat', `invite n ${chat.ref}`);
    expect(typed.json.text).toMatch(/not a member/);
    expect(typed.json.text).not.toMatch(/Ng|Nope/);

    await w.slack.click('U0ALICE', 'end', { sessionId: chat.id }, { channel: 'C0ITSUPPORT', ts });
    await waitFor(async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.status === 'ended', 5000, 'ended');
    expect((await suggest('U0ALICE')).ids).toEqual([]);
  });
});

describe('Teams: the invite search card (invite.search)', () => {
  let w: TeamsWorld;
  afterEach(async () => w?.stop());

  it("lists agents to the chat's owner, and to an outsider shows a refusal with no names", async () => {
    w = await startTeamsWorld();
    const chat = await startChat(w.h.url);
    const created = await w.fake.waitFor(
      (c) => c.op === 'createConversation' && c.body?.channelData?.channel?.id === TEAMS_CHANNEL,
    );
    const thread = `${TEAMS_CHANNEL};messageid=${created.responseId!}`;
    expect(
      (await w.teams.post(w.teams.invoke(USERS.alice, thread, 'accept', { sessionId: chat.id }, created.responseId)))
        .status,
    ).toBe(200);

    const search = async (who: (typeof USERS)[keyof typeof USERS]) => {
      const r = await w.teams.post(
        w.teams.invoke(
          who,
          thread,
          'invite.search',
          { sessionId: chat.id, query: 'da', mode: 'participant' },
          created.responseId,
        ),
      );
      expect(r.status).toBe(200);
      return r.body.value as Record<string, unknown>;
    };
    expect(actionData(await search(USERS.alice), 'invite.send').map((d) => d.agentId)).toEqual(['dan']);
    for (const outsider of [USERS.bob, USERS.carol]) {
      const card = await search(outsider);
      expect(actionData(card, 'invite.send'), outsider.name).toEqual([]);
      expect(cardText(card), outsider.name).toMatch(/not a member/);
      expect(JSON.stringify(card), outsider.name).not.toMatch(/Ortiz|dan@example\.com/);
    }
  });
});
