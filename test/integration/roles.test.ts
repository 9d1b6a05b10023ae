import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/app/dispatch/index.js';
import * as invites from '../../src/app/invites.js';
import * as sessions from '../../src/app/sessions.js';
import { homeSurface } from '../../src/app/surfaces/home.js';
import { rootSurface } from '../../src/app/surfaces/root.js';
import type { Action, Block, Surface } from '../../src/app/surfaces/surface.js';
import { homeView, sessionView } from '../../src/app/views.js';
import { plain } from '../../src/app/wording/index.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * Every viewer's copy of a chat offers only what the policy lets them do: each button on
 * it, clicked by that viewer through the dispatcher, is carried out, never refused.
 */
let h: Harness;
let sessionId = '';
beforeAll(async () => {
  h = await startHarness();
  const ctx = h.service.ctx;
  const dir = ctx.directory.get();
  sessionId = (await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' } })).session.id;
  await sessions.accept(ctx, sessionId, dir.agent('alice'));
  const inv = await invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'bob', mode: 'participant' });
  await invites.answerInvite(ctx, inv.id, dir.agent('bob'), 'participate');
  await invites.supervisorJoin(ctx, sessionId, dir.agent('carol'), 'monitor');
});
afterAll(async () => h?.stop());

const actionsOf = (s: Surface): Action[] => {
  const out: Action[] = [];
  const walk = (b: Block) => {
    if (b.type === 'actions') out.push(...b.actions);
    if (b.type === 'text' && b.accessory) out.push(b.accessory);
    if (b.type === 'list') b.items.flat().forEach(walk);
  };
  s.blocks.forEach(walk);
  return out;
};

/** The actions one agent is offered on their copy of the chat and on their home's entry for it. */
async function offered(agentId: string): Promise<Action[]> {
  const ctx = h.service.ctx;
  const view = await sessionView(ctx, sessionId);
  const home = homeSurface(await homeView(ctx, ctx.directory.get().agent(agentId)!));
  const onHome = actionsOf(home).filter((a) => (a.call.data as { sessionId?: string }).sessionId === sessionId);
  // The same button on both counts once (a home's names its list); leaving, releasing and
  // ending go last, in that order: each changes the chat under the other clicks.
  const same = (a: Action) => JSON.stringify({ ...a.call, data: { ...(a.call.data as object), from: undefined } });
  const unique = new Map([...actionsOf(rootSurface(view, { agentId })), ...onHome].map((a) => [same(a), a]));
  const last = ['leave', 'release', 'end'];
  return [...unique.values()].sort((a, b) => last.indexOf(a.call.verb) - last.indexOf(b.call.verb));
}

describe('each role is offered exactly what it may do', () => {
  it.each([
    ['an agent outside the chat', 'dan', []],
    ['a monitor (and supervisor)', 'carol', ['Participate', 'Leave']],
    ['a participant', 'bob', ['Invite', 'Canned reply', 'Ask for help', 'Leave']],
    // Last: the owner releases the chat, takes it again, and ends it.
    ['the owner', 'alice', ['Invite', 'Invites', 'Transfer', 'Canned reply', 'Release', 'Ask for help', 'End chat']],
  ])('%s', async (_role, agentId, labels) => {
    const actions = await offered(agentId);
    expect([...new Set(actions.map((a) => plain(a.label)))].sort()).toEqual([...labels].sort());
    const agent = h.service.ctx.directory.get().agent(agentId);
    for (const a of actions) {
      // Released, the chat waits: its owner takes it back to end it.
      if (a.call.verb === 'end') await sessions.accept(h.service.ctx, sessionId, agent).catch(() => undefined);
      const out = await dispatch(
        h.service.ctx,
        { kind: 'click', agent, verb: a.call.verb, data: a.call.data },
        { prefix: '/chat' },
      );
      expect(
        out.notice?.tone,
        `${agentId} clicking ${plain(a.label)}: ${out.notice ? plain(out.notice.text) : ''}`,
      ).not.toBe('attention');
    }
  });
});

describe('a button offered is one that can be used', () => {
  it("Ask for help is not offered to the queue's only supervisor, nor while every supervisor is in the chat", async () => {
    const ctx = h.service.ctx;
    const dir = ctx.directory.get();
    // Carol supervises HR alone; she owns a chat there.
    const { session } = await sessions.createSession(ctx, { queueId: 'hr', user: { name: 'Yves' } });
    await sessions.accept(ctx, session.id, dir.agent('carol'));
    const labels = async (agentId: string) =>
      actionsOf(rootSurface(await sessionView(ctx, session.id), { agentId })).map((a) => plain(a.label));
    expect(await labels('carol')).not.toContain('Ask for help');
    expect(
      actionsOf(rootSurface(await sessionView(ctx, session.id), { shared: true })).map((a) => plain(a.label)),
    ).not.toContain('Ask for help');
    // Erin joins as participant: the one she could ask, Carol, is in the chat already.
    const inv = await invites.invite(ctx, {
      sessionId: session.id,
      inviterId: 'carol',
      inviteeId: 'erin',
      mode: 'participant',
    });
    await invites.answerInvite(ctx, inv.id, dir.agent('erin'), 'participate');
    expect(await labels('erin')).not.toContain('Ask for help');
    await expect(invites.requestHelp(ctx, { sessionId: session.id, agentId: 'erin' })).rejects.toThrow(
      /already in this chat/,
    );
  });
});
