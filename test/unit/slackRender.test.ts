import { describe, expect, it } from 'vitest';
import { fitBlocks, home, message, modal } from '../../adapters/slack/render/blockKit.js';
import { escapeMrkdwn, LIMITS, mrkdwn, truncate, truncateMrkdwn } from '../../adapters/slack/render/mrkdwn.js';
import { entryLine } from '../../src/app/surfaces/entryLines.js';
import { homeSurface } from '../../src/app/surfaces/home.js';
import { rootSurface } from '../../src/app/surfaces/root.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import { at, link } from '../../src/app/wording/index.js';
import { limitViolations } from '../support/blockKitLimits.js';
import { activeView, carolHome, inviteViews, recent, T0 } from '../support/fixtures.js';
import { activeLines, allSurfaces } from '../support/surfaces.js';

const render = (s: Surface) => (s.kind === 'dialog' ? modal(s) : s.kind === 'home' ? home(s) : message(s));

describe('Block Kit rendering of every surface', () => {
  it.each(allSurfaces())('%s', (_name, s) => {
    const out = render(s);
    expect(limitViolations(out, s.kind === 'dialog' || s.kind === 'home' ? 'view' : 'message')).toEqual([]);
    expect(out).toMatchSnapshot();
  });
});

describe('mrkdwn', () => {
  it('keeps what anyone typed inert: no channel pings, mentions or disguised links', () => {
    expect(mrkdwn(['<!channel> <@U1> & <http://evil|innocent>'])).toBe(
      '&lt;!channel&gt; &lt;@U1&gt; &amp; &lt;http://evil|innocent&gt;',
    );
    expect(escapeMrkdwn('a < b')).toBe('a &lt; b');
  });
  it("formats only through structure: strong, times in the reader's zone, safe links", () => {
    expect(mrkdwn([{ strong: ['a*b'] }])).toBe('*a*b*');
    expect(mrkdwn([at(T0)])).toBe('<!date^1768469400^{date_short_pretty} {time}|2026-01-15 09:30 UTC>');
    expect(mrkdwn([link('https://x.example/a b|c>', 'Lab<el>')])).toBe(
      '<https://x.example/a%20b%7Cc%3E|Lab&lt;el&gt;>',
    );
  });
  it('cuts with an ellipsis, never half a surrogate pair or half an entity', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncateMrkdwn('aaaa &amp; bbbb', 8)).toBe('aaaa…');
  });
});

describe('messages', () => {
  it('post a plain line as text alone, and anything richer as blocks with a fallback', () => {
    const line = message(entryLine(recent[0]!, activeLines)!);
    expect(line).toEqual({ text: '*Jane Doe:* Hi, my VPN is down since this morning.' });
    const root = message(rootSurface(activeView, { shared: true }));
    expect(root.text).toMatch(/^Chat K7Q2XD from Jane Doe in IT Support/);
    expect(root.blocks?.length).toBeGreaterThan(1);
  });
  it('keep a 100,000-character message whole, within limits and inert: past 40,000 characters, in sections', () => {
    const huge = { ...recent[0]!, text: `<!channel> ${'x '.repeat(50_000)}` };
    const out = message(entryLine(huge, activeLines)!);
    expect(out.text.length).toBeLessThanOrEqual(LIMITS.messageText);
    expect(out.text).not.toContain('<!channel>');
    expect(limitViolations(out, 'message')).toEqual([]);
    const sections = (out.blocks ?? []).map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''));
    expect(sections.join('')).toBe(`*Jane Doe:* &lt;!channel&gt; ${'x '.repeat(50_000)}`);
  });
  it('keep a line whose escaping makes it longer whole: as text up to 40,000 characters, cut nowhere inside an entity', () => {
    expect(message(entryLine({ ...recent[0]!, text: '&<>'.repeat(1330) }, activeLines)!)).toEqual({
      text: `*Jane Doe:* ${'&amp;&lt;&gt;'.repeat(1330)}`,
    });
    const out = message(entryLine({ ...recent[0]!, text: '&'.repeat(20_000) }, activeLines)!);
    expect(limitViolations(out, 'message')).toEqual([]);
    const sections = (out.blocks ?? []).map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''));
    expect(sections.every((t) => /^(\*Jane Doe:\* )?(&amp;)+$/.test(t))).toBe(true);
    expect(sections.join('')).toBe(`*Jane Doe:* ${'&amp;'.repeat(20_000)}`);
  });
  it('split a long line on a card (a file goes with it) into sections, losing nothing', () => {
    const text = 'word '.repeat(1000);
    const out = message(entryLine({ ...recent[0]!, text, file: { id: 'F1', name: 'a.txt', size: 3 } }, activeLines)!);
    expect(limitViolations(out, 'message')).toEqual([]);
    const sections = (out.blocks ?? [])
      .filter((b) => b.type === 'section')
      .map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''));
    expect(sections.length).toBe(2);
    expect(sections.join('')).toBe(`*Jane Doe:* ${text}`);
  });
  it('encode each button as its verb and data, unique within its block', () => {
    const out = message(rootSurface(activeView, { shared: true }));
    const buttons = JSON.parse(JSON.stringify(out.blocks))
      .flatMap((b: { elements?: Array<{ action_id?: string; value?: string }> }) => b.elements ?? [])
      .filter((e: { action_id?: string }) => e.action_id);
    expect(buttons.map((b: { action_id: string }) => b.action_id)).toEqual([
      'sb:invite.open',
      'sb:invites',
      'sb:transfer.open',
      'sb:canned.open',
      'sb:release',
      'sb:assist.open',
      'sb:promote.open',
      'sb:end',
    ]);
    expect(JSON.parse(buttons[0].value)).toEqual({ sessionId: activeView.session.id });
    const card = message({
      ...rootSurface(activeView, { shared: true }),
      blocks: [
        {
          type: 'actions',
          actions: [...Array(2)].map(() => ({ label: ['x'], call: { verb: 'accept', data: { sessionId: 's' } } })),
        },
      ],
    });
    expect(JSON.stringify(card.blocks)).toContain('"action_id":"sb:accept#1"');
  });
});

