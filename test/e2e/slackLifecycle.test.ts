import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCall } from '../support/fakeSlack.js';
import { json, waitFor } from '../support/harness.js';
import { type SlackWorld, startSlackWorld } from './slackSetup.js';

/** Transfer, release, leave, help, anyone available, notes and reasons, promote: in Slack, through the real Bolt receiver. */
let w: SlackWorld;
afterEach(async () => w?.stop());

const CHANNEL = 'C0ITSUPPORT';
const hasAction = (call: FakeCall, verb: string) =>
  new RegExp(`"action_id":"sb:${verb.replace('.', '\\.')}(#\\d+)?"`).test(
    JSON.stringify(call.args.blocks ?? call.args.view ?? []),
  );
const inviteIdIn = (call: FakeCall) => JSON.stringify(call.args.blocks).match(/\\"inviteId\\":\\"([^\\"]+)\\"/)![1]!;
const sid = (id: string) => ({ sessionId: id });
const iid = (id: string) => ({ inviteId: id });
const dmCard = (channel: string, verb: string) =>
  w.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === channel && hasAction(c, verb));
const members = async (id: string) =>
  (await w.h.service.ctx.store.sessions.members(id)).map((m) => `${m.agentId}:${m.mode}`).sort();
const threadSays = (ts: string, text: RegExp) =>
  w.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === ts && text.test(String(c.args.text)));
const said = (user: string, text: RegExp) =>
  w.fake.waitFor((c) => c.method === 'chat.postEphemeral' && c.args.user === user && text.test(String(c.args.text)));
const cmd = async (user: string, text: string) =>
  (await w.slack.command(user, '/chat', text)).json as { text?: string };

/** Submits the modal the last views.open showed, with these input values. */
async function submit(
  user: string,
  opened: FakeCall,
  values: Record<string, { type: string; value?: string; selected?: string }>,
) {
  const view = opened.args.view as { callback_id: string; private_metadata: string };
  const state: Record<string, Record<string, unknown>> = {};
  for (const [id, v] of Object.entries(values)) {
    state[id] = {
      [id]:
        v.type === 'plain_text_input'
          ? { type: v.type, value: v.value }
          : { type: v.type, selected_option: { value: v.selected, text: { type: 'plain_text', text: v.selected } } },
    };
  }
  return w.slack.interaction({
    type: 'view_submission',
    user: { id: user },
    view: {
      id: 'V1',
      type: 'modal',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      state: { values: state },
    },
  });
}

