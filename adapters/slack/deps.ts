import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../src/app/context.js';
import { Refused } from '../../src/app/errors.js';
import type { Agent } from '../../src/domain/directory.js';
import type { SlackPeople } from './people.js';

/** What every Slack listener needs. */
export interface SlackDeps {
  ctx: AppContext;
  people: SlackPeople;
  client: WebClient;
  command: string;
}

export interface Where {
  channel?: string | undefined;
  threadTs?: string | undefined;
}

/** A private answer to one user: ephemeral in the channel they clicked in, else a DM. */
export async function tell(d: SlackDeps, user: string, where: Where, text: string): Promise<void> {
  try {
    if (where.channel) {
      await d.client.chat.postEphemeral({ channel: where.channel, user, text, ...(where.threadTs ? { thread_ts: where.threadTs } : {}) });
      return;
    }
    const dm = await d.client.conversations.open({ users: user });
    if (dm.channel?.id) await d.client.chat.postMessage({ channel: dm.channel.id, text });
  } catch (err) {
    d.ctx.log.warn({ err: (err as Error).message, user }, 'could not answer the user in Slack');
  }
}

/**
 * Runs a use case for a Slack user. A refusal from the rules becomes a private answer;
 * anything else is logged and the user hears that it failed.
 */
export async function asAgent(d: SlackDeps, user: string, where: Where, work: (agent: Agent) => Promise<unknown>): Promise<boolean> {
  const agent = await d.people.agent(user);
  if (!agent) {
    await tell(d, user, where, 'You are not in the Switchboard directory, so you cannot act on chats. Ask your administrator to add you.');
    return false;
  }
  try {
    await work(agent);
    return true;
  } catch (err) {
    if (err instanceof Refused) {
      await tell(d, user, where, err.message);
      return false;
    }
    d.ctx.log.error({ err, user }, 'slack action failed');
    await tell(d, user, where, 'Something went wrong on our side; please try again.');
    return false;
  }
}