describe('fitting long lists', () => {
  it('keeps a home of 200 invites, chats and watched chats within 100 blocks, every list ending with how many are left out', () => {
    const many = {
      ...carolHome,
      invites: Array(200).fill(carolHome.invites[0]!),
      chats: Array(200).fill(activeView),
      monitoring: Array(200).fill(activeView),
    };
    const blocks = fitBlocks(homeSurface(many), LIMITS.viewBlocks);
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.viewBlocks);
    const text = JSON.stringify(blocks);
    for (const title of ['Invites (200)', 'My chats (200)', 'Monitoring (200)']) expect(text).toContain(title);
    expect(text.match(/more not shown/g)).toHaveLength(3);
  });
});

describe('modals', () => {
  it('offer every one of many choices in a menu that filters as you type (radio buttons hold 10), the agent picker optional when a queue can be chosen instead', () => {
    const m = modal(allSurfaces().find(([n]) => n === 'transfer form, 120 queues, filled in')![1]);
    const input = (id: string) =>
      m.blocks.find((b) => b.block_id === id) as unknown as { optional?: boolean; element: Record<string, unknown> };
    const queue = input('queueId');
    expect(queue.optional).toBe(true);
    expect(queue.element.type).toBe('static_select');
    const groups = queue.element.option_groups as Array<{ options: Array<{ value: string }> }>;
    expect(groups.flatMap((g) => g.options.map((o) => o.value))).toEqual(
      Array.from({ length: 120 }, (_, i) => `q${i}`),
    );
    expect((queue.element.initial_option as { value: string }).value).toBe('q7');
    expect(input('agentId').optional).toBe(true);
    expect(input('note').element.initial_value).toBe('Needs a Spanish speaker');
    expect(limitViolations(m, 'view')).toEqual([]);
  });

  it('carry back the submit and search calls, with a title Slack accepts', () => {
    const s = allSurfaces().find(([n]) => n === 'invite form')![1];
    const m = modal(s);
    expect(m.title.text.length).toBeLessThanOrEqual(LIMITS.viewTitle);
    expect(JSON.parse(m.private_metadata!)).toEqual({
      submit: { verb: 'invite.send', data: { sessionId: activeView.session.id } },
      search: { verb: 'invite.search', data: { sessionId: activeView.session.id } },
    });
    expect(JSON.stringify(m.blocks)).toContain('"type":"external_select"');
  });
});

it('the limit checker finds what it should (so the checks above can fail)', () => {
  const bad = {
    text: 'x',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(200) } },
      ...Array(60).fill({ type: 'divider' }),
    ],
  };
  expect(limitViolations(bad, 'message').length).toBeGreaterThanOrEqual(2);
  expect(inviteViews.pendingParticipant.invite.status).toBe('pending');
});
