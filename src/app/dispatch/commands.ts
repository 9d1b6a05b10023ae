import type { Agent } from '../../domain/directory.js';
import { Refused } from '../errors.js';
import type { AppContext } from '../context.js';
import { type Command, type Mention, parseCommand } from '../grammar.js';
import type { Outcome } from '../intents.js';
import * as invites from '../invites.js';
import { publishHomes } from '../delivery/planner.js';
import { setAvailability } from '../sessions.js';
import { helpSurface } from '../surfaces/help.js';
import { homeSurface, monitoringSurface } from '../surfaces/home.js';
import { agentName, modeWord } from '../surfaces/names.js';
import { homeView, monitoringView } from '../views.js';
import { type Rich, words } from '../wording/index.js';
import { resolveAgent, resolveChat } from './resolve.js';

export const done = (text: Rich): Outcome => ({ notice: { text, tone: 'good' } });

/** Runs a parsed command for an agent. `place` is where it was typed, when that mirrors a chat. */
export async function runCommand(ctx: AppContext, agent: Agent, command: Command, ctxt: { place?: string; prefix: string }): Promise<Outcome> {
  switch (command.kind) {
    case 'invite': {
      const session = await resolveChat(ctx, agent.id, command.ref, ctxt.place);
      try {
        // A name or an email is looked up in the queue, under the search's rule; an @mention names someone already.
        const among = 'query' in command.who ? await invites.searchableAgents(ctx, session, agent.id) : [];
        const invitee = resolveAgent(ctx, command.who, among);
        await invites.invite(ctx, { sessionId: session.id, inviterId: agent.id, inviteeId: invitee.id, mode: command.mode });
        return done(words('notice.invited', { name: agentName(invitee), mode: modeWord(command.mode), ref: session.ref }));
      } catch (err) {
        // Which chat the refusal is about, when the command did not name it.
        if (err instanceof Refused && !command.ref) throw new Refused(err.code, words('refusal.in_chat', { ref: session.ref, reason: err.text }), err.status);
        throw err;
      }
    }
    case 'available':
    case 'away': {
      await setAvailability(ctx, agent.id, command.kind === 'available');
      await publishHomes(ctx, [agent]);
      return { ...done(words(command.kind === 'available' ? 'notice.available' : 'notice.away')), open: homeSurface(await homeView(ctx, agent)) };
    }
    case 'monitor':
      return { open: monitoringSurface(await monitoringView(ctx, agent), agent.id) };
    case 'help':
      return { open: helpSurface(ctxt.prefix) };
  }
}

/**
 * A command line: run when it parses, else say so and show the help. `strict`: a refusal is
 * thrown rather than answered (the caller decides what to show).
 */
export async function commandLine(ctx: AppContext, agent: Agent, text: string, mentions: readonly Mention[], ctxt: { place?: string; prefix: string }, o: { strict?: boolean } = {}): Promise<Outcome> {
  const parsed = parseCommand(text || 'help', mentions);
  if (!parsed.ok) return { notice: { text: words('notice.unknownCommand', { text }), tone: 'attention' }, open: helpSurface(ctxt.prefix) };
  if (o.strict) return runCommand(ctx, agent, parsed.command, ctxt);
  try {
    return await runCommand(ctx, agent, parsed.command, ctxt);
  } catch (err) {
    if (err instanceof Refused) return { notice: { text: err.text, tone: 'attention' } };
    throw err;
  }
}
