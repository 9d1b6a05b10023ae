import { type Activity, TurnContext } from 'botbuilder';
import type { Surface } from '../../src/app/surfaces/surface.js';
import { type AdaptiveCard, card, isText, messageText } from './render/adaptiveCard.js';

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export const cardMessage = (card: AdaptiveCard): Partial<Activity> => ({
  type: 'message',
  attachments: [{ contentType: CARD_CONTENT_TYPE, content: card }],
  ...(card.fallbackText ? { summary: card.fallbackText.slice(0, 200) } : {}),
});

/** Text we wrote (already escaped where it carries someone's words). */
export const markdownMessage = (text: string): Partial<Activity> => ({ type: 'message', text, textFormat: 'markdown' });

/** A surface as an activity: a markdown message when it is only text, else a card. */
export const activityOf = (s: Surface): Partial<Activity> => (isText(s) ? markdownMessage(messageText(s)) : cardMessage(card(s)));

export const tenantOf = (a: Partial<Activity>): string | undefined =>
  a.conversation?.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;

/** Teams channel threads are conversations whose id names the root message. */
export const isChannelThread = (a: Partial<Activity>): boolean => (a.conversation?.id ?? '').includes(';messageid=');
export const isPersonal = (a: Partial<Activity>): boolean => a.conversation?.conversationType === 'personal';

export const mentionsBot = (a: Activity): boolean =>
  TurnContext.getMentions(a).some((m) => m.mentioned?.id === a.recipient?.id);

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * What the author typed: the bot's mention removed, Teams' HTML reduced to plain text
 * (other people's `<at>` tags keep their names), entities decoded, whitespace trimmed.
 */
export function plainText(a: Activity): string {
  const withoutBot = TurnContext.removeRecipientMention(a) ?? a.text ?? '';
  return withoutBot
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_m, e: string) => ENTITIES[e] ?? '')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}
