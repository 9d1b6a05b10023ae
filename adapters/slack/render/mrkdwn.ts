import { plain, type Rich, utc } from '../../../src/app/wording/index.js';
import { beforeEntity, splitText } from '../../../src/app/wording/split.js';

/** Block Kit limits (https://docs.slack.dev/reference/block-kit) that the renderer enforces. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  blockId: 255,
  optionText: 75,
  optionValue: 150,
  options: 100,
  optionGroups: 100,
  radioOptions: 10,
  headerText: 150,
  viewTitle: 24,
  privateMetadata: 3000,
  callbackId: 255,
  inputLabel: 2000,
  placeholder: 150,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** A message's top-level text: Slack takes 40,000 characters (its documented limit). */
  messageText: 40_000,
} as const;

export const ELLIPSIS = '…';

/** Cuts to at most `max` UTF-16 units, marked with an ellipsis; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return max === 1 ? ELLIPSIS : '';
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end).trimEnd() + ELLIPSIS;
}

/** The three characters mrkdwn gives meaning to: `<!channel>`, `<@U1>` and `<http://x|y>` typed by anyone stay inert. */
export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Cuts mrkdwn without leaving half an entity (`&am…`) or half a `<…>` token behind. */
export function truncateMrkdwn(mrkdwn: string, max: number): string {
  if (mrkdwn.length <= max) return mrkdwn;
  let cut = truncate(mrkdwn, max).slice(0, -1);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && amp > cut.length - 5 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  const lt = cut.lastIndexOf('<');
  if (lt >= 0 && !cut.slice(lt).includes('>')) cut = cut.slice(0, lt);
  return cut.trimEnd() + ELLIPSIS;
}

/** Splits mrkdwn into pieces of at most `max` characters (see splitText), never inside an entity or a `<…>` token. */
export const splitMrkdwn = (text: string, max: number): string[] =>
  splitText(text, max, (t, at) => {
    const cut = beforeEntity(t, at);
    const lt = t.lastIndexOf('<', cut - 1);
    return lt > 0 && !t.slice(lt, cut).includes('>') ? lt : cut;
  });

/** Rich text as mrkdwn: every literal escaped, dates in each reader's own time zone. */
export function mrkdwn(r: Rich): string {
  return r
    .map((s) => {
      if (typeof s === 'string') return escapeMrkdwn(s);
      if ('strong' in s) return `*${mrkdwn(s.strong)}*`;
      if ('em' in s) return `_${mrkdwn(s.em)}_`;
      if ('code' in s) return `\`${escapeMrkdwn(s.code.replace(/`/g, "'"))}\``;
      if ('mention' in s) return s.ids.slack ? `<@${s.ids.slack}>` : `*@${escapeMrkdwn(s.mention)}*`;
      if ('time' in s)
        return `<!date^${Math.floor(s.time / 1000)}^${s.show === 'time' ? '{time}' : '{date_short_pretty} {time}'}|${s.show === 'time' ? utc(s.time).slice(11) : utc(s.time)}>`;
      return `<${truncate(s.link.replace(/[<>|\s]/g, encodeURIComponent), LIMITS.url)}|${escapeMrkdwn(truncate(s.label, 200))}>`;
    })
    .join('');
}

/** Plain text for plain_text fields (headers, buttons, options): Slack does not parse it. */
export const plainTextObject = (r: Rich, max: number): { type: 'plain_text'; text: string; emoji: true } => ({
  type: 'plain_text',
  text: truncate(plain(r), max) || ' ',
  emoji: true,
});

export const mrkdwnText = (r: Rich, max: number = LIMITS.sectionText): { type: 'mrkdwn'; text: string } => ({
  type: 'mrkdwn',
  text: truncateMrkdwn(mrkdwn(r), max) || ' ',
});
