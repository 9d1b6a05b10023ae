import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../../src/app/context.js';
import { dispatch } from '../../../src/app/dispatch/index.js';
import type { Intent, Outcome } from '../../../src/app/intents.js';
import type { SlackPeople } from '../people.js';
import { message, modal } from '../render/blockKit.js';
import { mrkdwn } from '../render/mrkdwn.js';

/** What every Slack listener needs. */
export interface SlackDeps {
  ctx: AppContext;
  people: SlackPeople;
  command: string;
}

/** The workspace an event came from (Bolt's context after authorize): where its user is looked up. */
export const teamOf = (context: {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
}): string | undefined => context.teamId ?? context.enterpriseId;

/** Where the user acted: a channel (and thread) for an ephemeral answer, else their DM. */
export interface Where {
  channel?: string | undefined;
  threadTs?: string | undefined;
  /** Lets a dialog open (button clicks and commands carry one). */
  triggerId?: string | undefined;
}

export const run = (d: SlackDeps, intent: Intent): Promise<Outcome> => dispatch(d.ctx, intent, { prefix: d.command });

/**
 * Shows an outcome to the Slack user who acted: a notice or a surface privately (ephemeral
 * where they are, else in their DM), a dialog as a modal, a home on the App Home.
 */
export async function present(
  d: SlackDeps,
  client: WebClient,
  user: string,
  where: Where,
  out: Outcome,
): Promise<void> {
  try {
    if (out.open?.kind === 'dialog' && where.triggerId)
      await client.views.open({ trigger_id: where.triggerId, view: modal(out.open) });
    const shown = out.open && out.open.kind !== 'dialog' && out.open.kind !== 'home' ? message(out.open) : undefined;
    if (out.notice) await tell(client, user, where, { text: mrkdwn(out.notice.text) });
    if (shown) await tell(client, user, where, shown);
  } catch (err) {
    d.ctx.log.warn({ err: (err as Error).message, user }, 'could not answer the user in Slack');
  }
}

/** Answers with the event's own client: the token of the workspace the user acted in. */
async function tell(
  client: WebClient,
  user: string,
  where: Where,
  msg: { text: string; blocks?: unknown[] },
): Promise<void> {
  const body = msg as { text: string };
  if (where.channel) {
    await client.chat.postEphemeral({
      channel: where.channel,
      user,
      ...body,
      ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
    });
    return;
  }
  const dm = await client.conversations.open({ users: user });
  if (dm.channel?.id) await client.chat.postMessage({ channel: dm.channel.id, ...body });
}
