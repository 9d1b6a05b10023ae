import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { dispatch } from '../../src/app/dispatch/index.js';
import * as invites from '../../src/app/invites.js';
import * as sessions from '../../src/app/sessions.js';
import { plain } from '../../src/app/wording/index.js';
import type { Harness } from '../support/harness.js';
import { startHarness } from '../support/harness.js';

/**
 * README "For agents and supervisors": a directory search shows an agent's name and email only to agents of that queue,
 * and only for a chat they may invite into. The picker, the search card and a name typed in
 * `invite` all search through invites.searchableAgents.
 */
let h: Harness;
afterEach(async () => h?.stop());

async function world() {
  h = await startHarness();
  const ctx = h.service.ctx;
  const dir = ctx.directory.get();
  const { session } = await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' }, text: 'help' });
  await sessions.accept(ctx, session.id, dir.agent('alice'));
  return { ctx, dir, id: session.id, ref: session.ref };
}

/** What a search shows `who`: the agent ids, or the refusal's code. */
const search = (ctx: AppContext, id: string, who: string, query = '') =>
  invites.inviteCandidates(ctx, id, who, query).then(
    (c) => c.map((x) => x.agent.id),
    (err: { code: string }) => err.code,
  );
/** What the search intent (Slack's picker, Teams' search card) answers `who`. */
const picker = async (ctx: AppContext, id: string, who: string) => {
  const out = await dispatch(
    ctx,
    {
      kind: 'search',
      agent: ctx.directory.get().agent(who),
      verb: 'invite.search',
      data: { sessionId: id },
      query: '',
    },
    { prefix: '/chat' },
  );
  return (out.options ?? []).map((o) => o.value).sort();
};

describe('directory scope of the invitee search', () => {
  it('shows the queue to the owner and participants of the active chat, and to no one else', async () => {
    const { ctx, dir, id } = await world();
    expect(await search(ctx, id, 'alice')).toEqual(['alice', 'bob', 'carol', 'dan', 'frank']);
    // With nothing typed yet, "anyone available" (`*`) comes too.
    expect(await picker(ctx, id, 'alice')).toEqual(['*', 'alice', 'bob', 'carol', 'dan', 'frank']);

    // Not in the chat: an agent of the queue, its supervisor, an agent of another queue.
    expect(await search(ctx, id, 'bob')).toBe('not_member');
    expect(await search(ctx, id, 'carol')).toBe('not_member');
    expect(await search(ctx, id, 'erin')).toBe('other_queue');
    expect(await picker(ctx, id, 'bob')).toEqual([]);

    // In the chat: a participant may search, a monitor may not, nor a participant from another queue.
    await sessions.joinAs(ctx, id, dir.agent('dan')!, 'participant', 'invite');
    await sessions.joinAs(ctx, id, dir.agent('bob')!, 'monitor', 'invite');
    await sessions.joinAs(ctx, id, dir.agent('erin')!, 'participant', 'invite');
    expect(await search(ctx, id, 'dan', 'car')).toEqual(['carol']);
    expect(await search(ctx, id, 'bob')).toBe('forbidden');
    expect(await search(ctx, id, 'erin')).toBe('other_queue');
    expect(await picker(ctx, id, 'erin')).toEqual([]);

    // Once the chat has ended, nobody.
    await sessions.endSession(ctx, id, 'alice');
    expect(await search(ctx, id, 'alice')).toBe('not_active');
  });

  it('a waiting chat is searched by no one', async () => {
    h = await startHarness();
    const { session } = await sessions.createSession(h.service.ctx, { queueId: 'it-support', user: { name: 'Zed' } });
    expect(await search(h.service.ctx, session.id, 'alice')).toBe('not_active');
  });

  it('a name typed in `invite` is looked up under the same rule: no names for outsiders', async () => {
    const { ctx, dir, id, ref } = await world();
    const command = async (who: string, text: string) => {
      const out = await dispatch(
        ctx,
        { kind: 'command', agent: dir.agent(who), text, mentions: [], prefix: '/chat' },
        { prefix: '/chat' },
      );
      return out.notice ? plain(out.notice.text) : '';
    };
    // "n" fits Alice Ng and Frank Nope: the owner is told both, an outsider neither.
    expect(await command('alice', `invite n ${ref}`)).toMatch(/Alice Ng, Frank Nope/);
    const outsider = await command('bob', `invite n ${ref}`);
    expect(outsider).toMatch(/not a member/);
    expect(outsider).not.toMatch(/Ng|Nope/);
    expect(await command('erin', `invite n ${ref}`)).not.toMatch(/Ng|Nope/);
    // An @mention names someone already: the invite's own rules answer.
    const mention = await dispatch(
      ctx,
      {
        kind: 'command',
        agent: dir.agent('bob'),
        text: `invite @dan ${ref}`,
        mentions: [{ text: '@dan', agentId: 'dan' }],
        prefix: '/chat',
      },
      { prefix: '/chat' },
    );
    expect(plain(mention.notice!.text)).toMatch(/not a member/);
    expect(await ctx.store.invites.list(id)).toEqual([]);
  });
});
