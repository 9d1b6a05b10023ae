import type { Action, Block, Field, Surface } from '../../src/app/surfaces/surface.js';
import { plain } from '../../src/app/wording/index.js';

/**
 * Surfaces as plain text: the recording platform's renderer, and the simplest example of
 * one. Buttons read `[Label]`; a dialog's inputs read `label: ____`.
 */
const button = (a: Action): string => `[${plain(a.label)}]`;

function field(f: Field): string {
  if (f.kind === 'choice')
    return `${plain(f.label)}: ${f.options.map((o) => (o.value === f.initial ? `(•) ${o.label}` : `( ) ${o.label}`)).join(' ')}`;
  if (f.kind === 'agent')
    return [
      `${plain(f.label)}: ____`,
      ...(f.options ?? []).map((o) => `  - ${o.label}${o.hint ? ` (${o.hint})` : ''}`),
    ].join('\n');
  return `${plain(f.label)}: ____`;
}

function block(b: Block): string[] {
  switch (b.type) {
    case 'header':
      return [`# ${plain(b.text)}`];
    case 'text':
      return [plain(b.text) + (b.accessory ? ` ${button(b.accessory)}` : '')];
    case 'facts':
      return b.facts.map(([k, v]) => `${plain(k)}: ${plain(v)}`);
    case 'context':
      return [plain(b.text)];
    case 'notice':
      return [`(${b.tone}) ${plain(b.text)}`];
    case 'quote':
      return [plain(b.title), ...b.lines.map((l) => `> ${plain(l)}`)];
    case 'actions':
      return [b.actions.map(button).join(' ')];
    case 'list':
      return [
        ...(b.title ? [`## ${plain(b.title)}`] : []),
        ...(b.items.length === 0 && b.empty
          ? [plain(b.empty)]
          : b.items.flatMap((item) => item.flatMap(block).map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)))),
      ];
    case 'divider':
      return ['---'];
    case 'input':
      return [field(b.field)];
    case 'file':
      return [plain(b.text)];
  }
}

export function renderText(s: Surface): string {
  return [
    ...(s.title ? [`[${plain(s.title)}]`] : []),
    ...s.blocks.flatMap(block),
    ...(s.submit ? [button(s.submit)] : []),
  ].join('\n');
}

/** The labels of every button of a surface (tests check what each viewer is offered). */
export function buttons(s: Surface): string[] {
  const out: string[] = [];
  const walk = (b: Block) => {
    if (b.type === 'actions') out.push(...b.actions.map((a) => plain(a.label)));
    if (b.type === 'text' && b.accessory) out.push(plain(b.accessory.label));
    if (b.type === 'list') b.items.flat().forEach(walk);
  };
  s.blocks.forEach(walk);
  if (s.submit) out.push(plain(s.submit.label));
  return out;
}
