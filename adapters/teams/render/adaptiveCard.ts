import type { Action, Block, Field, Surface } from '../../../src/app/surfaces/surface.js';
import { fieldsSubmit, isPlainLine } from '../../../src/app/surfaces/surface.js';
import type { VerbCall } from '../../../src/app/verbs.js';
import { plain, type Rich, words } from '../../../src/app/wording/index.js';
import { markdown, title } from './markdown.js';

/**
 * Surfaces as Adaptive Cards 1.5 for Teams. Buttons are `Action.Execute` (the card is
 * refreshed for everyone with updateActivity) with an `Action.Submit` fallback for hosts
 * without Universal Actions; both carry the verb in their data. Colours stay readable:
 * Good and Attention only, never Warning-yellow text.
 */
export type Element = { type: string } & Record<string, unknown>;
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: '1.5';
  $schema: string;
  body: Element[];
  refresh?: { action: Element; userIds: string[] };
  fallbackText?: string;
  msteams?: { width: 'Full' };
}

export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Lists longer than this end with "…and N more not shown" (cards are limited to about 28 KB). */
const MAX_ITEMS = 10;
const MAX_OPTIONS = 15;
/** Up to this many choices show as radio buttons; more as a drop-down list. */
const EXPANDED_CHOICES = 5;

const text = (r: Rich, extra: Record<string, unknown> = {}): Element => ({
  type: 'TextBlock',
  text: markdown(r, 'card'),
  wrap: true,
  ...extra,
});
const small = (r: Rich): Element => text(r, { size: 'Small', isSubtle: true, spacing: 'Small' });

/**
 * The data key that marks a card posted as a message of its own (a form a command answered
 * with), not drawn in place of a chat's card or a list: see card()'s `alone`.
 */
export const ALONE = 'sbAlone';

/** Whether the card being drawn stands alone (rendering is synchronous: one card at a time). */
let drawingAlone = false;

function execute(a: Pick<Action, 'label' | 'style'>, c: VerbCall, associatedInputs?: 'auto' | 'none'): Element {
  const data = { ...(c.data as object), verb: c.verb, ...(drawingAlone ? { [ALONE]: true } : {}) };
  const style = a.style === 'primary' ? { style: 'positive' } : a.style === 'danger' ? { style: 'destructive' } : {};
  return {
    type: 'Action.Execute',
    title: title(a.label, 50),
    verb: c.verb,
    data,
    ...style,
    ...(associatedInputs ? { associatedInputs } : {}),
    fallback: { type: 'Action.Submit', title: title(a.label, 50), data, ...style },
  };
}

/**
 * At most this many buttons in a row: Adaptive Cards hosts may show no more (the official
 * renderer warns TooManyActions past its default 5; Teams hides the sixth behind "…").
 */
export const MAX_ACTIONS = 5;

/** Element ids, unique within the card being drawn (rendering is synchronous: one card at a time). */
let idSeq = 0;
const newId = (what: string): string => `${what}${++idSeq}`;

const toggle = (label: string, target: string, style?: string): Element => ({
  type: 'Action.ToggleVisibility',
  title: label,
  targetElements: [target],
  ...(style ? { style } : {}),
});

/**
 * A row of buttons, and what they unfold: a button that needs confirming unfolds the question
 * under the row, with its answer and Cancel (Teams has no confirm dialog); past MAX_ACTIONS,
 * the rarer buttons (`secondary`) unfold under More, so the main ones always show.
 */
function buttons(all: Action[]): Element[] {
  let shown = all;
  let rare: Action[] = [];
  if (all.length > MAX_ACTIONS) {
    const main = all.filter((a) => !a.secondary);
    shown = main.slice(0, MAX_ACTIONS - 1);
    rare = all.filter((a) => !shown.includes(a));
  }
  const row: Element[] = [];
  const unfolded: Element[] = [];
  for (const a of shown) {
    if (!a.confirm) {
      row.push(execute(a, a.call, 'none'));
      continue;
    }
    const id = newId('confirm');
    const yes = execute({ label: a.confirm.yes, ...(a.style ? { style: a.style } : {}) }, a.call, 'none');
    row.push(toggle(title(a.label, 50), id, a.style === 'danger' ? 'destructive' : undefined));
    unfolded.push({
      type: 'Container',
      id,
      isVisible: false,
      style: 'emphasis',
      items: [
        text(a.confirm.title, { weight: 'Bolder' }),
        text(a.confirm.text),
        actionSet([yes, toggle(title(a.confirm.no, 50), id)]),
      ],
    });
  }
  if (rare.length > 0) {
    const id = newId('more');
    row.push(toggle(plain(words('action.more')), id));
    unfolded.push({ type: 'Container', id, isVisible: false, items: buttons(rare) });
  }
  return [actionSet(row), ...unfolded];
}