async function startChat() {
  const r = await json(`${w.h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' }, text: 'help!' },
  });
  const id = r.body.session.id as string;
  await w.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === CHANNEL && !c.args.thread_ts);
  const ts = w.fake.messages(CHANNEL).find((m) => !m.thread_ts && JSON.stringify(m.blocks).includes(id))!.ts;
  await w.slack.click('U0ALICE', 'accept', sid(id), { channel: CHANNEL, ts });
  await waitFor(async () => (await w.h.service.ctx.store.sessions.get(id))?.status === 'active', 5000, 'accepted');
  return { id, ts, token: r.body.token as string };
}

describe('the chat lifecycle in Slack', () => {
  it('anyone available, promote, ask for help, leave: buttons, modals and commands', async () => {
    w = await startSlackWorld();
    const chat = await startChat();
    // The owner's root offers the new actions.
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.ts === chat.ts &&
        ['transfer.open', 'release', 'assist.open'].every((v) => hasAction(c, v)),
    );

    // Anyone available, by command: Bob, Dan and Carol are asked; Bob answers first.
    expect((await cmd('U0ALICE', 'invite anyone monitor')).text).toMatch(/Invited 3 available agents of IT Support/);
    const [bobCard, danCard] = await Promise.all([dmCard('D0BOB', 'monitor'), dmCard('D0DAN', 'monitor')]);
    await threadSays(chat.ts, /invited anyone available as monitor: 3 agents asked/);
    await w.slack.click('U0BOB', 'monitor', iid(inviteIdIn(bobCard)), {
      channel: 'D0BOB',
      ts: w.fake.messages('D0BOB')[0]!.ts,
    });
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.channel === 'D0DAN' &&
        /Bob Martin answered first/.test(JSON.stringify(c.args.blocks)) &&
        !hasAction(c, 'monitor'),
    );
    await w.slack.click('U0DAN', 'monitor', iid(inviteIdIn(danCard)), {
      channel: 'D0DAN',
      ts: w.fake.messages('D0DAN')[0]!.ts,
    });
    await said('U0DAN', /cancelled/);
    expect(await members(chat.id)).toEqual(['alice:owner', 'bob:monitor']);

    // Promote, from the root's button and its modal.
    await w.fake.waitFor((c) => c.method === 'chat.update' && c.args.ts === chat.ts && hasAction(c, 'promote.open'));
    await w.slack.click('U0ALICE', 'promote.open', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    const promoteModal = await w.fake.waitFor(
      (c) => c.method === 'views.open' && /Promote in/.test(JSON.stringify(c.args.view)),
    );
    expect(
      (await submit('U0ALICE', promoteModal, { agentId: { type: 'radio_buttons', selected: 'bob' } })).status,
    ).toBe(200);
    await threadSays(chat.ts, /Bob Martin is now a participant/);
    expect(await members(chat.id)).toEqual(['alice:owner', 'bob:participant']);

    // Bob asks for help with a note; Carol (supervisor) gets a card and joins as monitor.
    await w.slack.click('U0BOB', 'assist.open', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    const helpModal = await w.fake.waitFor(
      (c) => c.method === 'views.open' && /Ask for help in/.test(JSON.stringify(c.args.view)),
    );
    expect(
      (await submit('U0BOB', helpModal, { note: { type: 'plain_text_input', value: 'refund <over> the limit' } }))
        .status,
    ).toBe(200);
    await threadSays(chat.ts, /Bob Martin asked the supervisors for help: refund &lt;over&gt; the limit/);
    const carolCard = await w.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === 'D0CAROL' &&
        hasAction(c, 'participate') &&
        hasAction(c, 'monitor'),
    );
    expect((await cmd('U0BOB', 'assist')).text).toMatch(/already open/);
    await w.slack.click('U0CAROL', 'monitor', iid(inviteIdIn(carolCard)), {
      channel: 'D0CAROL',
      ts: w.fake.messages('D0CAROL').at(-1)!.ts,
    });
    await threadSays(chat.ts, /Carol Lefèvre answered the help request and joined as monitor/);

    // Leave: Bob by command; Alice cannot (she owns it) and is told what to do instead.
    expect((await cmd('U0BOB', `leave ${(await w.h.service.ctx.store.sessions.get(chat.id))!.ref}`)).text).toMatch(
      /You left chat/,
    );
    await threadSays(chat.ts, /Bob Martin left the chat/);
    expect((await cmd('U0ALICE', 'leave')).text).toMatch(/release it, transfer it or end it/);
    expect(await members(chat.id)).toEqual(['alice:owner', 'carol:monitor']);
  });

  it('transfer to a colleague (declined, then accepted), release, a reasoned rejection, and transfer to a queue', async () => {
    w = await startSlackWorld();
    const chat = await startChat();

    // Transfer from the modal: the colleague searched as you type, a note.
    await w.slack.click('U0ALICE', 'transfer.open', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    const modal = await w.fake.waitFor(
      (c) => c.method === 'views.open' && /Transfer /.test(JSON.stringify(c.args.view)),
    );
    const view = modal.args.view as { callback_id: string; private_metadata: string };
    const options = await w.slack.interaction({
      type: 'block_suggestion',
      user: { id: 'U0ALICE' },
      action_id: 'agentId',
      block_id: 'agentId',
      value: 'da',
      view: { id: 'V1', callback_id: view.callback_id, private_metadata: view.private_metadata },
    });
    expect(options.json.options.map((o: { value: string }) => o.value)).toEqual(['dan']);
    // The colleague and the queue are each optional; both at once is refused in the modal, which stays open.
    const blocks = (modal.args.view as { blocks: Array<{ block_id?: string; optional?: boolean }> }).blocks;
    expect(blocks.filter((b) => b.block_id === 'agentId' || b.block_id === 'queueId').map((b) => b.optional)).toEqual([
      true,
      true,
    ]);
    const both = await submit('U0ALICE', modal, {
      agentId: { type: 'external_select', selected: 'dan' },
      queueId: { type: 'radio_buttons', selected: 'hr' },
    });
    expect(both.json).toMatchObject({ response_action: 'errors' });
    expect(
      (
        await submit('U0ALICE', modal, {
          agentId: { type: 'external_select', selected: 'dan' },
          note: { type: 'plain_text_input', value: 'my shift ends' },
        })
      ).status,
    ).toBe(200);
    const offer = await dmCard('D0DAN', 'accept.offer');
    expect(JSON.stringify(offer.args.blocks)).toMatch(/offers you a chat[\s\S]*my shift ends/);
    // Only Dan answers it.
    await w.slack.click('U0BOB', 'accept.offer', iid(inviteIdIn(offer)), {
      channel: 'D0DAN',
      ts: w.fake.messages('D0DAN')[0]!.ts,
    });
    await said('U0BOB', /for someone else/);
    await w.slack.click('U0DAN', 'reject', iid(inviteIdIn(offer)), {
      channel: 'D0DAN',
      ts: w.fake.messages('D0DAN')[0]!.ts,
    });
    await threadSays(chat.ts, /Dan Ortiz declined the chat/);
    expect((await w.h.service.ctx.store.sessions.get(chat.id))?.ownerId).toBe('alice');

    // Again, by command; a non-owner's transfer is refused.
    expect(
      (await cmd('U0BOB', `transfer dan ${(await w.h.service.ctx.store.sessions.get(chat.id))!.ref}`)).text,
    ).toMatch(/not a member|Only the chat owner/);
    expect((await cmd('U0ALICE', 'transfer dan@example.com')).text).toMatch(/Offered chat .* to Dan Ortiz/);
    await waitFor(
      () =>
        w.fake.calls('chat.postMessage').filter((c) => c.args.channel === 'D0DAN' && hasAction(c, 'accept.offer'))
          .length === 2,
      5000,
      'the second offer',
    );
    const second = w.fake
      .calls('chat.postMessage')
      .filter((c) => c.args.channel === 'D0DAN' && hasAction(c, 'accept.offer'))[1]!;
    await w.slack.click('U0DAN', 'accept.offer', iid(inviteIdIn(second)), {
      channel: 'D0DAN',
      ts: w.fake.messages('D0DAN')[1]!.ts,
    });
    await threadSays(chat.ts, /Dan Ortiz took over the chat from Alice Ng/);
    expect(await members(chat.id)).toEqual(['dan:owner']);
    // The end user sees who they talk to now.
    const seen = (await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, { token: chat.token })).body
      .messages as Array<{ kind: string; name?: string; action?: string }>;
    expect(seen.filter((m) => m.kind === 'participant').map((m) => `${m.name} ${m.action}`)).toEqual([
      'Alice joined',
      'Alice left',
      'Dan joined',
    ]);

    // Release, from the root's button: back to waiting, Accept again.
    await w.slack.click('U0DAN', 'release', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    await threadSays(chat.ts, /Dan Ortiz released the chat/);
    await w.fake.waitFor((c) => c.method === 'chat.update' && c.args.ts === chat.ts && hasAction(c, 'accept'));
    await w.slack.click('U0ALICE', 'accept', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.ownerId === 'alice',
      5000,
      'taken again',
    );

    // An invite with a note, rejected with a reason the inviter then reads.
    await cmd('U0ALICE', 'invite bob');
    const bobCard = await dmCard('D0BOB', 'reject.open');
    await w.slack.click('U0BOB', 'reject.open', iid(inviteIdIn(bobCard)), {
      channel: 'D0BOB',
      ts: w.fake.messages('D0BOB')[0]!.ts,
    });
    const why = await w.fake.waitFor(
      (c) => c.method === 'views.open' && /Reject the invite/.test(JSON.stringify(c.args.view)),
    );
    expect(
      (await submit('U0BOB', why, { reason: { type: 'plain_text_input', value: 'in a call until 3' } })).status,
    ).toBe(200);
    await waitFor(
      async () => (await w.h.service.ctx.store.invites.get(inviteIdIn(bobCard)))?.reason === 'in a call until 3',
      5000,
      'the reason',
    );
    await w.slack.click('U0ALICE', 'invites', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    await w.fake.waitFor((c) => c.method === 'views.open' && /in a call until 3/.test(JSON.stringify(c.args.view)));

    // Transfer to a queue, from the modal (no colleague picked): the old root says where it went.
    await w.slack.click('U0ALICE', 'transfer.open', sid(chat.id), { channel: CHANNEL, ts: chat.ts });
    const again = await w.fake.waitFor(
      (c) => c.method === 'views.open' && /Transfer /.test(JSON.stringify(c.args.view)) && c !== modal,
    );
    const moved = await submit('U0ALICE', again, {
      queueId: { type: 'radio_buttons', selected: 'hr' },
      note: { type: 'plain_text_input', value: 'payroll' },
    });
    expect(moved.json?.response_action).toBeUndefined();
    await w.fake.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === chat.ts && /transferred to HR/.test(JSON.stringify(c.args)),
    );
    expect(await w.h.service.ctx.store.sessions.get(chat.id)).toMatchObject({ status: 'waiting', queueId: 'hr' });
    expect(w.fake.violations).toEqual([]);
  });
});
