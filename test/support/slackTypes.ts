import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { FakeCall } from './fakeSlack.js';
import { repoRoot } from './specs.js';

/**
 * Slack payloads type-checked against Slack's own types (@slack/types, as @slack/bolt
 * re-exports them) by the TypeScript compiler: each `[type, value]` becomes a typed constant of
 * a module compiled on its own. Empty when every payload fits its type.
 */
export function slackTypeErrors(consts: Array<[type: string, value: unknown]>, name: string): string[] {
  const dir = mkdtempSync(join(repoRoot, 'test', '.slack-types-'));
  try {
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
      const what = at ? `p${at.line - 1} (${consts[at.line - 1]?.[0] ?? '?'}): ` : '';
      return `${what}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`.slice(0, 400);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What Switchboard draws in a call that carries it, as the type it must fit. */
function drawn(c: FakeCall): [string, unknown] | undefined {
  const a = c.args;
  // The message as drawn: its text and blocks where it goes (the form encoding turns the
  // client's flags into strings, and the client adds team_id: neither is ours to check).
  if (c.method === 'chat.postMessage' || c.method === 'chat.update' || c.method === 'chat.postEphemeral')
    return [
      'webApi.ChatPostMessageArguments',
      {
        channel: a.channel,
        text: a.text,
        ...(a.blocks !== undefined ? { blocks: a.blocks } : {}),
        ...(a.thread_ts !== undefined ? { thread_ts: a.thread_ts } : {}),
      },
    ];
  if (c.method === 'views.open' || c.method === 'views.update' || c.method === 'views.publish')
    return ['types.View', a.view];
  return undefined;
}

/**
 * Every message, modal and home a fake Slack was sent, as drawn, against @slack/types.
 * `[checked, errors]`.
 */
export function sentPayloadTypeErrors(calls: readonly FakeCall[], name: string): [number, string[]] {
  const payloads = calls.map(drawn).filter((p): p is [string, unknown] => p !== undefined);
  return [payloads.length, payloads.length > 0 ? slackTypeErrors(payloads, name) : []];
}