const actionSet = (actions: Element[]): Element => ({ type: 'ActionSet', actions });

const NOTICE = { good: 'good', attention: 'attention', info: 'accent' } as const;

/** A required input says what is missing when the form is sent without it. */
const required = (optional: boolean | undefined) =>
  optional ? { isRequired: false } : { isRequired: true, errorMessage: plain(words('form.required')) };

function field(f: Field): Element[] {
  switch (f.kind) {
    case 'choice': {
      const many = f.options.length > EXPANDED_CHOICES;
      const style = many ? 'compact' : 'expanded';
      const set: Element = {
        type: 'Input.ChoiceSet',
        id: f.id,
        label: title(f.label),
        style,
        ...required(f.optional),
        ...(f.initial !== undefined ? { value: f.initial } : {}),
        ...(f.placeholder ? { placeholder: f.placeholder } : {}),
        choices: f.options.map((o) => ({ title: o.hint ? `${o.label} (${o.hint})` : o.label, value: o.value })),
      };
      // A choice with its own button sends the form with it (the form's other inputs too).
      return f.go ? [set, actionSet([execute(f.go, f.go.call, 'auto')])] : [set];
    }
    case 'text':
      return [
        {
          type: 'Input.Text',
          id: f.id,
          label: title(f.label),
          maxLength: f.max,
          ...required(f.optional),
          ...(f.multiline ? { isMultiline: true } : {}),
          ...(f.placeholder ? { placeholder: f.placeholder } : {}),
          ...(f.initial ? { value: f.initial } : {}),
        },
      ];
    case 'agent': {
      // No search-as-you-type here: a search box, then the matches, each with its own button.
      const out: Element[] = [
        {
          type: 'Input.Text',
          id: 'query',
          label: title(f.label),
          placeholder: f.placeholder,
          maxLength: 100,
          ...(f.query ? { value: f.query } : {}),
        },
        actionSet([execute({ label: words('action.search') }, f.search)]),
      ];
      const options = f.options ?? [];
      if (options.length === 0)
        out.push(small(f.query ? words('inviteForm.noMatch', { query: f.query }) : words('inviteForm.noAgents')));
      for (const o of options.slice(0, MAX_OPTIONS)) {
        const info: Element[] = [
          text([o.label], o.disabled ? { isSubtle: true } : {}),
          ...(o.hint ? [small([o.hint])] : []),
        ];
        const columns: Element[] = [
          { type: 'Column', width: 'stretch', items: info, verticalContentAlignment: 'Center' },
        ];
        if (!o.disabled) {
          const pick = { ...f.pick.call, data: { ...(f.pick.call.data as object), agentId: o.value } } as VerbCall;
          columns.push({
            type: 'Column',
            width: 'auto',
            verticalContentAlignment: 'Center',
            items: [actionSet([execute(f.pick, pick, 'auto')])],
          });
        }
        out.push({ type: 'ColumnSet', separator: true, columns });
      }
      if (options.length > MAX_OPTIONS) out.push(small(words('inviteForm.more', { n: options.length - MAX_OPTIONS })));
      return out;
    }
  }
}

