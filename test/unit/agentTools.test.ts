import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/app/grammar.js';
import { fillCanned, offeredReplies, searchCanned } from '../../src/domain/canned.js';
import { directorySchema } from '../../src/domain/directory.js';
import { checkOutcome, mayUseCanned } from '../../src/domain/policy.js';
import type { Session } from '../../src/domain/session.js';

const session = (status: Session['status']): Session => ({
  id: 's1',
  ref: 'K7Q2XD',
  queueId: 'q',
  status,
  endUser: { name: 'Zed' },
  createdAt: 0,
});

describe('canned replies', () => {
  it('fill the three placeholders and leave any other braces as written', () => {
    expect(
      fillCanned('Hi {user.name}, {agent.name} of {queue.name}. {user.email} {x}', {
        user: 'Zed',
        agent: 'Alice',
        queue: 'IT',
      }),
    ).toBe('Hi Zed, Alice of IT. {user.email} {x}');
    // A name with a placeholder in it is not filled again.
    expect(fillCanned('{user.name} / {agent.name}', { user: '{agent.name}', agent: 'A', queue: 'Q' })).toBe(
      '{agent.name} / A',
    );
  });
  it('are found by shortcut and title, every word matching', () => {
    const all = [
      { shortcut: 'vpn', title: 'VPN reset' },
      { shortcut: 'hello', title: 'Greeting' },
      { shortcut: 'vpn-mac', title: 'VPN on a Mac' },
    ].map((c) => ({ ...c, text: 't' }));
    expect(searchCanned(all, 'vpn').map((c) => c.shortcut)).toEqual(['vpn', 'vpn-mac']);
    expect(searchCanned(all, '/vpn MAC').map((c) => c.shortcut)).toEqual(['vpn-mac']);
    expect(searchCanned(all, 'greet').map((c) => c.shortcut)).toEqual(['hello']);
    expect(searchCanned(all, '').length).toBe(3);
    expect(searchCanned(all, 'refund')).toEqual([]);
  });
  it("offer the agent's own over the queue's with the same shortcut", () => {
    const out = offeredReplies(
      [
        { shortcut: 'bye', title: 'Q', text: 'q' },
        { shortcut: 'hi', title: 'Q', text: 'q' },
      ],
      [{ shortcut: 'bye', title: 'Mine', text: 'm' }],
    );
    expect(out.map((c) => [c.shortcut, c.source, c.title])).toEqual([
      ['bye', 'personal', 'Mine'],
      ['hi', 'queue', 'Q'],
    ]);
  });
  it('owners and participants of an active chat may send them; monitors, outsiders and other states may not', () => {
    expect(mayUseCanned(session('active'), { mode: 'owner' }).ok).toBe(true);
    expect(mayUseCanned(session('active'), { mode: 'participant' }).ok).toBe(true);
    expect(mayUseCanned(session('active'), { mode: 'monitor' })).toMatchObject({
      ok: false,
      code: 'forbidden',
      wording: 'forbidden.canned',
    });
    expect(mayUseCanned(session('active'), undefined)).toMatchObject({ ok: false, code: 'not_member' });
    expect(mayUseCanned(session('waiting'), { mode: 'owner' })).toMatchObject({ ok: false, code: 'not_active' });
    expect(mayUseCanned(session('ended'), { mode: 'owner' })).toMatchObject({ ok: false, code: 'not_active' });
  });
});

describe('the canned command', () => {
  it('sends by shortcut (with a ref), searches with words, adds and removes', () => {
    expect(parseCommand('canned hello')).toEqual({
      ok: true,
      command: { kind: 'canned', op: 'send', shortcut: 'hello', ref: undefined },
    });
    expect(parseCommand('/canned /hello k7q2xd')).toEqual({
      ok: true,
      command: { kind: 'canned', op: 'send', shortcut: 'hello', ref: 'K7Q2XD' },
    });
    expect(parseCommand('canned')).toEqual({
      ok: true,
      command: { kind: 'canned', op: 'search', query: undefined, ref: undefined },
    });
    expect(parseCommand('canned vpn reset')).toEqual({
      ok: true,
      command: { kind: 'canned', op: 'search', query: 'vpn reset', ref: undefined },
    });
    expect(parseCommand('canned add bye Goodbye | See you {user.name}\nTake care')).toEqual({
      ok: true,
      command: { kind: 'canned', op: 'add', shortcut: 'bye', title: 'Goodbye', text: 'See you {user.name}\nTake care' },
    });
    expect(parseCommand('canned add thx Thanks a lot')).toEqual({
      ok: true,
      command: { kind: 'canned', op: 'add', shortcut: 'thx', title: 'thx', text: 'Thanks a lot' },
    });
    expect(parseCommand('canned remove bye')).toEqual({
      ok: true,
      command: { kind: 'canned', op: 'remove', shortcut: 'bye' },
    });
    expect(parseCommand('canned add bye').ok).toBe(false);
    expect(parseCommand('canned remove').ok).toBe(false);
  });
});

describe('wrap-up outcomes', () => {
  it("must be one of the queue's; required only where people end chats and the queue lists some", () => {
    expect(checkOutcome(['resolved'], 'resolved', true).ok).toBe(true);
    expect(checkOutcome(['resolved'], 'solved', false)).toMatchObject({
      ok: false,
      code: 'invalid',
      wording: 'outcome.unknown',
    });
    expect(checkOutcome([], 'solved', false)).toMatchObject({ ok: false, code: 'invalid' });
    expect(checkOutcome(['resolved'], undefined, true)).toMatchObject({ ok: false, wording: 'outcome.missing' });
    expect(checkOutcome(['resolved'], undefined, false).ok).toBe(true);
    expect(checkOutcome([], undefined, true).ok).toBe(true);
  });
});

describe("the directory's agents' tools", () => {
  const parse = (queue: Record<string, unknown>) =>
    directorySchema().safeParse({ queues: [{ id: 'q', name: 'Q', ...queue }] });
  it('takes canned replies, targets, idle times and outcomes', () => {
    const r = parse({
      canned: [{ shortcut: 'Hello', title: 'Hi', text: 'Hi {user.name}' }],
      firstResponseSeconds: 60,
      nextResponseSeconds: 30,
      idleWarnSeconds: 60,
      idleEndSeconds: 120,
      outcomes: ['resolved'],
    });
    expect(r.success).toBe(true);
    expect(r.data?.queues[0]?.canned?.[0]?.shortcut).toBe('hello');
  });
  it.each([
    [
      'a duplicate shortcut',
      {
        canned: [
          { shortcut: 'a', title: 'A', text: 'a' },
          { shortcut: 'A', title: 'B', text: 'b' },
        ],
      },
      'duplicate shortcut',
    ],
    ['a shortcut with a space', { canned: [{ shortcut: 'a b', title: 'A', text: 'a' }] }, 'shortcut'],
    ['an empty text', { canned: [{ shortcut: 'a', title: 'A', text: ' ' }] }, ''],
    ['an unknown key in a reply', { canned: [{ shortcut: 'a', title: 'A', text: 'a', extra: 1 }] }, ''],
    [
      'idleEndSeconds not after idleWarnSeconds',
      { idleWarnSeconds: 60, idleEndSeconds: 60 },
      'more than idleWarnSeconds',
    ],
    ['a zero target', { firstResponseSeconds: 0 }, ''],
    ['a duplicate outcome', { outcomes: ['a', 'a'] }, 'duplicate outcome'],
    ['an outcome with spaces', { outcomes: ['not good'] }, ''],
  ])('refuses %s', (_what, queue, message) => {
    const r = parse(queue);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join(' ')).toContain(message);
  });
});
