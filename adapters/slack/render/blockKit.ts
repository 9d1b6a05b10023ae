import type { Action, Block, Field, Option, Surface } from '../../../src/app/surfaces/surface.js';
import type { VerbCall } from '../../../src/app/verbs.js';
import { plain, type Rich, words } from '../../../src/app/wording/index.js';
import { LIMITS, mrkdwn, mrkdwnText, plainTextObject, splitMrkdwn, truncate, truncateMrkdwn } from './mrkdwn.js';
import type { Button, KnownBlock, ModalView, PlainTextOption, SlackHomeView, SlackMessage } from './types.js';

/**
 * Surfaces as Block Kit: messages, modals and the App Home. Every limit is enforced here.
 * What people wrote is never cut: a long text takes as many sections as it needs. Labels and
 * the like are cut with an ellipsis; long lists end with "…and N more".
 */

/** Every Switchboard button's action_id starts so; the rest is the verb. */
export const ACTION_PREFIX = 'sb:';
/** The callback_id of every Switchboard modal. */
export const DIALOG = 'sb:dialog';

/** What a modal carries back: the submit call, the picker's search call, and the call a choice redraws it with. */
export interface DialogMeta {
  submit?: VerbCall;
  search?: VerbCall;
  redraw?: VerbCall;
}

/** The action_id of a modal's choice that redraws the modal when chosen (its block_id stays the field's id). */
export const REDRAW_PREFIX = 'sbr:';

function button(a: Action, n: number): Button {
  const b: Button = {
    type: 'button',
    text: plainTextObject(a.label, LIMITS.buttonText),
    // Unique within its block, even when one verb appears twice.
    action_id: `${ACTION_PREFIX}${a.call.verb}${n > 0 ? `#${n}` : ''}`,
    value: JSON.stringify(a.call.data).slice(0, LIMITS.buttonValue),
  };
  if (a.style) b.style = a.style;
  if (a.confirm) {
    b.confirm = {
      title: plainTextObject(a.confirm.title, LIMITS.confirmTitle),
      text: plainTextObject(a.confirm.text, LIMITS.confirmText),
      confirm: plainTextObject(a.confirm.yes, LIMITS.confirmButton),
      deny: plainTextObject(a.confirm.no, LIMITS.confirmButton),
      ...(a.style === 'danger' ? { style: 'danger' as const } : {}),
    };
  }
  return b;
}

const context = (r: Rich): KnownBlock => ({ type: 'context', elements: [mrkdwnText(r)] });
/** Text as sections, as many as its length needs (the button, if any, on the first). */
function sections(r: Rich, accessory?: Action): KnownBlock[] {
  const parts = splitMrkdwn(mrkdwn(r), LIMITS.sectionText);
  return (parts.length > 0 ? parts : [' ']).map((text, i) => ({
    type: 'section',
    text: { type: 'mrkdwn', text },
    ...(accessory && i === 0 ? { accessory: button(accessory, 0) } : {}),
  }));
}

export const option = (o: Option): PlainTextOption => ({
  text: plainTextObject([o.label], LIMITS.optionText),
  value: o.value.slice(0, LIMITS.optionValue),
  ...(o.hint ? { description: plainTextObject([o.hint], LIMITS.optionText) } : {}),
});

