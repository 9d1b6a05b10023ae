import { describe, expect, it } from 'vitest';
import { home, message, modal } from '../../adapters/slack/render/blockKit.js';
import { card } from '../../adapters/teams/render/adaptiveCard.js';
import type { Block, Surface } from '../../src/app/surfaces/surface.js';
import { plain, type Rich, utc } from '../../src/app/wording/index.js';
import { allSurfaces } from '../support/surfaces.js';

/** The sentences a surface says: every text, label and fact, as plain words. */
function sentences(s: Surface): string[] {
  const out: Rich[] = [];
  const walk = (b: Block): void => {
    switch (b.type) {
      case 'header':
      case 'context':
      case 'notice':
      case 'file':
        out.push(b.text);
        break;
      case 'text':
        out.push(b.text, ...(b.accessory ? [b.accessory.label] : []));
        break;
      case 'facts':
        b.facts.forEach(([k, v]) => {
          out.push(k, v);
        });
        break;
      case 'quote':
        out.push(b.title, ...b.lines);
        break;
      case 'actions':
        b.actions.forEach((a) => {
          out.push(a.label);
        });
        break;
      case 'list':
        if (b.title) out.push(b.title);
        if (b.items.length === 0 && b.empty) out.push(b.empty);
        b.items.flat().forEach(walk);
        break;
      case 'input':
        out.push(b.field.label);
        if (b.field.kind === 'choice')
          b.field.options.forEach((o) => {
            out.push([o.label]);
          });
        break;
      case 'divider':
        break;
    }
  };
  s.blocks.forEach(walk);
  return out
    .map(plain)
    .flatMap((t) => t.split('\n'))
    .map(bare)
    .filter(Boolean);
}

/** Words without the characters markup uses. */
const bare = (t: string): string => t.replace(/[*_`\\]/g, '').trim();

/** Slack mentions by user id; the words say the name (the fixtures' Slack users). */
const slackNames: Record<string, string> = { U0ALICE: 'Alice Ng', U0BOB: 'Bob Martin', U0CAROL: 'Carol Lefèvre' };

/** A rendering reduced to words: markup, escapes and time formats gone. */
const norm = (t: string): string =>
  bare(
    t
      .replace(/<@(U[A-Z0-9]+)>/g, (_m, id: string) => `@${slackNames[id] ?? id}`)
      .replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1')
      .replace(/\{\{DATE\(([^,]+), SHORT\)\}\} \{\{TIME\([^)]+\)\}\}/g, (_m, iso: string) => utc(Date.parse(iso)))
      .replace(/\{\{TIME\(([^)]+)\)\}\}/g, (_m, iso: string) => utc(Date.parse(iso)).slice(11))
      .replace(/<([^|>]+)\|([^>]*)>/g, '$2 ($1)')
      .replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1 ($2)')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );

function strings(n: unknown, out: string[] = []): string[] {
  if (typeof n === 'string') out.push(n);
  else if (Array.isArray(n))
    n.forEach((x) => {
      strings(x, out);
    });
  else if (n && typeof n === 'object')
    Object.entries(n).forEach(([k, v]) => {
      if (!(k === 'value' && typeof v === 'string' && v.startsWith('{"'))) strings(v, out);
    });
  return out;
}

const slackWords = (s: Surface) =>
  norm(strings(s.kind === 'dialog' ? modal(s) : s.kind === 'home' ? home(s) : message(s)).join('\n'));
const teamsWords = (s: Surface) => norm(strings(card(s)).join('\n'));

describe('Slack and Teams say the same thing', () => {
  it.each(allSurfaces())('%s', (_name, s) => {
    const said = sentences(s);
    expect(said.length).toBeGreaterThan(0);
    const slack = slackWords(s);
    const teams = teamsWords(s);
    expect(
      said.filter((x) => !slack.includes(x)),
      'missing on Slack',
    ).toEqual([]);
    expect(
      said.filter((x) => !teams.includes(x)),
      'missing on Teams',
    ).toEqual([]);
  });

  it('the comparison can fail', () => {
    const s: Surface = { blocks: [{ type: 'text', text: ['only here'] }], fallback: ['x'] };
    expect(teamsWords({ ...s, blocks: [] })).not.toContain(sentences(s)[0]);
  });
});
