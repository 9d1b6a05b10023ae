import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackModule } from '../../adapters/slack/index.js';
import { loadEnv, parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import type { ConnectorCall } from '../support/fakeConnector.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { json, waitFor } from '../support/harness.js';
import { SIGNING_SECRET, SlackRequests } from '../support/slackRequests.js';
import { haveSpecs } from '../support/specs.js';
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

/**
 * A chat that lives in a Slack thread, with a participant who works in Teams: the real Bolt
 * app against a fake Slack, the real CloudAdapter against a fake connector, one service.
 */
const CHANNEL = 'C0ITSUPPORT';
const DM = 'a:dm-bob';
let w: TeamsWorld;
let fakeSlack: FakeSlack;
let slack: SlackRequests;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  const slackEnv = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fakeSlack.url };
  w = await startTeamsWorld({
    env: slackEnv,
    platforms: [slackModule(loadEnv(slackEnv))],
    directory: () =>
      parseDirectory(
        `
queues:
  - { id: it-support, name: IT Support, slack: { channel: ${CHANNEL} } }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support], slack: { userId: U0ALICE } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support], teams: { aadObjectId: aad-bob } }
  - { id: dan, firstName: Dan, lastName: Ortiz, email: dan@example.com, permissions: [ESChat_Agent], queues: [it-support], slack: { userId: U0DAN } }
  - { id: carol, firstName: Carol, lastName: Lefèvre, email: carol@example.com, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [it-support], slack: { userId: U0CAROL } }
`,
        'mixed.yaml',
        DIRECTORY_SECTIONS,
      ),
  });
  slack = new SlackRequests(w.h.url);
});
afterAll(async () => {
  await w?.stop();
  await fakeSlack?.close();
});

const inDm = (c: ConnectorCall) => c.conversationId === DM && c.op === 'sendToConversation';
const textOf = (c: ConnectorCall) => String(c.body?.text ?? '');

