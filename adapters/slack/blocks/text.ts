/**
 * Text helpers and Block Kit limits. Every builder goes through these, so limits are
 * enforced in one place: texts are cut with an ellipsis, block lists are capped.
 */

/** Block Kit limits (https://docs.slack.dev/reference/block-kit). */
export const LIMITS = {
  /** Blocks per message. */
  messageBlocks: 50,
  /** Blocks per modal or home view. */
  viewBlocks: 100,
  /** Section `text`, context element text. */
  sectionText: 3000,
  /** Each section field. */
  fieldText: 2000,
  /** Section fields per block. */
  fields: 10,
  /** Context elements per block. */
  contextElements: 10,
  /** Elements per actions block. */
  actionsElements: 25,
  /** Button text (plain_text). */
  buttonText: 75,
  /** Button value. */
  buttonValue: 2000,
  /** Button url. */
  url: 3000,
  actionId: 255,
  blockId: 255,
  /** Option text and description (plain_text). */
  optionText: 75,
  /** Option value. */
  optionValue: 150,
  /** Options a select menu may return. */
  options: 100,
  /** Radio buttons per group. */
  radioOptions: 10,
  /** Header block text. */
  headerText: 150,
  /** Modal title, submit and close texts. */
  viewTitle: 24,
  privateMetadata: 3000,
  callbackId: 255,
  /** Input block label and placeholder. */
  inputLabel: 2000,
  placeholder: 150,
  /** Confirm dialog: title 100, text 300, buttons 30. */
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Top-level fallback `text` of a message (Slack truncates at 40 000; we keep it short). */
  messageText: 4000,
} as const;

export const ELLIPSIS = '…';

/**
 * Cut `text` to at most `max` UTF-16 code units, ending with an ellipsis when cut.
 * Never splits a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  if (max === 1) return ELLIPSIS;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end).trimEnd() + ELLIPSIS;
}

/**
 * Escape the three characters Slack mrkdwn gives meaning to, so `<!channel>`, `<@U123>`
 * and `<http://evil|innocent>` typed by an end user arrive as inert text.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Truncate already escaped mrkdwn without leaving half an entity (`&am…`) or half a
 * `<...>` token behind.
 */
export function truncateMrkdwn(mrkdwn: string, max: number): string {
  if (mrkdwn.length <= max) return mrkdwn;
  let cut = truncate(mrkdwn, max).slice(0, -1);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && amp > cut.length - 5 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  const lt = cut.lastIndexOf('<');
  if (lt >= 0 && !cut.slice(lt).includes('>')) cut = cut.slice(0, lt);
  return cut.trimEnd() + ELLIPSIS;
}

/** Escape then truncate: for end-user and agent text placed into mrkdwn. */
export const safe = (text: string, max: number = LIMITS.sectionText): string => truncateMrkdwn(escapeMrkdwn(text), max);

/** Collapse whitespace and newlines, for one-line previews. */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

const pad = (n: number): string => String(n).padStart(2, '0');

/** A UTC fallback such as `2026-01-15 09:30 UTC` for clients that cannot render dates. */
export function utcFallback(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/**
 * Slack date formatting, rendered in each reader's time zone:
 * `<!date^1700000000^{date_short_pretty} {time}|2023-11-14 22:13 UTC>`.
 * @param ms epoch milliseconds (the domain's unit)
 */
export function slackDate(ms: number, format = '{date_short_pretty} {time}'): string {
  return `<!date^${Math.floor(ms / 1000)}^${format}|${utcFallback(ms)}>`;
}

/** The fallback text of a message: plain, short, never empty. */
export const fallbackText = (text: string): string => truncate(text.trim() || 'Switchboard', LIMITS.messageText);
