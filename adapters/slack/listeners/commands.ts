import type { App, RespondArguments } from '@slack/bolt';
import { parseCommand, resolveChat, resolveInvitee } from '../../../src/app/commands.js';
import { Refused } from '../../../src/app/errors.js';
import * as invites from '../../../src/app/invites.js';
import { publishHomes } from '../../../src/app/relay.js';
import * as sessions from '../../../src/app/sessions.js';
import { monitoringView } from '../../../src/app/views.js';
import { type Agent, fullName } from '../../../src/domain/directory.js';
import { helpText, monitoringList } from '../blocks/index.js';
import type { SlackDeps } from '../deps.js';

type Reply = Extract<RespondArguments, { text: string }> | { text: string; blocks?: unknown[] };

/** `/chat invite|available|away|monitor|help`: answered privately in the command's response. */
export function registerCommands(app: App, d: SlackDeps): void {
  app.command(d.command, async ({ ack, command }) => {
    const agent = await d.people.agent(command.user_id);
    let reply: Reply;
    try {
      if (!agent) throw new Refused('not_agent', 'You are not in the Switchboard directory. Ask your administrator to add you.', 403);
      reply = await run(d, agent, command.text);
    } catch (err) {
      if (!(err instanceof Refused)) d.ctx.log.error({ err }, 'slash command failed');
      reply = { text: err instanceof Refused ? err.message : 'Something went wrong on our side; please try again.' };
    }
    await ack({ response_type: 'ephemeral', ...reply } as RespondArguments);
  });
}

async function run(d: SlackDeps, agent: Agent, text: string): Promise<Reply> {
  const cmd = parseCommand(text);
  switch (cmd.kind) {
    case 'available':
    case 'away':
      await sessions.setAvailability(d.ctx, agent.id, cmd.kind === 'available');
      await publishHomes(d.ctx, [agent]);
      return { text: cmd.kind === 'available' ? 'You are Available: colleagues can invite you and you can take chats.' : 'You are Away: nobody can invite you until you are Available again.' };
    case 'monitor':
      return monitoringList(await monitoringView(d.ctx, agent), agent.id);
    case 'invite': {
      const session = await resolveChat(d.ctx, agent.id, cmd.ref);
      const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(cmd.who);
      const invitee = mention ? await d.people.agent(mention[1]!) : resolveInvitee(d.ctx, session, cmd.who);
      if (!invitee) throw new Refused('unknown_agent', `${cmd.who} is not in the Switchboard directory.`, 404);
      await invites.invite(d.ctx, { sessionId: session.id, inviterId: agent.id, inviteeId: invitee.id, mode: cmd.mode });
      return { text: `Invited ${fullName(invitee)} as ${cmd.mode} to chat ${session.ref}.` };
    }
    case 'help':
      return { text: helpText(d.command) };
    case 'unknown':
      return { text: `I did not understand "${cmd.text}".\n${helpText(d.command)}` };
  }
}
