/** Small Block Kit element builders that enforce the limits of text.ts. */
import { LIMITS, safe, truncate, truncateMrkdwn } from './text.js';
import type { ActionsBlock, Button, ContextBlock, HeaderBlock, KnownBlock, MrkdwnElement, PlainTextElement, PlainTextOption, SectionBlock } from './types.js';

export const plain = (text: string, max: number): PlainTextElement => ({ type: 'plain_text', text: truncate(text, max) || ' ', emoji: true });
export const mrkdwn = (text: string, max: number = LIMITS.sectionText): MrkdwnElement => ({ type: 'mrkdwn', text: truncateMrkdwn(text, max) || ' ' });

export interface ButtonSpec {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

export function button(b: ButtonSpec): Button {
  const out: Button = {
    type: 'button',
    text: plain(b.text, LIMITS.buttonText),
    action_id: truncate(b.actionId, LIMITS.actionId),
    value: b.value.slice(0, LIMITS.buttonValue),
  };
  if (b.style) out.style = b.style;
  if (b.confirm) {
    out.confirm = {
      title: plain(b.confirm.title, LIMITS.confirmTitle),
      text: plain(b.confirm.text, LIMITS.confirmText),
      confirm: plain(b.confirm.confirm, LIMITS.confirmButton),
      deny: plain(b.confirm.deny, LIMITS.confirmButton),
    };
    if (b.style === 'danger') out.confirm.style = 'danger';
  }
  return out;
}

/** A section of mrkdwn (already escaped by the caller where it holds user text). */
export function section(text: string, extra: { fields?: string[]; accessory?: Button; blockId?: string } = {}): SectionBlock {
  const s: SectionBlock = { type: 'section', text: mrkdwn(text) };
  if (extra.fields?.length) s.fields = extra.fields.slice(0, LIMITS.fields).map((f) => mrkdwn(f, LIMITS.fieldText));
  if (extra.accessory) s.accessory = extra.accessory;
  if (extra.blockId) s.block_id = truncate(extra.blockId, LIMITS.blockId);
  return s;
}

export const context = (...texts: string[]): ContextBlock => ({
  type: 'context',
  elements: texts.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t)),
});

export const header = (text: string): HeaderBlock => ({ type: 'header', text: plain(text, LIMITS.headerText) });

export const divider = (): KnownBlock => ({ type: 'divider' });

export function actions(buttons: Button[], blockId?: string): ActionsBlock {
  const a: ActionsBlock = { type: 'actions', elements: buttons.slice(0, LIMITS.actionsElements) };
  if (blockId) a.block_id = truncate(blockId, LIMITS.blockId);
  return a;
}

export const option = (text: string, value: string, description?: string): PlainTextOption => {
  const o: PlainTextOption = { text: plain(text, LIMITS.optionText), value: value.slice(0, LIMITS.optionValue) };
  if (description) o.description = plain(description, LIMITS.optionText);
  return o;
};

/**
 * Keep at most `max` blocks. When blocks are dropped, the last kept one is a context line
 * saying how many were left out (`more(n)`), so the reader knows the list is incomplete.
 */
export function capBlocks(blocks: KnownBlock[], max: number, more: (n: number) => string = (n) => `…and ${n} more not shown.`): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [...kept, context(safe(more(blocks.length - kept.length)))];
}

/**
 * Fit several lists into `max` blocks. Each group has fixed `head` blocks (always kept) and
 * `items` (each a few blocks kept together). Items are taken round-robin across groups, so
 * one long list cannot starve the others; a group that loses items ends with `more(n)`.
 */
export interface BlockGroup {
  head: KnownBlock[];
  items: KnownBlock[][];
  empty?: KnownBlock[];
  more?: (n: number) => string;
}

export function fitGroups(groups: BlockGroup[], max: number): KnownBlock[] {
  const heads = groups.reduce((n, g) => n + g.head.length + (g.items.length === 0 ? (g.empty?.length ?? 0) : 0), 0);
  // reserve one line per group for "…and N more"
  let budget = max - heads - groups.filter((g) => g.items.length > 0).length;
  const taken = groups.map(() => 0);
  let progress = true;
  while (progress && budget > 0) {
    progress = false;
    groups.forEach((g, i) => {
      const next = g.items[taken[i]!];
      if (next && next.length <= budget) {
        budget -= next.length;
        taken[i]! += 1;
        progress = true;
      }
    });
  }
  const out: KnownBlock[] = [];
  groups.forEach((g, i) => {
    out.push(...g.head);
    if (g.items.length === 0) out.push(...(g.empty ?? []));
    g.items.slice(0, taken[i]).forEach((item) => out.push(...item));
    const left = g.items.length - taken[i]!;
    if (left > 0) out.push(context(safe((g.more ?? ((n: number) => `…and ${n} more not shown.`))(left))));
  });
  return out.slice(0, max);
}
