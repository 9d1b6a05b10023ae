import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { AppContext } from '../../../src/app/context.js';
import { dispatch } from '../../../src/app/dispatch/index.js';
import type { Intent, Outcome } from '../../../src/app/intents.js';
import { type Surface, withNotice } from '../../../src/app/surfaces/surface.js';
import { say } from '../../../src/app/wording/index.js';
import { activityOf, markdownMessage } from '../activity.js';
import type { TeamsPeople } from '../people.js';
import type { TeamsReferences } from '../references.js';
import { markdown } from '../render/markdown.js';

/** What every listener needs: the use cases' context and who is who in Teams. */
export interface TeamsDeps {
  ctx: AppContext;
  people: TeamsPeople;
  refs: TeamsReferences;
  log: Logger;
}

/** How agents address the bot, for the help. */
export const PREFIX = say('help.prefix.mention', { bot: 'Switchboard' });

export const run = (d: TeamsDeps, intent: Intent): Promise<Outcome> => dispatch(d.ctx, intent, { prefix: PREFIX });

/**
 * Answers in the conversation the activity came from: one message, the notice atop what it
 * opens. A list drawn this way (a home, the monitor card) is remembered, to be kept current.
 */
export async function present(d: TeamsDeps, tc: TurnContext, out: Outcome): Promise<void> {
  if (out.open) {
    // A form answering a command is a message of its own: drawn in place of nothing (no Back),
    // and what its buttons do shows in it alone (onExecute).
    const r = await tc.sendActivity(
      activityOf(out.notice ? withNotice(out.open, out.notice.text, out.notice.tone) : out.open, {
        alone: out.open.kind === 'dialog',
      }),
    );
    if (r?.id) await rememberList(d, tc.activity, out.open, r.id);
  } else if (out.notice) await tc.sendActivity(markdownMessage(markdown(out.notice.text, 'message')));
}

/** Lists are drawn again whenever their chats change (TeamsPlatform.publishHome): where this one is. */
export async function rememberList(d: TeamsDeps, a: Partial<Activity>, s: Surface, activityId: string): Promise<void> {
  if (s.meta?.kind !== 'list' || !a.conversation?.id || !a.serviceUrl) return;
  await d.refs.saveListCard(s.meta.id, { conversationId: a.conversation.id, activityId, serviceUrl: a.serviceUrl });
}
