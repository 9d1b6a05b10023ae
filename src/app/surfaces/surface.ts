import type { VerbCall } from '../verbs.js';
import type { Rich } from '../wording/index.js';

/**
 * A platform-neutral screen: what Switchboard shows, built from domain state for one viewer,
 * and rendered by each platform (Block Kit, Adaptive Cards, plain text). Plain data.
 */
export type Tone = 'good' | 'attention' | 'info';

export interface Confirm {
  title: Rich;
  text: Rich;
  yes: Rich;
  no: Rich;
}

export interface Action {
  label: Rich;
  call: VerbCall;
  style?: 'primary' | 'danger';
  confirm?: Confirm;
  /** A rarer action: where a platform shows only a few buttons, it goes under More first. */
  secondary?: true;
}

export interface Option {
  value: string;
  label: string;
  /** Why it cannot be chosen, or what it means. */
  hint?: string;
  disabled?: boolean;
}

/**
 * Form inputs; the id is the name of the verb data field the value fills. Some carry their own
 * buttons, for platforms whose forms list choices with a button each: an agent picker's `pick`
 * (each listed match's button: its call, with the match as agentId), a choice's `go` (the button
 * that sends the form with that choice). Such a form's `submit` is for platforms with one
 * button per form (a modal).
 */
export type Field =
  | {
      kind: 'agent';
      id: 'agentId';
      label: Rich;
      placeholder: string;
      search: VerbCall;
      pick: Action;
      query?: string;
      options?: Option[];
      optional?: boolean;
    }
  | {
      kind: 'choice';
      id: string;
      label: Rich;
      options: Option[];
      initial?: string;
      optional?: boolean;
      placeholder?: string;
      go?: Action;
      /** Choosing draws the form again with this call (the form's values added), where a platform can (a preview). */
      redraw?: VerbCall;
    }
  | {
      kind: 'text';
      id: string;
      label: Rich;
      max: number;
      optional: boolean;
      placeholder?: string;
      initial?: string;
      multiline?: true;
    };

/** Whether a form's fields carry their own buttons (then they, not its submit, send it where forms can list them). */
export const fieldsSubmit = (s: Surface): boolean =>
  s.blocks.some(
    (b) => b.type === 'input' && (b.field.kind === 'agent' || (b.field.kind === 'choice' && b.field.go !== undefined)),
  );

export type Block =
  | { type: 'header'; text: Rich }
  | { type: 'text'; text: Rich; accessory?: Action }
  | { type: 'facts'; facts: Array<[Rich, Rich]> }
  | { type: 'context'; text: Rich }
  | { type: 'notice'; text: Rich; tone: Tone }
  | { type: 'quote'; title: Rich; lines: Rich[] }
  | { type: 'actions'; actions: Action[] }
  /** Items are kept whole; a long list ends with "…and N more". */
  | { type: 'list'; title?: Rich; items: Block[][]; empty?: Rich }
  | { type: 'divider' }
  | { type: 'input'; field: Field }
  /**
   * A file shared in a chat: its name and size as words, where to open it (a signed link for
   * agents), and, when Switchboard holds the bytes, which file it is (a platform that can take
   * a copy uploads it, e.g. into a Slack thread).
   */
  | {
      type: 'file';
      text: Rich;
      url: string;
      name: string;
      local?: { sessionId: string; fileId: string; size: number };
    };

export interface Surface {
  /** `dialog`: a form shown to one person (a modal, a card with inputs); `home`: an agent's dashboard. */
  kind?: 'message' | 'dialog' | 'home';
  /** A short title (dialogs). */
  title?: Rich;
  blocks: Block[];
  /** Notification and accessibility text. */
  fallback: Rich;
  /** A dialog's submit button. */
  submit?: Action;
  /** Where a dialog shown in place of a card goes back to (platforms with their own close button ignore it). */
  back?: VerbCall;
  /** What the message is (a delivery id, a chat line): platforms may tag the message with it. */
  meta?: { kind: string; id: string };
  /**
   * A shared surface (a chat's root in its channel) that each of these agents may see in their
   * own version instead, drawn by `call` for them (their role's buttons, or none), where a
   * platform can show one message differently to each person. The first are the chat's members.
   */
  viewers?: { call: VerbCall; agentIds: string[] };
}

export const action = (
  label: Rich,
  c: VerbCall,
  extra: Pick<Action, 'style' | 'confirm' | 'secondary'> = {},
): Action => ({ label, call: c, ...extra });

/** A one-line message (a thread line, a notice): most platforms post it as plain text. */
export const line = (text: Rich, meta?: Surface['meta']): Surface => ({
  blocks: [{ type: 'text', text }],
  fallback: text,
  ...(meta ? { meta } : {}),
});

/** A surface with a notice on top: the result of a click, or why it was refused. */
export const withNotice = (s: Surface, text: Rich, tone: Tone): Surface => ({
  ...s,
  blocks: [{ type: 'notice', text, tone }, ...s.blocks],
});

/** Whether the surface is one plain line, with nothing to click. */
export const isPlainLine = (s: Surface): boolean =>
  s.blocks.length === 1 && s.blocks[0]!.type === 'text' && !s.blocks[0]!.accessory;
