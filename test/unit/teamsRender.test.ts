import type { ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { activitiesOf, activityOf, MESSAGE_TEXT_MAX } from '../../adapters/teams/activity.js';
import { type AdaptiveCard, ALONE, card, MAX_ACTIONS, messageText } from '../../adapters/teams/render/adaptiveCard.js';
import { escapeTeamsMarkdown, markdown } from '../../adapters/teams/render/markdown.js';
import { entryLine } from '../../src/app/surfaces/entryLines.js';
import { homeSurface } from '../../src/app/surfaces/home.js';
import { fieldsSubmit, line } from '../../src/app/surfaces/surface.js';
import { at, link, plain } from '../../src/app/wording/index.js';
import { adaptiveCardValidator } from '../support/adaptiveCardSchema.js';
import { activeView, carolHome, recent, T0 } from '../support/fixtures.js';
import { haveSpecs } from '../support/specs.js';
import { activeLines, allSurfaces, entries } from '../support/surfaces.js';

type Json = Record<string, unknown>;
/** Every node of a card, depth first. */
function nodes(n: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(n))
    n.forEach((x) => {
      nodes(x, out);
    });
  else if (n && typeof n === 'object') {
    out.push(n as Json);
    Object.values(n).forEach((x) => {
      nodes(x, out);
    });
  }
  return out;
}

