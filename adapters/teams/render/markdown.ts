import { plain, type Rich, utc } from '../../../src/app/wording/index.js';
import { beforeEntity, splitText } from '../../../src/app/wording/split.js';

/**
 * Neutralises Teams markdown and HTML in literal text (names, customers' words), so it
 * renders as typed: no formatting, headings, lists, links, mentions (`<at>`), HTML tags, or
 * Adaptive Card `{{DATE()}}` functions.
 */
export function escapeTeamsMarkdown(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      .replace(/[\\*_~#[\]`{}]/g, (c) => `\\${c}`)
      // Only an & that would start an entity: a plain one shows as typed, and costs no room.
      .replace(/&(?=[\\#a-z0-9])/gi, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/^(\s*)([-+])(\s)/gm, '$1\\$2$3')
      .replace(/^(\s*\d+)\.(\s)/gm, '$1\\.$2')
  );
}

/**
 * Line breaks as Teams shows them. Teams joins lines split by one "\n" (messages and card
 * TextBlocks alike: Microsoft's Agents Playground showed a multi-line reply on one line), and
 * shows "\n\n" as a line break. A line's leading spaces stay, as no-break spaces (four
 * spaces would start a code block).
 */
const lineBreaks = (escaped: string): string =>
  escaped.replace(/\n([ \t]*)/g, (_, lead: string) => `\n\n${lead.replace(/\t/g, '    ').replace(/ /g, '\u00a0')}`);

/** How a message names someone it notifies; the mention entity repeats this text exactly. */
const atTag = (name: string): string => `<at>${escapeTeamsMarkdown(name)}</at>`;

/**
 * The mention entities of a message whose text holds these spans (markdown(…, 'message')):
 * one per person Teams knows (their Entra object id), so Teams notifies them.
 */
export function mentionEntities(
  r: Rich,
): Array<{ type: 'mention'; text: string; mentioned: { id: string; name: string } }> {
  const out = new Map<string, { type: 'mention'; text: string; mentioned: { id: string; name: string } }>();
  const walk = (spans: Rich): void => {
    for (const s of spans) {
      if (typeof s === 'string') continue;
      if ('strong' in s) walk(s.strong);
      else if ('em' in s) walk(s.em);
      else if ('mention' in s && s.ids.teams)
        out.set(s.ids.teams, {
          type: 'mention',
          text: atTag(s.mention),
          mentioned: { id: s.ids.teams, name: s.mention },
        });
    }
  };
  walk(r);
  return [...out.values()];
}

/** A link target that cannot break out of `[label](url)`. */
const safeUrl = (url: string): string =>
  url.replace(/[()<>[\]\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Rich text as Teams markdown. On a card (`card`), times are the client's date functions,
 * shown in the reader's own time zone; in a plain message they are UTC.
 */
export function markdown(r: Rich, where: 'card' | 'message'): string {
  return r
    .map((s) => {
      if (typeof s === 'string') return lineBreaks(escapeTeamsMarkdown(s));
      if ('strong' in s) return `**${markdown(s.strong, where)}**`;
      if ('em' in s) return `_${markdown(s.em, where)}_`;
      if ('code' in s) return lineBreaks(escapeTeamsMarkdown(s.code));
      // Teams notifies only through the activity's mention entities (mentionEntities): a
      // message names someone Teams knows in <at>; a card, and anyone else, in bold.
      if ('mention' in s)
        return where === 'message' && s.ids.teams ? atTag(s.mention) : `**@${escapeTeamsMarkdown(s.mention)}**`;
      if ('time' in s) {
        if (where === 'message') return s.show === 'time' ? utc(s.time).slice(11) : utc(s.time);
        return s.show === 'time'
          ? `{{TIME(${iso(s.time)})}}`
          : `{{DATE(${iso(s.time)}, SHORT)}} {{TIME(${iso(s.time)})}}`;
      }
      return `[${escapeTeamsMarkdown(s.label)}](${safeUrl(s.link)})`;
    })
    .join('');
}

/** Splits Teams markdown into pieces of at most `max` UTF-16 units (see splitText), never inside an entity or after an escaping backslash. */
export const splitMarkdown = (text: string, max: number): string[] =>
  splitText(text, max, (t, at) => {
    const cut = beforeEntity(t, at);
    let slashes = 0;
    while (cut - slashes - 1 >= 0 && t[cut - slashes - 1] === '\\') slashes++;
    return slashes % 2 === 1 ? cut - 1 : cut;
  });

/** Plain text for titles and buttons (not parsed as markdown). */
export const title = (r: Rich, max = 100): string => {
  const t = plain(r);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};