describe('a mixed chat: Slack owner, Teams participant', () => {
  const chat = { id: '', token: '', ts: '' };
  const userSees = async () =>
    (
      (await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, { token: chat.token })).body.messages as Array<{
        kind: string;
        text?: string;
      }>
    )
      .filter((m) => m.kind === 'message')
      .map((m) => m.text);
  const slackThread = () =>
    fakeSlack.calls('chat.postMessage').filter((c) => c.args.channel === CHANNEL && c.args.thread_ts === chat.ts);

  it('the Teams agent has installed the app; the chat starts and is accepted in Slack', async () => {
    await w.teams.post(w.teams.install(USERS.bob, DM));
    const r = await json(`${w.h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Jane' }, text: 'The printer is jammed' },
    });
    chat.id = r.body.session.id;
    chat.token = r.body.token;
    await fakeSlack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === CHANNEL && !c.args.thread_ts);
    chat.ts = fakeSlack.messages(CHANNEL).find((m) => !m.thread_ts)!.ts;
    expect(
      (await slack.click('U0ALICE', 'accept', { sessionId: chat.id }, { channel: CHANNEL, ts: chat.ts })).status,
    ).toBe(200);
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.status === 'active',
      5000,
      'accepted',
    );
    // No Teams channel for this queue: nothing was posted to Teams but the welcome.
    expect(w.fake.calls((c) => c.op === 'createConversation')).toHaveLength(0);
  });

  it('the Slack owner invites the Teams agent; the card arrives in their Teams 1:1 and they accept there', async () => {
    const cmd = await slack.command('U0ALICE', '/chat', 'invite bob@example.com participant');
    expect(cmd.status).toBe(200);
    const card = await w.fake.waitFor((c) => inDm(c) && verbs(cardsIn(c)[0]).includes('participate'));
    const data = actionData(cardsIn(card)[0], 'participate')[0]!;
    const r = await w.teams.post(w.teams.invoke(USERS.bob, DM, 'participate', data, card.responseId));
    expect(cardText(r.body.value)).toMatch(/You joined as participant/);
    // The joiner's 1:1 becomes a mirror: the session card, then the recent messages.
    const root = await w.fake.waitFor((c) => inDm(c) && /Chat with Jane/.test(cardText(cardsIn(c)[0])));
    // Bob's own copy offers what a participant may do: invite, not end the chat.
    expect(verbs(cardsIn(root)[0])).toEqual(['invite.open', 'canned.open', 'assist.open', 'leave']);
    await w.fake.waitFor((c) => inDm(c) && textOf(c).includes('The printer is jammed'));
  });

  it("the end user's and the Slack owner's messages reach the Teams 1:1", async () => {
    await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, {
      method: 'POST',
      token: chat.token,
      body: { text: 'Still jammed <at>all</at>' },
    });
    const fromUser = await w.fake.waitFor((c) => inDm(c) && textOf(c).includes('Still jammed'));
    expect(textOf(fromUser)).toContain('&lt;at&gt;all&lt;/at&gt;');
    await slack.reply('U0ALICE', CHANNEL, chat.ts, 'Bob knows printers').sent;
    await w.fake.waitFor((c) => inDm(c) && textOf(c).includes('Bob knows printers'));
  });

  it('a file the Slack owner shares opens for the Teams participant: a signed link, served with the Slack token', async () => {
    {
      // On Slack's own origin (the fake's): the token goes nowhere else.
      const url = fakeSlack.addFile('app.log', 'slack log bytes');
      await slack.reply('U0ALICE', CHANNEL, chat.ts, 'the log', {
        subtype: 'file_share',
        files: [{ id: 'F0SLOG', name: 'app.log', mimetype: 'text/plain', size: 15, url_private_download: url }],
      }).sent;
      const line = await w.fake.waitFor(
        (c) =>
          inDm(c) && JSON.stringify(c.body).includes('app.log') && JSON.stringify(c.body).includes('Action.OpenUrl'),
      );
      const link = JSON.stringify(cardsIn(line)[0]).match(/"url":"([^"]+files\/F0SLOG[^"]+)"/)?.[1];
      expect(link).toMatch(/\?exp=\d+&sig=/);
      // Before: the plain path, which asks for the end user's token (401). Now the link opens.
      const res = await fetch(link!.replace(/^https?:\/\/[^/]+/, w.h.url));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('slack log bytes');
      expect(fakeSlack.fileRequests.at(-1)?.token).toBe('xoxb-test');
      expect(link).not.toContain(chat.token);
    }
  });

  it('a file the Teams participant sends in the 1:1 reaches the end user, and the Slack thread as a signed link', async () => {
    const files = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7 steps');
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    try {
      const downloadUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/personal/bob/steps.pdf?tempauth=abc`;
      await w.teams.post({
        ...w.teams.personalMessage(USERS.bob, DM, ''),
        attachments: [
          {
            contentType: 'application/vnd.microsoft.teams.file.download.info',
            name: 'steps.pdf',
            contentUrl: 'https://contoso-my.sharepoint.com/steps.pdf',
            content: { downloadUrl, fileType: 'pdf' },
          },
        ],
      });
      const list = async () =>
        (await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, { token: chat.token })).body.messages as Array<{
          file?: { name: string; url: string };
        }>;
      const msg = await waitFor(
        async () => (await list()).find((m) => m.file?.name === 'steps.pdf'),
        5000,
        'the file reaches the end user',
      );
      const res = await fetch(`${w.h.url}/api/v1/sessions/${chat.id}/${msg.file!.url}?token=${chat.token}`);
      expect(await res.text()).toBe('%PDF-1.7 steps');
      const line = await waitFor(
        () => slackThread().find((c) => JSON.stringify(c.args).includes('steps.pdf')),
        5000,
        'the Slack thread gets the line',
      );
      expect(JSON.stringify(line.args)).toMatch(/files\/[A-Za-z0-9_-]{22}\?exp=\d+&sig=/);
    } finally {
      files.close();
    }
  });

  it("the Teams participant's 1:1 replies reach the end user and the Slack thread, without echo back to Teams", async () => {
    expect((await w.teams.post(w.teams.personalMessage(USERS.bob, DM, 'Open tray 2 and pull gently'))).status).toBe(
      200,
    );
    await waitFor(
      async () => (await userSees()).includes('Open tray 2 and pull gently'),
      5000,
      'reply reaches the end user',
    );
    await waitFor(
      () => slackThread().some((c) => String(c.args.text).includes('Open tray 2')),
      5000,
      'reply reaches the Slack thread',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(w.fake.calls((c) => inDm(c) && textOf(c).includes('Open tray 2'))).toHaveLength(0);
    // A bare command word in the 1:1 is still a command, not a message to the customer.
    await w.teams.post(w.teams.personalMessage(USERS.bob, DM, 'help'));
    await w.fake.waitFor(
      (c) =>
        c.conversationId === DM && c.op === 'replyToActivity' && /Switchboard commands/.test(cardText(cardsIn(c)[0])),
    );
    expect(await userSees()).not.toContain('help');
  });
});