describe('Adaptive Card rendering of every surface', () => {
  it.each(allSurfaces())('%s', (_name, s) => {
    expect(card(s)).toMatchSnapshot();
  });

  it('never colours text Warning (yellow on white is unreadable)', () => {
    for (const [name, s] of allSurfaces())
      expect(
        nodes(card(s)).filter((n) => n.color === 'Warning' || n.style === 'warning'),
        name,
      ).toEqual([]);
  });

  it('shows at most five buttons in any row, the rarer ones under More, the main ones (End chat) in sight', () => {
    for (const [name, s] of allSurfaces()) {
      const c = card(s);
      for (const set of nodes(c).filter((n) => Array.isArray(n.actions)))
        expect((set.actions as unknown[]).length, name).toBeLessThanOrEqual(MAX_ACTIONS);
      // Every button that unfolds something points at an element of the card, and ids are unique.
      const ids = nodes(c)
        .filter((n) => typeof n.id === 'string' && n.type === 'Container')
        .map((n) => n.id);
      expect(new Set(ids).size, name).toBe(ids.length);
      for (const t of nodes(c).filter((n) => n.type === 'Action.ToggleVisibility'))
        expect(ids, name).toEqual(expect.arrayContaining(t.targetElements as string[]));
    }
    // The owner's card of a chat with a monitor and invites: seven buttons.
    const root = card(allSurfaces().find(([n]) => n === 'root active, channel')![1]);
    const rows = nodes(root)
      .filter((n) => n.type === 'ActionSet')
      .map((n) => (n.actions as Json[]).map((a) => String(a.title)));
    expect(rows[0]).toEqual(['Invite', 'Invites (1 waiting)', 'Transfer', 'End chat', 'More…']);
    expect(rows.flat()).toEqual(expect.arrayContaining(['Release', 'Ask for help', 'Promote']));
    // End chat is destructive, and its question has Cancel.
    const end = nodes(root).find((n) => n.title === 'End chat')!;
    expect(end).toMatchObject({ type: 'Action.ToggleVisibility', style: 'destructive' });
    const asked = nodes(root).find((n) => n.id === (end.targetElements as string[])[0])!;
    expect(
      nodes(asked)
        .filter((n) => n.type === 'Action.Execute' || n.type === 'Action.ToggleVisibility')
        .map((n) => `${String(n.title)}:${String(n.type)}`),
    ).toEqual(['End chat:Action.Execute', 'Cancel:Action.ToggleVisibility']);
  });

  it('lists the commands one block each, usage over meaning (never in a narrow column of facts)', () => {
    const help = card(allSurfaces().find(([n]) => n === 'help')![1]);
    expect(nodes(help).filter((n) => n.type === 'FactSet')).toEqual([]);
    const usage = nodes(help).find((n) => n.type === 'TextBlock' && String(n.text).startsWith('**invite'))!;
    expect(usage).toMatchObject({
      wrap: true,
      text: '**invite &lt;name|email|@mention|anyone&gt; \\[participant|monitor\\] \\[ref\\]**\n\nInvite a colleague into a chat (as participant unless you say monitor), or anyone available in its queue.',
    });
  });

  it("asks Teams for each viewer's own version of a shared card, when it knows their Teams ids", () => {
    const root = allSurfaces().find(([n]) => n === 'root active, channel')![1];
    expect(card(root).refresh).toBeUndefined();
    const ids = Array.from({ length: 70 }, (_, i) => `29:u${i}`);
    const c = card(root, { userIds: ids });
    expect(c.refresh).toEqual({
      action: {
        type: 'Action.Execute',
        verb: 'chat.show',
        data: { sessionId: activeView.session.id, verb: 'chat.show' },
      },
      userIds: ids.slice(0, 60),
    });
    expect(
      card(allSurfaces().find(([n]) => n === "root active, a monitor's copy")![1], { userIds: ids }).refresh,
    ).toBeUndefined();
  });

  it('says what is missing on every required input (errorMessage)', () => {
    for (const [name, s] of allSurfaces()) {
      for (const i of nodes(card(s)).filter((n) => String(n.type).startsWith('Input.') && n.isRequired))
        expect(i.errorMessage, `${name}: ${String(i.id)}`).toEqual(expect.any(String));
    }
  });

  it('shows a few choices as radio buttons and many in a drop-down, all of them', () => {
    const many = nodes(card(allSurfaces().find(([n]) => n === 'transfer form, 120 queues, filled in')![1])).find(
      (n) => n.id === 'queueId',
    )!;
    expect(many).toMatchObject({ style: 'compact', value: 'q7', isRequired: false });
    expect((many.choices as unknown[]).length).toBe(120);
    const few = nodes(card(allSurfaces().find(([n]) => n === 'invite form')![1])).find((n) => n.id === 'mode')!;
    expect(few).toMatchObject({ style: 'expanded', isRequired: true, errorMessage: 'Choose one, please.' });
  });

  it("ends a form with its submit and Cancel side by side (the way back to the chat's card), not a Back under it", () => {
    for (const [name, s] of allSurfaces().filter(([, x]) => x.kind === 'dialog' && x.back)) {
      const sets = nodes(card(s)).filter((n) => n.type === 'ActionSet');
      const last = (sets.at(-1)!.actions as Json[]).map((a) => a.title);
      if (s.submit && !fieldsSubmit(s)) expect(last, name).toEqual([plain(s.submit.label), 'Cancel']);
      else expect(last.at(-1), name).toBe(s.submit ? 'Cancel' : 'Back');
    }
    const end = card(allSurfaces().find(([n]) => n === 'end form')![1]);
    expect(
      (
        nodes(end)
          .filter((n) => n.type === 'ActionSet')
          .at(-1)!.actions as Json[]
      ).map((a) => a.title),
    ).toEqual(['End chat', 'Cancel']);
  });

  it('draws a form posted on its own (a command answered with it) without a way back, its buttons marked so', () => {
    const form = allSurfaces().find(([n]) => n === 'canned picker')![1];
    const alone = card(form, { alone: true });
    const executes = nodes(alone).filter((n) => n.type === 'Action.Execute');
    expect(executes.map((a) => a.verb)).toEqual(['canned.send']);
    expect(executes.every((a) => (a.data as Json)[ALONE] === true)).toBe(true);
    // Drawn in place of the chat's card, it keeps its Cancel, and nothing is marked.
    const inPlace = card(form);
    expect(
      nodes(inPlace)
        .filter((n) => n.type === 'Action.Execute')
        .map((a) => a.verb),
    ).toEqual(['canned.send', 'chat.show']);
    expect(JSON.stringify(inPlace)).not.toContain(ALONE);
  });

  it('gives every Action.Execute an Action.Submit fallback with the same verb and data', () => {
    for (const [name, s] of allSurfaces()) {
      for (const a of nodes(card(s)).filter((n) => n.type === 'Action.Execute')) {
        expect(a.fallback, name).toEqual(expect.objectContaining({ type: 'Action.Submit', data: a.data }));
        expect((a.data as Json).verb, name).toBe(a.verb);
      }
    }
  });
});

