import { checkNote, InviteMode } from '../domain/invite.js';
import type { Refusal } from '../domain/policy.js';
import type { WordKey } from './wording/index.js';

/**
 * The agent commands, one grammar for every platform: a slash command, an @mention of the
 * bot, or a line in a 1:1 with it. Platforms hand over plain text; someone @mentioned arrives as a
 * Mention (the words as they appear in the text, and the directory agent behind them).
 */
export interface Mention {
  text: string;
  agentId: string;
}

/** Whom a command names: someone @mentioned, or words to look up (a name or an email). */
export type Who = { agentId: string } | { query: string };

export type Command =
  /** `who` may be the word `anyone`: everyone available in the chat's queue. */
  | { kind: 'invite'; who: Who; mode: InviteMode; ref: string | undefined }
  /** To a colleague, or to a queue (`who` then names it). */
  | { kind: 'transfer'; who: Who; ref: string | undefined }
  | { kind: 'release'; ref: string | undefined }
  | { kind: 'leave'; ref: string | undefined }
  | { kind: 'assist'; note: string | undefined; ref: string | undefined }
  | { kind: 'promote'; who: Who; ref: string | undefined }
  | { kind: 'available' }
  | { kind: 'away' }
  | { kind: 'monitor' }
  /** Supervisors: today's numbers of their queues. */
  | { kind: 'report' }
  /** An ended chat's transcript, from the record. */
  | { kind: 'history'; ref: string }
  /** Canned replies: send one by shortcut, or search them (a card to pick from), in a chat. */
  | { kind: 'canned'; op: 'send'; shortcut: string; ref: string | undefined }
  | { kind: 'canned'; op: 'search'; query: string | undefined; ref: string | undefined }
  /** The agent's own canned replies: `add <shortcut> [title |] <text>`, `remove <shortcut>`. */
  | { kind: 'canned'; op: 'add'; shortcut: string; title: string; text: string }
  | { kind: 'canned'; op: 'remove'; shortcut: string }
  | { kind: 'help' };
export type CommandKind = Command['kind'];

/**
 * What a line says as a command: a whole one, or a command word whose arguments do not fit
 * (with the rule they break, when one does: a note too long, as every input path checks it).
 */
export type Parse = { ok: true; command: Command } | { ok: false; kind?: CommandKind; text: string; refusal?: Refusal };

const REF = /^[A-HJ-NP-Z2-9]{6}$/;
export const isRef = (w: string | undefined): w is string => w !== undefined && REF.test(w.toUpperCase());

/** Commands, their aliases, and how the help lists them (in this order). */
export const COMMANDS: ReadonlyArray<{
  kind: CommandKind;
  aliases: readonly string[];
  usage: WordKey;
  help: WordKey;
  bare: boolean;
}> = [
  { kind: 'invite', aliases: ['invite'], usage: 'command.invite.usage', help: 'command.invite.help', bare: false },
  {
    kind: 'transfer',
    aliases: ['transfer', 'forward'],
    usage: 'command.transfer.usage',
    help: 'command.transfer.help',
    bare: false,
  },
  { kind: 'release', aliases: ['release'], usage: 'command.release.usage', help: 'command.release.help', bare: false },
  { kind: 'leave', aliases: ['leave'], usage: 'command.leave.usage', help: 'command.leave.help', bare: false },
  {
    kind: 'assist',
    aliases: ['assist', 'sos'],
    usage: 'command.assist.usage',
    help: 'command.assist.help',
    bare: false,
  },
  { kind: 'promote', aliases: ['promote'], usage: 'command.promote.usage', help: 'command.promote.help', bare: false },
  {
    kind: 'available',
    aliases: ['available', 'online'],
    usage: 'command.available.usage',
    help: 'command.available.help',
    bare: true,
  },
  { kind: 'away', aliases: ['away', 'offline'], usage: 'command.away.usage', help: 'command.away.help', bare: true },
  {
    kind: 'monitor',
    aliases: ['monitor', 'monitoring'],
    usage: 'command.monitor.usage',
    help: 'command.monitor.help',
    bare: true,
  },
  { kind: 'report', aliases: ['report'], usage: 'command.report.usage', help: 'command.report.help', bare: true },
  { kind: 'history', aliases: ['history'], usage: 'command.history.usage', help: 'command.history.help', bare: false },
  { kind: 'canned', aliases: ['canned'], usage: 'command.canned.usage', help: 'command.canned.help', bare: false },
  { kind: 'help', aliases: ['help', '?'], usage: 'command.help.usage', help: 'command.help.help', bare: true },
];

const byAlias = new Map(COMMANDS.flatMap((c) => c.aliases.map((a) => [a, c] as const)));

