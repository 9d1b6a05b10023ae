import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { Outcome } from '../../../src/app/intents.js';
import { line, type Surface, withNotice } from '../../../src/app/surfaces/surface.js';
import { CARD_CONTENT_TYPE, markdownMessage } from '../activity.js';
import { ALONE, card } from '../render/adaptiveCard.js';
import { markdown } from '../render/markdown.js';
import { present, rememberList, run, type TeamsDeps } from './present.js';

/**
 * A card button's verb and data (the card's inputs merged in), untrusted until the core
 * validates them, and whether its card stands alone (card()'s `alone`: only how it is drawn).
 */
export function invokeValueOf(value: unknown): { verb: unknown; data: Record<string, unknown>; alone: boolean } {
  const {
    verb,
    [ALONE]: alone,
    ...data
  } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return { verb, data, alone: alone === true };
}

/** Cards Switchboard redraws for everyone as their chat changes: a chat's root, a list. */
const keptCurrent = (s: Surface | undefined): boolean => s?.meta?.kind === 'root' || s?.meta?.kind === 'list';

/**
 * Action.Execute: the answer is the card as the clicker should now see it, with the result on
 * top. On a card that is redrawn as its chat changes (for everyone, a moment later), what was
 * done is also said as a message, or the clicker would never see it.
 */
export async function onExecute(
  d: TeamsDeps,
  tc: TurnContext,
  verb: unknown,
  data: unknown,
  o: { alone?: boolean } = {},
): Promise<AdaptiveCardInvokeResponse> {
  const out = await run(d, { kind: 'click', agent: await d.people.agentOf(tc), verb, data });
  const shows = out.open ?? (out.show ? await out.show().catch(() => undefined) : undefined);
  // A form posted on its own (a command's answer) is not a chat's card or a list: once sent it
  // says what was done, and never turns into one more copy of the chat's card, which nothing
  // would keep current (it would still offer End chat after the end).
  const base = o.alone && keptCurrent(shows) ? undefined : shows;
  const shown = base
    ? out.notice
      ? withNotice(base, out.notice.text, out.notice.tone)
      : base
    : out.notice
      ? line(out.notice.text)
      : undefined;
  if (out.notice && out.notice.tone !== 'attention' && keptCurrent(base))
    await tc.sendActivity(markdownMessage(markdown(out.notice.text, 'message')));
  // A list drawn in place of another card (a home's Back) is the one to keep current.
  if (base && tc.activity.replyToId) await rememberList(d, tc.activity, base, tc.activity.replyToId);
  if (!shown)
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'OK' as unknown as Record<string, unknown>,
    };
  return {
    statusCode: 200,
    type: CARD_CONTENT_TYPE,
    value: card(shown, { alone: o.alone === true }) as unknown as Record<string, unknown>,
  };
}

/**
 * Action.Submit (hosts without Universal Actions): the result comes as a new message. The
 * clicked card is not replaced: it is shared, and the relay updates it for everyone.
 */
export async function onSubmit(d: TeamsDeps, tc: TurnContext): Promise<void> {
  const { verb, data } = invokeValueOf(tc.activity.value);
  const out: Outcome = await run(d, { kind: 'click', agent: await d.people.agentOf(tc), verb, data });
  await present(d, tc, out);
}
