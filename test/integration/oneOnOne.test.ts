import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/app/dispatch/index.js';
import * as invites from '../../src/app/invites.js';
import * as sessions from '../../src/app/sessions.js';
import { plain, say } from '../../src/app/wording/index.js';
import { type Harness, startHarness } from '../support/harness.js';

/** Lines typed in an agent's 1:1 that mirrors chats: a message for the customer, or a command. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

const agent = (id: string) => h.service.ctx.directory.get().agent(id);
const line = (agentId: string, place: string, text: string) =>
  dispatch(h.service.ctx, { kind: 'reply', agent: agent(agentId), place, text, commandable: true }, { prefix: '/' });

async function chatIn(place: string) {
  const ctx = h.service.ctx;
  const { session } = await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' } });
  await sessions.accept(ctx, session.id, agent('alice'));
  await ctx.store.links.addMirrorChat(place, session.id);
  return session;
}

describe('a line in a 1:1 that could be a command', () => {
  it('asks "for the customer, or a command?" while the chat is active', async () => {
    await chatIn('rec:dm:alice:1');
    const out = await line('alice', 'rec:dm:alice:1', 'invite the new guy to look');
    expect(plain(out.open!.fallback)).toMatch(/^For the customer or a command/);
  });

  it('never offers to send to a chat that has ended: the line is a command', async () => {
    const s = await chatIn('rec:dm:alice:2');
    await sessions.endSession(h.service.ctx, s.id, 'alice');
    const out = await line('alice', 'rec:dm:alice:2', 'invite the new guy to look');
    expect(out.open).toBeUndefined();
    expect(plain(out.notice!.text)).toMatch(/^Chat [A-Z0-9]{6}: (Only active chats accept invites|No agent)/);
    // A plain message still hears why it went nowhere.
    expect(plain((await line('alice', 'rec:dm:alice:2', 'thanks, bye')).notice!.text)).toBe(say('refusal.ended.reply'));
  });
});

describe('a command without a ref', () => {
  it("finds the one chat it fits among the agent's chats: release, the one they own; leave, the ones they are in", async () => {
    const ctx = h.service.ctx;
    const open = async (owner: string) => {
      const { session } = await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' } });
      await sessions.accept(ctx, session.id, agent(owner));
      return session;
    };
    const own = await open('dan');
    const others = [await open('alice'), await open('bob')];
    for (const s of others) {
      const inv = await invites.invite(ctx, {
        sessionId: s.id,
        inviterId: s.id === others[0]!.id ? 'alice' : 'bob',
        inviteeId: 'dan',
        mode: 'participant',
      });
      await invites.answerInvite(ctx, inv.id, agent('dan'), 'participate');
    }
    const cmd = (text: string) =>
      dispatch(ctx, { kind: 'command', agent: agent('dan'), text, prefix: '/chat' }, { prefix: '/chat' });
    const leave = await cmd('leave');
    expect(plain(leave.notice!.text)).toBe(
      `You are in 2 chats (${others[1]!.ref}, ${others[0]!.ref}): add the reference of the one you mean at the end, as in “… ${others[1]!.ref}”.`,
    );
    const release = await cmd('release');
    expect(plain(release.notice!.text)).toBe(`You released chat ${own.ref}: it waits in IT Support again.`);
  });
});
