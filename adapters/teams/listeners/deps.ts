import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { AppContext } from '../../../src/app/context.js';
import { Refused } from '../../../src/app/errors.js';
import type { Agent } from '../../../src/domain/directory.js';
import { cardMessage, markdownMessage } from '../activity.js';
import { type AdaptiveCard, escapeTeamsMarkdown } from '../cards/index.js';
import type { TeamsPeople } from '../people.js';
import type { TeamsReferences } from '../references.js';

/** What every listener needs: the use cases' context and who is who in Teams. */
export interface TeamsDeps {
  ctx: AppContext;
  people: TeamsPeople;
  refs: TeamsReferences;
  log: Logger;
}

export const NOT_AN_AGENT = 'You are not a Switchboard agent: ask an administrator to add you to the directory.';

/** The acting agent, or a refusal the user sees (the domain decides everything else). */
export function needAgent(agent: Agent | undefined): Agent {
  if (!agent) throw new Refused('not_agent', NOT_AN_AGENT, 403);
  return agent;
}

/** A reply in the current conversation (the thread, for a channel). Text is escaped: it may quote users. */
export const replyText = async (tc: TurnContext, text: string): Promise<void> => {
  await tc.sendActivity(markdownMessage(escapeTeamsMarkdown(text)));
};
export const replyCard = async (tc: TurnContext, card: AdaptiveCard): Promise<void> => {
  await tc.sendActivity(cardMessage(card));
};

/** Runs a listener: a refusal is told to the user, anything else is logged (the turn still answers 200). */
export async function guarded(d: TeamsDeps, tc: TurnContext, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (err instanceof Refused) {
      await replyText(tc, err.message).catch((e: unknown) => d.log.warn({ err: (e as Error).message }, 'could not send a refusal'));
      return;
    }
    d.log.error({ err, activityId: tc.activity.id, type: tc.activity.type }, 'Teams activity failed');
  }
}