/** Up to this many choices show as radio buttons (Slack takes 10); more as a menu. */
const RADIO_CHOICES = 5;
const chunks = <T>(xs: readonly T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

function input(f: Field): KnownBlock {
  const label = plainTextObject(f.label, LIMITS.inputLabel);
  switch (f.kind) {
    case 'agent':
      return {
        type: 'input',
        block_id: f.id,
        label,
        ...(f.optional ? { optional: true } : {}),
        element: {
          type: 'external_select',
          action_id: f.id,
          min_query_length: 0,
          placeholder: plainTextObject([f.placeholder], LIMITS.placeholder),
        },
      };
    case 'choice': {
      const options = f.options.map(option);
      const initial = options.find((o) => o.value === f.initial);
      const chosen = initial ? { initial_option: initial } : {};
      const optional = { ...(f.optional ? { optional: true } : {}), ...(f.redraw ? { dispatch_action: true } : {}) };
      const actionId = f.redraw ? `${REDRAW_PREFIX}${f.id}` : f.id;
      // A few choices as radio buttons; more in a menu that filters as you type, in groups past a menu's 100.
      if (options.length <= RADIO_CHOICES)
        return {
          type: 'input',
          block_id: f.id,
          label,
          ...optional,
          element: { type: 'radio_buttons', action_id: actionId, options, ...chosen },
        };
      const placeholder = plainTextObject([f.placeholder ?? plain(f.label)], LIMITS.placeholder);
      const listed =
        options.length <= LIMITS.options
          ? { options }
          : {
              option_groups: chunks(options, LIMITS.options)
                .slice(0, LIMITS.optionGroups)
                .map((group, i) => ({
                  label: plainTextObject(
                    [`${i * LIMITS.options + 1}–${i * LIMITS.options + group.length}`],
                    LIMITS.optionText,
                  ),
                  options: group,
                })),
            };
      return {
        type: 'input',
        block_id: f.id,
        label,
        ...optional,
        element: { type: 'static_select', action_id: actionId, placeholder, ...listed, ...chosen },
      };
    }
    case 'text':
      return {
        type: 'input',
        block_id: f.id,
        label,
        optional: f.optional,
        element: {
          type: 'plain_text_input',
          action_id: f.id,
          max_length: f.max,
          ...(f.multiline ? { multiline: true } : {}),
          ...(f.placeholder ? { placeholder: plainTextObject([f.placeholder], LIMITS.placeholder) } : {}),
          ...(f.initial ? { initial_value: f.initial } : {}),
        },
      };
  }
}

function quote(title: Rich, lines: Rich[]): KnownBlock {
  const head = `*${mrkdwn(title)}*`;
  // The newest lines matter most: drop the oldest until it fits.
  const quoted = lines.map((l) => `>${truncateMrkdwn(mrkdwn(l), 400)}`);
  while (quoted.length > 1 && head.length + quoted.join('\n').length + 1 > LIMITS.sectionText) quoted.shift();
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: truncateMrkdwn(`${head}\n${quoted.join('\n')}`, LIMITS.sectionText) },
  };
}

/** One block of a surface, as Block Kit blocks (lists are fitted separately). */
function blocks(b: Exclude<Block, { type: 'list' }>): KnownBlock[] {
  switch (b.type) {
    case 'header':
      return [{ type: 'header', text: plainTextObject(b.text, LIMITS.headerText) }];
    case 'text':
      return sections(b.text, b.accessory);
    case 'notice':
      return sections(b.text);
    case 'context':
      return [context(b.text)];
    // A file Switchboard holds is uploaded into the thread by the client; otherwise its link.
    case 'file':
      return [context(b.text)];
    case 'divider':
      return [{ type: 'divider' }];
    case 'quote':
      return [quote(b.title, b.lines)];
    case 'input':
      return [input(b.field)];
    case 'facts': {
      const out: KnownBlock[] = [];
      for (let i = 0; i < b.facts.length; i += LIMITS.fields) {
        const fields = b.facts
          .slice(i, i + LIMITS.fields)
          .map(([k, v]) => mrkdwnText([{ strong: k }, '\n', ...v], LIMITS.fieldText));
        out.push({ type: 'section', fields });
      }
      return out;
    }
    case 'actions':
      return [
        {
          type: 'actions',
          elements: b.actions
            .slice(0, LIMITS.actionsElements)
            .map((a, i) => button(a, b.actions.slice(0, i).filter((x) => x.call.verb === a.call.verb).length)),
        },
      ];
  }
}

