import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { AppContext } from '../../../src/app/context.js';
import { dispatch } from '../../../src/app/dispatch/index.js';
import type { Intent, Outcome } from '../../../src/app/intents.js';
import { withNotice } from '../../../src/app/surfaces/surface.js';
import { say } from '../../../src/app/wording/index.js';
import { activityOf, markdownMessage } from '../activity.js';
import type { TeamsPeople } from '../people.js';
import { markdown } from '../render/markdown.js';
import type { TeamsReferences } from '../references.js';

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

/** Answers in the conversation the activity came from: one message, the notice atop what it opens. */
export async function present(tc: TurnContext, out: Outcome): Promise<void> {
  if (out.open) await tc.sendActivity(activityOf(out.notice ? withNotice(out.open, out.notice.text, out.notice.tone) : out.open));
  else if (out.notice) await tc.sendActivity(markdownMessage(markdown(out.notice.text, 'message')));
}