describe('lines in a Teams 1:1 that mirrors a chat: for the customer, or a command?', () => {
  const chatId = async () => (await w.h.service.ctx.store.lists.read('active', 'it-support'))[0]!;
  const userSees = async () => {
    const id = await chatId();
    return (await w.h.service.ctx.store.transcript.read(id, undefined, 1000)).flatMap((e) =>
      e.kind === 'message' && e.visibility === 'public' ? [e.text] : [],
    );
  };
  const ref = async () => (await w.h.service.ctx.store.sessions.get(await chatId()))!.ref;
  const said = (text: string) => w.teams.post(w.teams.personalMessage(USERS.bob, DM, text));

  it('a whole command without a slash runs: invite dan monitor <ref>', async () => {
    await said(`invite dan monitor ${await ref()}`);
    await fakeSlack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === 'D0DAN' &&
        JSON.stringify(c.args.blocks).includes('sb:monitor'),
    );
    await w.fake.waitFor(
      (c) => c.conversationId === DM && c.op === 'replyToActivity' && /Invited Dan Ortiz as monitor/.test(textOf(c)),
    );
    expect((await userSees()).some((t) => t.includes('invite dan'))).toBe(false);
  });

  it('"Help is on the way" reaches the customer', async () => {
    await said('Help is on the way');
    await waitFor(async () => (await userSees()).includes('Help is on the way'), 5000, 'the customer sees it');
  });

  it('a line starting with / is always a command, even a mistyped one: never sent to the customer', async () => {
    await said('/invte dan monitor');
    await w.fake.waitFor(
      (c) =>
        c.conversationId === DM && c.op === 'replyToActivity' && /did not understand/.test(cardText(cardsIn(c)[0])),
    );
    expect((await userSees()).some((t) => t.includes('invte'))).toBe(false);
  });

  it('a command that is refused leaves the question open', async () => {
    await said('invite nobody-here now');
    const ask = await w.fake.waitFor(
      (c) =>
        c.conversationId === DM &&
        verbs(cardsIn(c)[0]).includes('line.run') &&
        /nobody-here/.test(cardText(cardsIn(c)[0])),
    );
    const r = await w.teams.post(
      w.teams.invoke(USERS.bob, DM, 'line.run', actionData(cardsIn(ask)[0], 'line.run')[0]!, ask.responseId),
    );
    expect(cardText(r.body.value)).toMatch(/matches “nobody-here now”/);
    expect(verbs(r.body.value)).toEqual(['line.send', 'line.run']);
    const sent = await w.teams.post(
      w.teams.invoke(USERS.bob, DM, 'line.send', actionData(cardsIn(ask)[0], 'line.send')[0]!, ask.responseId),
    );
    expect(cardText(sent.body.value)).toMatch(/Sent to the customer/);
    await waitFor(async () => (await userSees()).includes('invite nobody-here now'), 5000, 'sent after all');
  });

  it('a line that could be either is held until its author says which', async () => {
    await said('invite the new guy to check your account');
    const ask = await w.fake.waitFor(
      (c) =>
        c.conversationId === DM &&
        verbs(cardsIn(c)[0]).includes('line.send') &&
        /new guy/.test(cardText(cardsIn(c)[0])),
    );
    expect(verbs(cardsIn(ask)[0])).toEqual(['line.send', 'line.run']);
    await new Promise((r) => setTimeout(r, 200));
    expect((await userSees()).some((t) => t.startsWith('invite the new guy'))).toBe(false);
    const r = await w.teams.post(
      w.teams.invoke(USERS.bob, DM, 'line.send', actionData(cardsIn(ask)[0], 'line.send')[0]!, ask.responseId),
    );
    expect(cardText(r.body.value)).toMatch(/Sent to the customer/);
    await waitFor(
      async () => (await userSees()).includes('invite the new guy to check your account'),
      5000,
      'sent after the answer',
    );
    // Answered once: a second click does nothing more.
    const again = await w.teams.post(
      w.teams.invoke(USERS.bob, DM, 'line.send', actionData(cardsIn(ask)[0], 'line.send')[0]!, ask.responseId),
    );
    expect(cardText(again.body.value)).toMatch(/no longer waiting/);
    expect((await userSees()).filter((t) => t === 'invite the new guy to check your account')).toHaveLength(1);
  });
});

