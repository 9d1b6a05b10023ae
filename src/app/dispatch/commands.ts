import type { Agent } from '../../domain/directory.js';
import type { Session } from '../../domain/session.js';
import * as canned from '../canned.js';
import type { AppContext } from '../context.js';
import { publishHomes } from '../delivery/planner.js';
import { Refused } from '../errors.js';
import { type Command, isAnyone, type Mention, parseCommand, type Who } from '../grammar.js';
import type { Outcome } from '../intents.js';
import * as invites from '../invites.js';
import * as lifecycle from '../lifecycle.js';
import { chatHistory } from '../record/history.js';
import { todayFor } from '../record/reports.js';
import { setAvailability } from '../sessions.js';
import { helpSurface } from '../surfaces/help.js';
import { homeSurface, monitoringSurface } from '../surfaces/home.js';
import { agentName, modeWord } from '../surfaces/names.js';
import { historySurface, reportSurface } from '../surfaces/record.js';
import { homeView, monitoringView } from '../views.js';
import { plural, type Rich, words } from '../wording/index.js';
import { cannedPicker } from './cannedPicker.js';
import { resolveAgent, resolveChat, resolveQueue } from './resolve.js';

export const done = (text: Rich): Outcome => ({ notice: { text, tone: 'good' } });

/** Being Away is a state, not an achievement: said plainly. */
export const availabilityDone = (available: boolean): Outcome => ({
  notice: { text: words(available ? 'notice.available' : 'notice.away'), tone: available ? 'good' : 'info' },
});

/** Runs a parsed command for an agent. `place` is where it was typed, when that mirrors a chat. */
export async function runCommand(
  ctx: AppContext,
  agent: Agent,
  command: Command,
  ctxt: { place?: string; prefix: string },
): Promise<Outcome> {
  switch (command.kind) {
    case 'invite':
    case 'transfer':
    case 'release':
    case 'leave':
    case 'assist':
    case 'promote': {
      const session = await resolveChat(ctx, agent.id, command.ref, ctxt.place, command.kind);
      try {
        return await inChat(ctx, agent, command, session);
      } catch (err) {
        // Which chat the refusal is about, when the command did not name it.
        if (err instanceof Refused && !command.ref)
          throw new Refused(err.code, words('refusal.in_chat', { ref: session.ref, reason: err.text }), err.status);
        throw err;
      }
    }
    case 'available':
    case 'away': {
      await setAvailability(ctx, agent.id, command.kind === 'available');
      await publishHomes(ctx, [agent]);
      return {
        ...availabilityDone(command.kind === 'available'),
        open: homeSurface(await homeView(ctx, agent), { said: true }),
      };
    }
    case 'monitor':
      return { open: monitoringSurface(await monitoringView(ctx, agent), agent.id) };
    case 'report':
      return { open: reportSurface(await todayFor(ctx, agent, { fresh: true }), ctx.now()) };
    case 'history': {
      const dir = ctx.directory.get();
      return {
        open: historySurface(await chatHistory(ctx, agent, command.ref), {
          queueName: (id) => dir.queue(id)?.name ?? id,
          agent: (id) => dir.agent(id),
          publicUrl: ctx.settings.publicUrl,
        }),
      };
    }
    case 'help':
      return { open: helpSurface(ctxt.prefix) };
    case 'canned':
      return cannedCommand(ctx, agent, command, ctxt);
  }
}

/** The commands about one open chat (its ref may be left out); `history` names an ended one. */
type ChatCommand = Exclude<Extract<Command, { ref: string | undefined }>, { kind: 'history' | 'canned' }>;

/**
 * `canned`: send one by its shortcut in a chat, or pick from the replies some words find (a
 * shortcut that is not there is searched for); add or remove one of the agent's own.
 */
