import { type TurnContext, TurnContext as TC } from 'botbuilder';
import { type Command, resolveChat, resolveInvitee } from '../../../src/app/commands.js';
import * as invites from '../../../src/app/invites.js';
import * as sessions from '../../../src/app/sessions.js';
import { homeView, monitoringView } from '../../../src/app/views.js';
import { type Agent, fullName } from '../../../src/domain/directory.js';
import type { Session } from '../../../src/domain/session.js';
import { helpCard, homeCard, monitoringCard } from '../cards/index.js';
import { needAgent, replyCard, replyText, type TeamsDeps } from './deps.js';

/**
 * The @mention commands (`invite`, `available`, `away`, `monitor`, `help`), parsed by the
 * shared parser. In a chat's thread, `invite` is about that chat unless a ref is given.
 */
export async function runCommand(d: TeamsDeps, tc: TurnContext, cmd: Command, threadSessionId: string | undefined): Promise<void> {
  const { ctx } = d;
  switch (cmd.kind) {
    case 'invite': {
      const agent = needAgent(await d.people.agentOf(tc));
      const session: Session = threadSessionId && !cmd.ref ? await sessions.loadSession(ctx, threadSessionId) : await resolveChat(ctx, agent.id, cmd.ref);
      const invitee = (await mentioned(d, tc, cmd.who)) ?? resolveInvitee(ctx, session, cmd.who);
      await invites.invite(ctx, { sessionId: session.id, inviterId: agent.id, inviteeId: invitee.id, mode: cmd.mode });
      return replyText(tc, `Invite sent to ${fullName(invitee)} as ${cmd.mode} for chat ${session.ref}.`);
    }
    case 'available':
    case 'away': {
      const agent = needAgent(await d.people.agentOf(tc));
      await sessions.setAvailability(ctx, agent.id, cmd.kind === 'available');
      return replyCard(tc, homeCard(await homeView(ctx, agent)));
    }
    case 'monitor': {
      const agent = needAgent(await d.people.agentOf(tc));
      return replyCard(tc, monitoringCard(await monitoringView(ctx, agent), agent.id));
    }
    case 'help':
    case 'unknown':
      return replyCard(tc, helpCard());
  }
}

/** `invite @Bob`: the person mentioned, found through their Teams account (email) rather than by name. */
async function mentioned(d: TeamsDeps, tc: TurnContext, who: string): Promise<Agent | undefined> {
  const others = TC.getMentions(tc.activity).filter((m) => m.mentioned?.id && m.mentioned.id !== tc.activity.recipient?.id);
  const named = others.filter((m) => {
    const n = (m.mentioned.name ?? m.text?.replace(/<\/?at>/g, '') ?? '').trim();
    return n !== '' && who.includes(n);
  });
  if (named.length !== 1) return undefined;
  return d.people.agentFor(tc, named[0]!.mentioned);
}
