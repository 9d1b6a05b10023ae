import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { home, message, modal, option } from '../../adapters/slack/render/blockKit.js';
import { entryLine } from '../../src/app/surfaces/entryLines.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import { recent } from '../support/fixtures.js';
import { repoRoot } from '../support/specs.js';
import { activeLines, allSurfaces } from '../support/surfaces.js';

/**
 * Every Block Kit payload the renderer makes, type-checked against Slack's own types
 * (@slack/types, as @slack/bolt re-exports them) by the TypeScript compiler: each as what it is
 * sent as (a chat.postMessage's arguments, a modal, a home, a picker's options).
 */
const dir = mkdtempSync(join(repoRoot, 'test', '.slack-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Compiler errors of a module made of these typed constants (empty when every payload fits its type). */
function typeErrors(consts: Array<[type: string, value: unknown]>, name: string): string[] {
  const file = join(dir, `${name}.ts`);
  const body = consts.map(([type, value], i) => `export const p${i}: ${type} = ${JSON.stringify(value)};`).join('\n');
  writeFileSync(file, `import type { types, webApi } from '@slack/bolt';\n${body}\n`);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${at ? `p${at.line - 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`.slice(0, 300);
  });
}

const asSent = (s: Surface): [string, unknown] => {
  if (s.kind === 'dialog') return ['types.ModalView', modal(s)];
  if (s.kind === 'home') return ['types.HomeView', home(s)];
  return ['webApi.ChatPostMessageArguments', { channel: 'C0ITSUPPORT', ...message(s) }];
};

describe('Slack payloads against @slack/types', () => {
  it('every surface, as Slack is sent it, and a long line in sections, type-check', () => {
    const long = entryLine({ ...recent[0]!, text: '&'.repeat(20_000) }, activeLines)!;
    const payloads: Array<[string, unknown]> = [
      ...allSurfaces().map(([, s]) => asSent(s)),
      asSent(long),
      [
        'types.PlainTextOption[]',
        [option({ value: 'bob', label: 'Bob Martin <bob@example.com>', hint: 'Cannot invite: Bob is Away.' })],
      ],
    ];
    expect(typeErrors(payloads, 'payloads')).toEqual([]);
  });

  it('the check can fail (a payload Slack would refuse does not type-check)', () => {
    const bad: Array<[string, unknown]> = [
      [
        'types.KnownBlock[]',
        [
          { type: 'section', text: { type: 'markdown', text: 'x' } },
          { type: 'actions', elements: [{ type: 'button', text: 'not an object' }] },
        ],
      ],
    ];
    const errors = typeErrors(bad, 'bad');
    expect(errors.join('\n')).toMatch(/"markdown"/);
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });
});