async function cannedCommand(
  ctx: AppContext,
  agent: Agent,
  command: Extract<Command, { kind: 'canned' }>,
  ctxt: { place?: string; prefix: string },
): Promise<Outcome> {
  if (command.op === 'add') {
    const saved = await canned.savePersonal(ctx, agent.id, {
      shortcut: command.shortcut,
      title: command.title,
      text: command.text,
    });
    await publishHomes(ctx, [agent]);
    return done(words('notice.cannedSaved', { shortcut: saved.shortcut }));
  }
  if (command.op === 'remove') {
    await canned.removePersonal(ctx, agent.id, command.shortcut);
    await publishHomes(ctx, [agent]);
    return done(words('notice.cannedRemoved', { shortcut: command.shortcut }));
  }
  const session = await resolveChat(ctx, agent.id, command.ref, ctxt.place, 'canned');
  if (command.op === 'send') {
    const offered = await canned.offeredIn(ctx, session, agent.id);
    if (offered.some((c) => c.shortcut === command.shortcut.toLowerCase())) {
      const sent = await canned.sendCanned(ctx, {
        sessionId: session.id,
        agent,
        shortcut: command.shortcut,
        origin: 'canned',
      });
      return done(words('notice.cannedSent', { shortcut: sent.reply.shortcut, ref: session.ref }));
    }
  }
  const query = command.op === 'send' ? command.shortcut : command.query;
  return { open: await cannedPicker(ctx, agent, session.id, { query, prefix: ctxt.prefix }) };
}

/** A command about one chat, once the chat is known. */
async function inChat(ctx: AppContext, agent: Agent, command: ChatCommand, session: Session): Promise<Outcome> {
  const { ref } = session;
  const queueName = (id: string) => ctx.directory.get().queue(id)?.name ?? id;
  // A name or an email is looked up in the queue, under the search's rule; an @mention names someone already.
  const among = async (who: Who) => ('query' in who ? invites.searchableAgents(ctx, session, agent.id) : []);
  switch (command.kind) {
    case 'invite': {
      if (isAnyone(command.who)) {
        const sent = await invites.inviteAnyone(ctx, {
          sessionId: session.id,
          inviterId: agent.id,
          mode: command.mode,
        });
        return done(plural('notice.invitedAnyone', sent.length, { queue: queueName(session.queueId), ref }));
      }
      const invitee = resolveAgent(ctx, command.who, await among(command.who));
      await invites.invite(ctx, {
        sessionId: session.id,
        inviterId: agent.id,
        inviteeId: invitee.id,
        mode: command.mode,
      });
      return done(words('notice.invited', { name: agentName(invitee), mode: modeWord(command.mode), ref }));
    }
    case 'transfer': {
      const toQueue = resolveQueue(ctx, command.who);
      if (toQueue) {
        await lifecycle.transfer(ctx, { sessionId: session.id, agentId: agent.id, toQueue });
        return done(words('notice.moved', { ref, queue: queueName(toQueue) }));
      }
      const to = resolveAgent(ctx, command.who, await among(command.who));
      await lifecycle.transfer(ctx, { sessionId: session.id, agentId: agent.id, toAgentId: to.id });
      return done(words('notice.offered', { ref, name: agentName(to) }));
    }
    case 'release': {
      const s = await lifecycle.release(ctx, session.id, agent.id);
      return done(words('notice.released', { ref, queue: queueName(s.queueId) }));
    }
    case 'leave':
      await lifecycle.leave(ctx, session.id, agent.id);
      return done(words('notice.left', { ref }));
    case 'assist':
      await invites.requestHelp(ctx, { sessionId: session.id, agentId: agent.id, note: command.note });
      return done(words('notice.helpAsked', { ref, queue: queueName(session.queueId) }));
    case 'promote': {
      const member = resolveAgent(ctx, command.who, await among(command.who));
      await lifecycle.promote(ctx, session.id, agent.id, member.id);
      return done(words('notice.promoted', { ref, name: agentName(member) }));
    }
  }
}

/**
 * A command line: run when it parses, else say so and show the help. `strict`: a refusal is
 * thrown rather than answered (the caller decides what to show).
 */
export async function commandLine(
  ctx: AppContext,
  agent: Agent,
  text: string,
  mentions: readonly Mention[],
  ctxt: { place?: string; prefix: string },
  o: { strict?: boolean } = {},
): Promise<Outcome> {
  const parsed = parseCommand(text || 'help', mentions);
  if (!parsed.ok && parsed.refusal) {
    if (o.strict) throw Refused.from(parsed.refusal);
    return { notice: { text: Refused.from(parsed.refusal).text, tone: 'attention' } };
  }
  if (!parsed.ok)
    return {
      notice: { text: words('notice.unknownCommand', { text }), tone: 'attention' },
      open: helpSurface(ctxt.prefix),
    };
  if (o.strict) return runCommand(ctx, agent, parsed.command, ctxt);
  try {
    return await runCommand(ctx, agent, parsed.command, ctxt);
  } catch (err) {
    if (err instanceof Refused) return { notice: { text: err.text, tone: 'attention' } };
    throw err;
  }
}
