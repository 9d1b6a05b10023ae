import { type Activity, TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Surface } from '../../src/app/surfaces/surface.js';
import { type AdaptiveCard, card, isText, messageText } from './render/adaptiveCard.js';
import { mentionEntities, splitMarkdown } from './render/markdown.js';

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

const Id = z.string().min(1).max(1024);
// Ids are what is read without looking; Teams sends some other fields as null.
const Account = z.looseObject({
  id: Id,
  name: z.string().nullish(),
  aadObjectId: z.string().nullish(),
  role: z.string().nullish(),
});
const Ref = z.looseObject({ id: z.string() });
const Entity = z
  .looseObject({ type: z.string(), text: z.string().optional(), mentioned: Account.optional() })
  // botbuilder reads a mention's `mentioned.id` without looking.
  .refine((e) => e.type !== 'mention' || e.mentioned !== undefined, {
    message: 'a mention names who is mentioned',
    path: ['mentioned'],
  });

/** The activity types Teams sends a bot; anything else is not Teams talking. */
const TYPES = [
  'message',
  'conversationUpdate',
  'installationUpdate',
  'invoke',
  'messageUpdate',
  'messageDelete',
  'messageReaction',
  'typing',
  'event',
  'endOfConversation',
] as const;
/** The only invoke Switchboard's cards make: Action.Execute (Universal Actions). */
const CARD_ACTION_INVOKE = 'adaptiveCard/action';
const CardAction = z.looseObject({
  action: z.looseObject({
    type: z.literal('Action.Execute'),
    verb: z.string().max(100),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  trigger: z.enum(['manual', 'automatic']).optional(),
});

/**
 * An activity posted to /api/messages, with every field the adapter, the handler and the
 * receivers read, in the type they read it. Checked before botbuilder sees it, so a
 * malformed one is a 400 and touches nothing. Other fields are kept as sent.
 */
export const IncomingActivity = z
  .looseObject({
    type: z.enum(TYPES),
    id: z.string().max(1024).optional(),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.url({ protocol: /^https?$/ }),
    from: Account,
    recipient: Account,
    conversation: z.looseObject({
      id: Id,
      conversationType: z.string().nullish(),
      tenantId: z.string().nullish(),
      isGroup: z.boolean().nullish(),
    }),
    channelData: z
      .looseObject({
        tenant: Ref.nullish(),
        channel: Ref.nullish(),
        team: Ref.nullish(),
        eventType: z.string().nullish(),
      })
      .optional(),
    text: z.string().optional(),
    textFormat: z.string().optional(),
    entities: z.array(Entity).optional(),
    attachments: z.array(z.looseObject({ contentType: z.string() })).optional(),
    membersAdded: z.array(Account).optional(),
    membersRemoved: z.array(Account).optional(),
    action: z.string().optional(),
    name: z.string().optional(),
    replyToId: z.string().optional(),
    value: z.unknown().optional(),
    timestamp: z.string().optional(),
    localTimestamp: z.string().optional(),
  })
  .superRefine((a, ctx) => {
    if (a.type === 'invoke') {
      if (a.name !== CARD_ACTION_INVOKE)
        ctx.addIssue({ code: 'custom', path: ['name'], message: `only ${CARD_ACTION_INVOKE} invokes are handled` });
      else
        for (const i of CardAction.safeParse(a.value).error?.issues ?? [])
          ctx.addIssue({ ...i, path: ['value', ...i.path] });
    }
    // An Action.Submit click comes as a message whose value is the button's data.
    if (
      a.type === 'message' &&
      a.value !== undefined &&
      (typeof a.value !== 'object' || a.value === null || Array.isArray(a.value))
    ) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'a message value is an object' });
    }
    // TeamsActivityHandler reads channelData.eventType on these.
    if ((a.type === 'messageUpdate' || a.type === 'messageDelete') && !a.channelData)
      ctx.addIssue({ code: 'custom', path: ['channelData'], message: 'required' });
  });

/**
 * A checked activity as botbuilder's type: the fields the schema vouches for are the ones read;
 * times become Dates as botbuilder's own parser makes them.
 */
export function toActivity(a: z.output<typeof IncomingActivity>): Activity {
  const { timestamp, localTimestamp, ...rest } = a;
  const times = {
    ...(timestamp !== undefined ? { timestamp: new Date(timestamp), rawTimestamp: timestamp } : {}),
    ...(localTimestamp !== undefined
      ? { localTimestamp: new Date(localTimestamp), rawLocalTimestamp: localTimestamp }
      : {}),
  };
  return { ...rest, ...times } as unknown as Activity;
}

export const cardMessage = (card: AdaptiveCard): Partial<Activity> => ({
  type: 'message',
  attachments: [{ contentType: CARD_CONTENT_TYPE, content: card }],
  ...(card.fallbackText ? { summary: card.fallbackText.slice(0, 200) } : {}),
});

/** Text we wrote (already escaped where it carries someone's words). */
export const markdownMessage = (text: string): Partial<Activity> => ({ type: 'message', text, textFormat: 'markdown' });

/**
 * A message's text, at most: Teams refuses a message over 40 KB of UTF-16 (413
 * MessageSizeTooBig), envelope included; newer documentation says 100 KB. A text past this
 * goes as several messages, in order.
 */
export const MESSAGE_TEXT_MAX = 18_000;

/**
 * A piece of a text surface's message, with the mention entities of the people it names (a
 * breach warning names the owner): Teams notifies only those.
 */
const textMessage =
  (s: Surface) =>
  (text: string): Partial<Activity> => {
    const spans = s.blocks.flatMap((b) => (b.type === 'text' || b.type === 'context' ? b.text : []));
    const entities = mentionEntities(spans).filter((m) => text.includes(m.text));
    return { ...markdownMessage(text), ...(entities.length > 0 ? { entities } : {}) };
  };

/** A surface as an activity: a markdown message when it is only text, else a card (`userIds`: see card()). */
export const activityOf = (s: Surface, o: { userIds?: readonly string[]; alone?: boolean } = {}): Partial<Activity> =>
  isText(s) ? textMessage(s)(messageText(s)) : cardMessage(card(s, o));

/** A surface as the activities that carry it whole: a long text in several messages, in order. */
export const activitiesOf = (s: Surface, o: { userIds?: readonly string[] } = {}): Array<Partial<Activity>> =>
  isText(s) ? splitMarkdown(messageText(s), MESSAGE_TEXT_MAX).map(textMessage(s)) : [cardMessage(card(s, o))];

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
export function activityText(a: Activity): string {
  const withoutBot = TurnContext.removeRecipientMention(a) ?? a.text ?? '';
  return withoutBot
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_m, e: string) => ENTITIES[e] ?? '')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}
