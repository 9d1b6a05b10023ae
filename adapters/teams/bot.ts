import { type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, TeamsActivityHandler, type TurnContext } from 'botbuilder';
import { CARD_CONTENT_TYPE, cardMessage } from './activity.js';
import { VERBS } from './cards/index.js';
import { type ActionInput, cardAction } from './listeners/actions.js';
import { guarded, type TeamsDeps } from './listeners/deps.js';
import { learn, onInstall } from './listeners/install.js';
import { onMessage, onRevision } from './listeners/messages.js';

/** Re-deliveries of the same activity within a day are dropped. */
const DEDUPE_SECONDS = 86_400;
const DEDUPED = new Set(['message', 'conversationUpdate', 'installationUpdate']);

/**
 * Routes Teams activities to the listeners: messages (thread replies, 1:1 replies, commands),
 * card actions, install events. Drops the bot's own messages and repeated deliveries, and
 * learns every sender's references first.
 */
export class SwitchboardBot extends TeamsActivityHandler {
  constructor(private readonly d: TeamsDeps) {
    super();
    this.onMessage(async (tc, next) => {
      await guarded(d, tc, () => (isSubmit(tc.activity.value) ? this.submit(tc) : onMessage(d, tc)));
      await next();
    });
    this.onConversationUpdate(async (tc, next) => {
      await guarded(d, tc, () => onInstall(d, tc));
      await next();
    });
    this.onTeamsMessageEditEvent(async (tc, next) => {
      await guarded(d, tc, () => onRevision(d, tc, false));
      await next();
    });
    this.onTeamsMessageSoftDeleteEvent(async (tc, next) => {
      await guarded(d, tc, () => onRevision(d, tc, true));
      await next();
    });
    this.onInstallationUpdate(async (tc, next) => {
      await guarded(d, tc, () => onInstall(d, tc));
      await next();
    });
  }

  override async run(tc: TurnContext): Promise<void> {
    const a = tc.activity;
    if (a.from?.id && (a.from.id === a.recipient?.id || a.from.role === 'bot')) return;
    // Re-deliveries are dropped (the id is unique per conversation, hence both in the key).
    // Not invokes: they must always be answered, and every use case behind a button takes
    // effect once anyway (a repeat gets the current card and a refusal). Not edits either:
    // they carry the id of the message they change.
    const claim = a.id && DEDUPED.has(a.type) ? `teams:activity:${a.conversation?.id ?? ''}:${a.id}` : undefined;
    if (claim && !(await this.d.ctx.store.claimOnce(claim, DEDUPE_SECONDS))) return;
    try {
      await guarded(this.d, tc, () => learn(this.d, tc));
      await super.run(tc);
    } catch (err) {
      // Failed half-way (Redis away, say): let Teams' re-delivery be processed, not dropped.
      if (claim) await this.d.ctx.store.releaseClaim(claim).catch(() => undefined);
      throw err;
    }
  }

  protected override async onAdaptiveCardInvoke(tc: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const input = { ...(value.action.data ?? {}), verb: value.action.verb } as ActionInput;
    const card = await cardAction(this.d, tc, input).catch((err: unknown) => {
      this.d.log.error({ err, verb: input.verb }, 'Teams card action failed');
      return undefined;
    });
    if (!card) return { statusCode: 500, type: 'application/vnd.microsoft.error', value: { code: 'InternalError', message: 'Something went wrong; try again.' } };
    return { statusCode: 200, type: CARD_CONTENT_TYPE, value: card as unknown as Record<string, unknown> };
  }

  /** Action.Submit (hosts without Universal Actions): same verbs; the card is replaced in place. */
  private async submit(tc: TurnContext): Promise<void> {
    const input = tc.activity.value as ActionInput;
    const card = await cardAction(this.d, tc, input);
    // Without per-user answers, replacing the clicked card would change it for everyone: the
    // search and invite-details views, opened from the session card, come as a new message.
    const opensView = input.verb === VERBS.invites || (input.verb === VERBS.invite && input.mode === undefined);
    if (tc.activity.replyToId && !opensView) await tc.updateActivity({ ...cardMessage(card), id: tc.activity.replyToId });
    else await tc.sendActivity(cardMessage(card));
  }
}

const isSubmit = (v: unknown): boolean => typeof v === 'object' && v !== null && typeof (v as { verb?: unknown }).verb === 'string';