describe('a transfer from a Slack owner to a Teams agent', () => {
  it('the offer reaches the Teams 1:1; accepted there, the Teams agent owns the chat and answers the customer from it', async () => {
    const r = await json(`${w.h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Max' }, text: 'My screen is blue' },
    });
    const id = r.body.session.id as string;
    const token = r.body.token as string;
    await fakeSlack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === CHANNEL &&
        !c.args.thread_ts &&
        JSON.stringify(c.args.blocks).includes(id),
    );
    const ts = fakeSlack.messages(CHANNEL).find((m) => !m.thread_ts && JSON.stringify(m.blocks).includes(id))!.ts;
    await slack.click('U0ALICE', 'accept', { sessionId: id }, { channel: CHANNEL, ts });
    await waitFor(async () => (await w.h.service.ctx.store.sessions.get(id))?.status === 'active', 5000, 'accepted');
    const ref = (await w.h.service.ctx.store.sessions.get(id))!.ref;

    const before = w.fake.calls().length;
    const cmd = await slack.command('U0ALICE', '/chat', `transfer bob@example.com ${ref}`);
    expect(cmd.json.text).toMatch(/Offered chat .* to Bob Martin/);
    const offer = await w.fake.waitFor(
      (c) => c.seq > before && inDm(c) && verbs(cardsIn(c)[0]).includes('accept.offer'),
    );
    const answered = await w.teams.post(
      w.teams.invoke(
        USERS.bob,
        DM,
        'accept.offer',
        actionData(cardsIn(offer)[0], 'accept.offer')[0]!,
        offer.responseId,
      ),
    );
    expect(cardText(answered.body.value)).toMatch(/You took over this chat/);
    await fakeSlack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === ts &&
        /Bob Martin took over the chat from Alice Ng/.test(String(c.args.text)),
    );
    expect((await w.h.service.ctx.store.sessions.members(id)).map((m) => `${m.agentId}:${m.mode}`)).toEqual([
      'bob:owner',
    ]);
    // His 1:1 now mirrors the chat, with its recent messages; what he writes there reaches the customer.
    await w.fake.waitFor((c) => c.seq > before && inDm(c) && /Chat with Max/.test(cardText(cardsIn(c)[0])));
    await w.fake.waitFor((c) => c.seq > before && inDm(c) && /My screen is blue/.test(textOf(c)));
    await w.teams.post(w.teams.personalMessage(USERS.bob, DM, `${ref} Let me have a look`));
    await waitFor(
      async () =>
        (
          (await json(`${w.h.url}/api/v1/sessions/${id}/messages`, { token })).body.messages as Array<{ text?: string }>
        ).some((m) => m.text === 'Let me have a look'),
      5000,
      'his reply',
    );
  });
});

describe("a Teams participant's 1:1 copy of a Slack chat", () => {
  async function joined() {
    const r = await json(`${w.h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Nora' }, text: 'Wifi down' },
    });
    const id = r.body.session.id as string;
    await fakeSlack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === CHANNEL &&
        !c.args.thread_ts &&
        JSON.stringify(c.args.blocks).includes(id),
    );
    const ts = fakeSlack.messages(CHANNEL).find((m) => !m.thread_ts && JSON.stringify(m.blocks).includes(id))!.ts;
    await slack.click('U0ALICE', 'accept', { sessionId: id }, { channel: CHANNEL, ts });
    await waitFor(async () => (await w.h.service.ctx.store.sessions.get(id))?.status === 'active', 5000, 'accepted');
    const ref = (await w.h.service.ctx.store.sessions.get(id))!.ref;
    return { id, token: r.body.token as string, ts, ref };
  }
  async function invitedAndIn(chat: { id: string; ref: string }) {
    const before = w.fake.calls().length;
    await slack.command('U0ALICE', '/chat', `invite bob@example.com participant ${chat.ref}`);
    const card = await w.fake.waitFor(
      (c) =>
        c.seq > before &&
        inDm(c) &&
        verbs(cardsIn(c)[0]).includes('participate') &&
        JSON.stringify(c.body).includes(chat.id),
    );
    await w.teams.post(
      w.teams.invoke(USERS.bob, DM, 'participate', actionData(cardsIn(card)[0], 'participate')[0]!, card.responseId),
    );
    return w.fake.waitFor(
      (c) =>
        c.seq > before &&
        inDm(c) &&
        /Chat with Nora/.test(cardText(cardsIn(c)[0])) &&
        JSON.stringify(c.body).includes(chat.id),
    );
  }

  it('a command run in the 1:1 is answered there, without also getting the line it wrote', async () => {
    const chat = await joined();
    await invitedAndIn(chat);
    const before = w.fake.calls().length;
    await w.teams.post(w.teams.personalMessage(USERS.bob, DM, `/assist need a hand ${chat.ref}`));
    await w.fake.waitFor(
      (c) => c.seq > before && c.conversationId === DM && /Your help request for chat/.test(textOf(c)),
    );
    // The Slack thread has the line; the 1:1 it was typed in does not.
    await fakeSlack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === chat.ts &&
        /Bob Martin asked the supervisors for help: need a hand/.test(String(c.args.text)),
    );
    await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, {
      method: 'POST',
      token: chat.token,
      body: { text: 'still there?' },
    });
    await w.fake.waitFor((c) => c.seq > before && inDm(c) && textOf(c).includes('still there?'));
    expect(
      w.fake.calls(
        (c) =>
          c.seq > before &&
          c.conversationId === DM &&
          /asked the supervisors/.test(textOf(c) + cardText(cardsIn(c)[0])),
      ),
    ).toEqual([]);
  });

  it('after a leave and a rejoin, the 1:1 gets a new copy, and nothing goes to the old one', async () => {
    const chat = await joined();
    const old = await invitedAndIn(chat);
    await w.teams.post(w.teams.personalMessage(USERS.bob, DM, `/leave ${chat.ref}`));
    await w.fake.waitFor(
      (c) => c.op === 'updateActivity' && c.activityId === old.responseId && !verbs(cardsIn(c)[0]).includes('leave'),
    );
    const rejoined = await invitedAndIn(chat);
    expect(rejoined.responseId).not.toBe(old.responseId);
    const after = rejoined.seq;
    await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, {
      method: 'POST',
      token: chat.token,
      body: { text: 'are you back?' },
    });
    await w.fake.waitFor((c) => c.seq > after && inDm(c) && textOf(c).includes('are you back?'));
    // The chat changes (a message, a new member on the root): the new copy is redrawn, never the old.
    await slack.command('U0ALICE', '/chat', `invite dan monitor ${chat.ref}`);
    await w.fake.waitFor((c) => c.seq > after && c.op === 'updateActivity' && c.activityId === rejoined.responseId);
    expect(w.fake.calls((c) => c.seq > after && c.op === 'updateActivity' && c.activityId === old.responseId)).toEqual(
      [],
    );
  });
});

describe.skipIf(!haveSpecs)('a mixed chat: cards', () => {
  it('every card sent to Teams or answered is Adaptive Card 1.5', () => {
    expect(cardSchemaErrors(w)).toEqual([]);
  });
});
