/**
 * Neutralises Teams markdown and HTML in untrusted text (end-user messages, names), so it
 * renders literally: no bold/italics/strike, headings, quotes, lists, links, code, mentions
 * (`<at>`), HTML tags, or Adaptive Card `{{DATE()}}` functions.
 *
 * `&`, `<`, `>` become entities (Teams renders message text as HTML-ish markdown); the other
 * markdown punctuation gets a backslash (not parentheses: without `[` no link can form).
 */
export function escapeTeamsMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\\*_~#[\]`{}]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // List markers at the start of a line: "- x", "+ x", "1. x".
    .replace(/^(\s*)([-+])(\s)/gm, '$1\\$2$3')
    .replace(/^(\s*\d+)\.(\s)/gm, '$1\\.$2');
}

/** Cuts text to at most `max` characters (code points, never half a surrogate pair), with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
}

/** Truncate first, then escape, so an escape sequence is never cut in half. */
export const safeText = (text: string, max: number): string => escapeTeamsMarkdown(truncate(text, max));

/** Limits for untrusted text on cards and in relayed messages. */
export const LIMITS = {
  name: 100,
  message: 4000,
  preview: 300,
  query: 100,
} as const;