describe.skipIf(!haveSpecs)('Adaptive Card 1.5 schema', () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    validate = adaptiveCardValidator()!;
  });
  it.each(allSurfaces())('%s validates', (_name, s) => {
    const c: AdaptiveCard = card(s);
    expect(validate(c) ? [] : validate.errors?.slice(0, 5)).toEqual([]);
  });
  it('the validator rejects an invalid card (so these checks can fail)', () => {
    expect(validate({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock' }] })).toBe(false);
  });
});

describe('Teams markdown', () => {
  it('keeps what anyone typed literal: no formatting, mentions, links, HTML or card functions', () => {
    expect(escapeTeamsMarkdown('**b** _i_ <at>x</at> [l](u) {{DATE(x)}}\n- item\n1. one')).toBe(
      '\\*\\*b\\*\\* \\_i\\_ &lt;at&gt;x&lt;/at&gt; \\[l\\](u) \\{\\{DATE(x)\\}\\}\n\\- item\n1\\. one',
    );
    expect(escapeTeamsMarkdown('plain words, fine.')).toBe('plain words, fine.');
  });
  it('shows each line of several on its own line: Teams joins lines split by one line break, in messages and on cards', () => {
    const typed = ['first line\nsecond line\n    indented\n\tand tabbed'];
    const shown = 'first line\n\nsecond line\n\n\u00a0\u00a0\u00a0\u00a0indented\n\n\u00a0\u00a0\u00a0\u00a0and tabbed';
    expect(markdown(typed, 'message')).toBe(shown);
    expect(markdown(typed, 'card')).toBe(shown);
    // A thread line is one markdown message; merged lines (a destination that fell behind) too.
    expect(messageText(line(['a\nb']))).toBe('a\n\nb');
  });
  it("shows times with the client's date functions on cards, and in UTC in plain messages", () => {
    expect(markdown([at(T0)], 'card')).toBe('{{DATE(2026-01-15T09:30:00Z, SHORT)}} {{TIME(2026-01-15T09:30:00Z)}}');
    expect(markdown([at(T0)], 'message')).toBe('2026-01-15 09:30 UTC');
  });
  it('makes a link that cannot break out of its brackets', () => {
    expect(markdown([link('https://x.example/a (b)', 'a]b')], 'message')).toBe(
      '[a\\]b](https://x.example/a%20%28b%29)',
    );
  });
});

describe('activities', () => {
  it('name the owner in a breach warning so Teams notifies them (an <at> with its mention entity), by their Entra id', () => {
    const withTeams = {
      ...activeLines,
      agent: (id: string) => {
        const a = activeLines.agent(id);
        return a && id === 'alice' ? { ...a, settings: { ...a.settings, teams: { aadObjectId: 'aad-alice' } } } : a;
      },
    };
    const warning = entryLine(entries.responseLate!, withTeams)!;
    expect(activityOf(warning)).toMatchObject({
      text: expect.stringContaining('⏰ <at>Alice Ng</at>: Jane Doe has waited 4 min 5 s'),
      entities: [{ type: 'mention', text: '<at>Alice Ng</at>', mentioned: { id: 'aad-alice', name: 'Alice Ng' } }],
    });
    // Someone Teams does not know is named in bold, with nothing to notify; so is anyone on a card.
    const unknown = activityOf(entryLine(entries.responseLate!, activeLines)!);
    expect(unknown.text).toContain('**@Alice Ng**');
    expect(unknown.entities).toBeUndefined();
    expect(
      markdown(
        warning.blocks.flatMap((b) => (b.type === 'text' ? b.text : [])),
        'card',
      ),
    ).toContain('**@Alice Ng**');
  });

  it('post a plain line as a markdown message, and anything with buttons as a card', () => {
    expect(activityOf(entryLine(recent[0]!, activeLines)!)).toEqual({
      type: 'message',
      text: '**Jane Doe:** Hi, my VPN is down since this morning.',
      textFormat: 'markdown',
    });
    const root = activityOf(allSurfaces()[1]![1]);
    expect(root.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(root.summary).toMatch(/^Chat K7Q2XD from Jane Doe/);
  });
  it('cap a long list at ten items and say how many are left out', () => {
    const many = { ...carolHome, chats: Array(25).fill(activeView) };
    const text = JSON.stringify(card(homeSurface(many)));
    expect(text).toContain('…and 15 more not shown.');
  });
  it('carry a text too long for one message as several, in order, each within the limit, losing nothing', () => {
    // A Slack agent may write 40,000 characters; here 12,000 that escaping makes four times longer.
    const text = `${'<'.repeat(6000)} ${'>'.repeat(6000)}`;
    const out = activitiesOf(entryLine({ ...recent[1]!, text }, activeLines)!);
    expect(out.length).toBe(3);
    for (const a of out) expect(String(a.text).length).toBeLessThanOrEqual(MESSAGE_TEXT_MAX);
    expect(out.map((a) => a.text).join('')).toBe(`**Alice Ng:** ${'&lt;'.repeat(6000)} ${'&gt;'.repeat(6000)}`);
    expect(out.every((a) => !/&[lg]?t?$/.test(String(a.text)))).toBe(true);
    // A message that fits stays one, and a plain & costs no room (only one that could start an entity is escaped).
    expect(activitiesOf(entryLine({ ...recent[0]!, text: 'AT&T & &amp; &#60;' }, activeLines)!)).toEqual([
      { type: 'message', textFormat: 'markdown', text: '**Jane Doe:** AT&amp;T & &amp;amp; &amp;\\#60;' },
    ]);
  });
});