function element(b: Block): Element[] {
  switch (b.type) {
    case 'header':
      return [text(b.text, { size: 'Medium', weight: 'Bolder' })];
    case 'text':
      return [text(b.text), ...(b.accessory ? buttons([b.accessory]) : [])];
    case 'context':
      return [small(b.text)];
    case 'file':
      return [
        small(b.text),
        actionSet([{ type: 'Action.OpenUrl', title: title(words('action.openFile'), 50), url: b.url }]),
      ];
    case 'facts':
      return [
        {
          type: 'FactSet',
          facts: b.facts.map(([k, v]) => ({ title: markdown(k, 'card'), value: markdown(v, 'card') })),
        },
      ];
    // The box carries the tone; the text keeps the default colour, readable on any theme.
    case 'notice':
      return [{ type: 'Container', style: NOTICE[b.tone], items: [text(b.text, { weight: 'Bolder' })] }];
    case 'quote':
      return [
        text(b.title, { weight: 'Bolder', spacing: 'Medium' }),
        {
          type: 'Container',
          style: 'emphasis',
          items: b.lines.map((l) => text(l, { size: 'Small', spacing: 'Small' })),
        },
      ];
    case 'actions':
      return buttons(b.actions);
    case 'divider':
      return [];
    case 'input':
      return field(b.field);
    case 'list': {
      const head = b.title
        ? [text(b.title, { size: 'Medium', weight: 'Bolder', separator: true, spacing: 'Large' })]
        : [];
      if (b.items.length === 0) return [...head, ...(b.empty ? [small(b.empty)] : [])];
      const items = b.items
        .slice(0, MAX_ITEMS)
        .map((item): Element => ({ type: 'Container', separator: true, items: item.flatMap(element) }));
      const more = b.items.length > MAX_ITEMS ? [small(words('list.more', { n: b.items.length - MAX_ITEMS }))] : [];
      return [...head, ...items, ...more];
    }
  }
}

/** Teams refreshes a card automatically for at most this many people. */
export const MAX_REFRESH_USERS = 60;

/**
 * A surface as a card. `userIds`: the Teams ids of its `viewers`, for whom Teams asks for
 * their own version (Universal Actions' user-specific views) whenever the card is shown or
 * updated; everyone else sees it as drawn. `alone`: the card is a message of its own (a form
 * a command answered with), not drawn in place of another: it has no Back, and its buttons say
 * so (ALONE), so that what a click shows replaces the form and nothing else (receiver/invoke.ts).
 */
export function card(s: Surface, o: { userIds?: readonly string[]; alone?: boolean } = {}): AdaptiveCard {
  idSeq = 0;
  drawingAlone = o.alone === true;
  try {
    return drawCard(s, o);
  } finally {
    drawingAlone = false;
  }
}

function drawCard(s: Surface, o: { userIds?: readonly string[]; alone?: boolean }): AdaptiveCard {
  const titled = s.title && s.blocks[0]?.type !== 'header' ? [text(s.title, { size: 'Medium', weight: 'Bolder' })] : [];
  const body = [...titled, ...s.blocks.flatMap(element)];
  // A form whose choices carry their own buttons (a picker's matches, a queue's Move) is sent by them; others end with their submit.
  const last: Element[] = [];
  if (s.submit && !fieldsSubmit(s)) last.push(execute(s.submit, s.submit.call, 'auto'));
  // Shown in place of a chat's card (to the one who clicked): the way back to it. Beside the
  // submit, as a form's Cancel (Slack's modal says Cancel too); Back where there is nothing to send.
  // A form posted on its own (`alone`) was drawn in place of nothing: it has no way back.
  if (s.back && !o.alone)
    last.push(execute({ label: words(s.submit ? 'action.cancel' : 'action.back') }, s.back, 'none'));
  if (last.length > 0) body.push(actionSet(last));
  const refresh =
    s.viewers && o.userIds && o.userIds.length > 0
      ? {
          refresh: {
            action: {
              type: 'Action.Execute',
              verb: s.viewers.call.verb,
              data: { ...(s.viewers.call.data as object), verb: s.viewers.call.verb },
            },
            userIds: o.userIds.slice(0, MAX_REFRESH_USERS),
          },
        }
      : {};
  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: '1.5',
    ...refresh,
    body,
    fallbackText: plain(s.fallback).slice(0, 500),
    msteams: { width: 'Full' },
  };
}

/** Whether a surface reads as a plain message (text only, nothing to click). */
export const isText = (s: Surface): boolean =>
  isPlainLine(s) || s.blocks.every((b) => (b.type === 'text' ? !b.accessory : b.type === 'context'));

/** A text-only surface as one markdown message. */
export const messageText = (s: Surface): string =>
  s.blocks
    .map((b) => (b.type === 'text' || b.type === 'context' ? markdown(b.text, 'message') : ''))
    .filter(Boolean)
    .join('\n\n');
