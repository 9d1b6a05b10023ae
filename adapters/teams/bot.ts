import {
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  TeamsActivityHandler,
  type TurnContext,
} from 'botbuilder';
import { once } from '../../src/app/dedupe.js';
import { learn, onInstall } from './receiver/install.js';
import { invokeValueOf, onExecute, onSubmit } from './receiver/invoke.js';
import { onMessage, onRevision } from './receiver/messages.js';
import type { TeamsDeps } from './receiver/present.js';

/** Re-deliveries of the same activity within a day are dropped. */
const DEDUPE_SECONDS = 86_400;
const DEDUPED = new Set(['message', 'conversationUpdate', 'installationUpdate']);

const isSubmit = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as { verb?: unknown }).verb === 'string';

/**
 * Routes Teams activities to the receiver: messages (thread replies, 1:1 lines, commands),
 * card actions, install events. Drops the bot's own messages and repeated deliveries, and
 * learns every sender's references first.
 */
export class SwitchboardBot extends TeamsActivityHandler {
  constructor(private readonly d: TeamsDeps) {
    super();
    this.onMessage(async (tc, next) => {
      await (isSubmit(tc.activity.value) ? onSubmit(d, tc) : onMessage(d, tc));
      await next();
    });
    this.onConversationUpdate(async (tc, next) => {
      await onInstall(d, tc);
      await next();
    });
    this.onInstallationUpdate(async (tc, next) => {
      await onInstall(d, tc);
      await next();
    });
    this.onTeamsMessageEditEvent(async (tc, next) => {
      await onRevision(d, tc, false);
      await next();
    });
    this.onTeamsMessageSoftDeleteEvent(async (tc, next) => {
      await onRevision(d, tc, true);
      await next();
    });
  }

  override async run(tc: TurnContext): Promise<void> {
    const a = tc.activity;
    if (a.from?.id && (a.from.id === a.recipient?.id || a.from.role === 'bot')) return;
    const handle = async () => {
      await learn(this.d, tc);
      await super.run(tc);
    };
    // Re-deliveries are dropped (activity ids are unique per conversation). Not invokes: they
    // must always be answered, and every use case behind a button takes effect once anyway.
    // Not edits either: they carry the id of the message they change.
    if (!a.id || !DEDUPED.has(a.type)) return handle();
    try {
      await once(this.d.ctx, `teams:activity:${a.conversation?.id ?? ''}:${a.id}`, DEDUPE_SECONDS, handle);
    } catch (err) {
      this.d.log.error({ err, activityId: a.id, type: a.type }, 'Teams activity failed');
      throw err;
    }
  }

  protected override async onAdaptiveCardInvoke(
    tc: TurnContext,
    value: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const { data, alone } = invokeValueOf(value.action.data);
    return onExecute(this.d, tc, value.action.verb, data, { alone });
  }
}