/**
 * Fits a surface into `max` blocks. A list's items are kept whole and taken round-robin
 * across lists, so one long list cannot starve the others; a list that loses items ends
 * with "…and N more not shown".
 */
export function fitBlocks(surface: Surface, max: number): KnownBlock[] {
  type Part = { fixed: KnownBlock[] } | { head: KnownBlock[]; items: KnownBlock[][]; empty: KnownBlock[] };
  const parts: Part[] = surface.blocks.map(
    (b): Part =>
      b.type === 'list'
        ? {
            head: b.title ? [{ type: 'header', text: plainTextObject(b.title, LIMITS.headerText) }] : [],
            items: b.items.map((item) => item.flatMap((x) => (x.type === 'list' ? [] : blocks(x)))),
            empty: b.items.length === 0 && b.empty ? [context(b.empty)] : [],
          }
        : { fixed: blocks(b) },
  );
  const lists = parts.filter((p): p is Extract<Part, { items: KnownBlock[][] }> => 'items' in p);
  let budget =
    max -
    parts.reduce((n, p) => n + ('fixed' in p ? p.fixed.length : p.head.length + p.empty.length), 0) -
    lists.filter((l) => l.items.length > 0).length;
  const taken = new Map(lists.map((l) => [l, 0]));
  for (let progress = true; progress && budget > 0; ) {
    progress = false;
    for (const l of lists) {
      const next = l.items[taken.get(l)!];
      if (next && next.length <= budget) {
        budget -= next.length;
        taken.set(l, taken.get(l)! + 1);
        progress = true;
      }
    }
  }
  const out = parts.flatMap((p) => {
    if ('fixed' in p) return p.fixed;
    const n = taken.get(p)!;
    const left = p.items.length - n;
    return [
      ...p.head,
      ...p.empty,
      ...p.items.slice(0, n).flat(),
      ...(left > 0 ? [context(words('list.more', { n: left }))] : []),
    ];
  });
  return out.slice(0, max);
}

/**
 * A message: plain mrkdwn text when the surface is one line that fits Slack's 40,000
 * characters, else blocks (a longer line in as many sections as it takes) with the text,
 * shortened, as the notification's fallback.
 */
export function message(s: Surface): SlackMessage {
  const text = truncateMrkdwn(mrkdwn(s.fallback), LIMITS.messageText) || 'Switchboard';
  const single = s.blocks.length === 1 ? s.blocks[0]! : undefined;
  if (single?.type === 'text' && !single.accessory) {
    const whole = mrkdwn(single.text);
    if (whole.length <= LIMITS.messageText) return { text: whole || ' ' };
  }
  return { text, blocks: fitBlocks(s, LIMITS.messageBlocks) };
}

/** A dialog as a modal; what its submit and search need comes back in private_metadata. */
export function modal(s: Surface): ModalView {
  const meta: DialogMeta = {};
  if (s.submit) meta.submit = s.submit.call;
  for (const b of s.blocks) if (b.type === 'input' && b.field.kind === 'agent') meta.search = b.field.search;
  for (const b of s.blocks)
    if (b.type === 'input' && b.field.kind === 'choice' && b.field.redraw) meta.redraw = b.field.redraw;
  const title = plain(s.title ?? s.fallback);
  return {
    type: 'modal',
    callback_id: DIALOG,
    title: { type: 'plain_text', text: truncate(title, LIMITS.viewTitle) },
    ...(s.submit ? { submit: plainTextObject(s.submit.label, LIMITS.viewTitle) } : {}),
    close: plainTextObject(words(s.submit ? 'action.cancel' : 'action.close'), LIMITS.viewTitle),
    private_metadata: JSON.stringify(meta),
    blocks: fitBlocks(s, LIMITS.viewBlocks),
  };
}

export const home = (s: Surface): SlackHomeView => ({ type: 'home', blocks: fitBlocks(s, LIMITS.viewBlocks) });