/** The command a line starts with, if any. */
export const commandWord = (text: string): (typeof COMMANDS)[number] | undefined =>
  byAlias.get(text.trim().split(/\s+/)[0]?.toLowerCase().replace(/^\//, '') ?? '');

/** Splits into words, keeping each mention whole (mentions may contain spaces). */
function tokens(text: string, mentions: readonly Mention[]): Array<string | Mention> {
  const out: Array<string | Mention> = [];
  let rest = text.trim();
  const sorted = [...mentions].filter((m) => m.text).sort((a, b) => b.text.length - a.text.length);
  while (rest) {
    const m = sorted.find((x) => rest.startsWith(x.text));
    if (m) {
      out.push(m);
      rest = rest.slice(m.text.length).trimStart();
      continue;
    }
    const [w = ''] = rest.split(/\s+/, 1);
    out.push(w);
    rest = rest.slice(w.length).trimStart();
  }
  return out;
}

/** Parses a command line (a leading `/` is allowed). */
export function parseCommand(input: string, mentions: readonly Mention[] = []): Parse {
  const text = input.trim().replace(/^\//, '');
  const [head, ...args] = tokens(text, mentions);
  const spec = typeof head === 'string' ? byAlias.get(head.toLowerCase()) : undefined;
  if (!spec) return { ok: false, text };
  if (spec.bare)
    return args.length === 0
      ? { ok: true, command: { kind: spec.kind } as Command }
      : { ok: false, kind: spec.kind, text };
  const fail = { ok: false as const, kind: spec.kind, text };
  const last = () => args.at(-1);
  // A trailing chat reference, when something else could still come before it.
  const takeRef = (min: number): string | undefined =>
    args.length > min && typeof last() === 'string' && isRef(last() as string)
      ? (args.pop() as string).toUpperCase()
      : undefined;
  switch (spec.kind) {
    case 'canned':
      return parseCanned(text, args, fail, takeRef);
    case 'history': {
      const [ref] = args;
      return args.length === 1 && isRef(typeof ref === 'string' ? ref : undefined)
        ? { ok: true, command: { kind: 'history', ref: (ref as string).toUpperCase() } }
        : fail;
    }
    case 'release':
    case 'leave': {
      const ref = takeRef(0);
      return args.length === 0 ? { ok: true, command: { kind: spec.kind, ref } } : fail;
    }
    case 'assist': {
      const ref = takeRef(0);
      if (args.some((a) => typeof a !== 'string')) return fail;
      const note = checkNote((args as string[]).join(' '));
      if (!note.ok) return { ...fail, refusal: note };
      return { ok: true, command: { kind: 'assist', note: note.note, ref } };
    }
    case 'transfer':
    case 'promote': {
      const ref = takeRef(1);
      const who = whoOf(args);
      return who ? { ok: true, command: { kind: spec.kind, who, ref } } : fail;
    }
    default: {
      // invite <who|anyone> [participant|monitor] [ref]
      const ref = takeRef(1);
      let mode: InviteMode = 'participant';
      const m =
        args.length > 1 && typeof last() === 'string'
          ? InviteMode.safeParse((last() as string).toLowerCase())
          : undefined;
      if (m?.success) {
        mode = m.data;
        args.pop();
      }
      const who = whoOf(args);
      return who ? { ok: true, command: { kind: 'invite', who, mode, ref } } : fail;
    }
  }
}

/** `canned …`: the words after `add <shortcut>` are kept as typed (line breaks too). */
function parseCanned(
  text: string,
  args: Array<string | Mention>,
  fail: Parse,
  takeRef: (min: number) => string | undefined,
): Parse {
  if (args.some((a) => typeof a !== 'string')) return fail;
  const words = args as string[];
  const op = words[0]?.toLowerCase();
  if (op === 'add' || op === 'save') {
    const m = /^\S+\s+\S+\s+(\S+)\s+([\s\S]+)$/.exec(text.trim());
    if (!m) return fail;
    const rest = m[2]!.trim();
    const bar = rest.indexOf('|');
    const [title, body] = bar > 0 ? [rest.slice(0, bar).trim(), rest.slice(bar + 1).trim()] : [m[1]!, rest];
    return body
      ? { ok: true, command: { kind: 'canned', op: 'add', shortcut: m[1]!.replace(/^\//, ''), title, text: body } }
      : fail;
  }
  if (op === 'remove' || op === 'delete') {
    return words.length === 2
      ? { ok: true, command: { kind: 'canned', op: 'remove', shortcut: words[1]!.replace(/^\//, '') } }
      : fail;
  }
  const ref = takeRef(0);
  if (words.length === 1)
    return { ok: true, command: { kind: 'canned', op: 'send', shortcut: words[0]!.replace(/^\//, ''), ref } };
  return {
    ok: true,
    command: { kind: 'canned', op: 'search', query: words.length > 0 ? words.join(' ') : undefined, ref },
  };
}

/** One @mention, or words to look up; nothing else. */
function whoOf(args: Array<string | Mention>): Who | undefined {
  if (args.length === 0) return undefined;
  const mentioned = args.length === 1 && typeof args[0] !== 'string' ? args[0] : undefined;
  if (mentioned) return { agentId: mentioned.agentId };
  if (args.some((a) => typeof a !== 'string')) return undefined;
  return { query: (args as string[]).join(' ') };
}

/** `invite anyone`: everyone available in the chat's queue. */
export const isAnyone = (who: Who): boolean => 'query' in who && /^(anyone|everyone|anybody)$/i.test(who.query.trim());
