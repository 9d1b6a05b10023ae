import type { Agent } from '../../domain/directory.js';
import type { AppContext } from '../context.js';
import { Refused } from '../errors.js';
import type { Outcome } from '../intents.js';
import * as invites from '../invites.js';
import { publishHomes } from '../delivery/planner.js';
import * as sessions from '../sessions.js';
import { homeSurface, monitoringSurface } from '../surfaces/home.js';
import { candidateOptions, inviteCard, inviteDetails, inviteForm, inviteLine } from '../surfaces/invites.js';
import { agentName, modeWord } from '../surfaces/names.js';
import { rootSurface } from '../surfaces/root.js';
import type { Surface } from '../surfaces/surface.js';
import type { ParsedCall, Verb, VerbData } from '../verbs.js';
import { homeView, inviteView, monitoringView, sessionView } from '../views.js';
import { words } from '../wording/index.js';
import { done } from './commands.js';
import { answerLine } from './replies.js';

interface Click<V extends Verb> {
  /** The use case; throws Refused when the rules say no. */
  run?: (ctx: AppContext, agent: Agent, data: VerbData<V>, prefix: string) => Promise<Outcome>;
  /** The surface this verb lives on, as it now stands for the clicker. */
  show?: (ctx: AppContext, agent: Agent, data: VerbData<V>) => Promise<Surface>;
}

const root = async (ctx: AppContext, agent: Agent, d: { sessionId: string }) => rootSurface(await sessionView(ctx, d.sessionId), { agentId: agent.id });
const card = async (ctx: AppContext, d: { inviteId: string }) => {
  const inv = await ctx.store.invites.get(d.inviteId);
  if (!inv) throw Refused.of('invite_not_found');
  return inviteView(ctx, inv);
};
const form = async (ctx: AppContext, agent: Agent, d: { sessionId: string; query?: string | undefined; mode?: 'participant' | 'monitor' | undefined }) => {
  const [view, found] = await Promise.all([sessionView(ctx, d.sessionId), invites.inviteCandidates(ctx, d.sessionId, agent.id, d.query ?? '')]);
  return inviteForm(view, { query: d.query ?? '', ...(d.mode ? { mode: d.mode } : {}), options: candidateOptions(found) });
};
const answer = <V extends 'participate' | 'monitor' | 'reject'>(a: V): Click<V> => ({
  run: async (ctx, agent, d) => {
    await invites.answerInvite(ctx, d.inviteId, agent, a);
    return {}; // the card itself says what happened
  },
  show: async (ctx, _agent, d) => inviteCard(await card(ctx, d), ctx.now()),
});

/** Every verb, with its use case and its surface. Thin: the use cases decide who may do what. */
export const CLICKS: { [V in Verb]: Click<V> } = {
  accept: { run: async (ctx, agent, d) => (await sessions.accept(ctx, d.sessionId, agent), {}), show: root },
  end: { run: async (ctx, agent, d) => (await sessions.endSession(ctx, d.sessionId, agent.id), {}), show: root },
  'invite.open': {
    run: async (ctx, agent, d) => {
      await sessions.assertMay(ctx, d.sessionId, agent.id, 'invite');
      return { open: await form(ctx, agent, d) };
    },
  },
  'invite.search': { run: async (ctx, agent, d) => ({ open: await form(ctx, agent, d) }) },
  'invite.send': {
    run: async (ctx, agent, d) => {
      if (!d.agentId) throw Refused.of('invalid', undefined, 'pick');
      const sent = await invites.invite(ctx, { sessionId: d.sessionId, inviterId: agent.id, inviteeId: d.agentId, mode: d.mode });
      const session = await sessions.loadSession(ctx, d.sessionId);
      return done(words('notice.invited', { name: agentName(ctx.directory.get().agent(sent.inviteeId), sent.inviteeId), mode: modeWord(sent.mode), ref: session.ref }));
    },
    show: (ctx, agent, d) => form(ctx, agent, { sessionId: d.sessionId, mode: d.mode }),
  },
  invites: {
    run: async (ctx, agent, d) => {
      const view = await invites.inviteDetails(ctx, d.sessionId, agent.id);
      const dir = ctx.directory.get();
      return { open: inviteDetails(view, (id) => dir.agent(id), agent.id, ctx.settings.maxResends) };
    },
  },
  participate: answer('participate'),
  monitor: answer('monitor'),
  reject: answer('reject'),
  resend: {
    run: async (ctx, agent, d) => {
      const next = await invites.resendInvite(ctx, d.inviteId, agent.id);
      return done(words('notice.resent', { name: agentName(ctx.directory.get().agent(next.inviteeId), next.inviteeId), attempt: next.attempt }));
    },
    show: async (ctx, _agent, d) => inviteLine(await card(ctx, d)),
  },
  'invite.refresh': { show: async (ctx, _agent, d) => inviteCard(await card(ctx, d), ctx.now()) },
  availability: {
    run: async (ctx, agent, d) => {
      await sessions.setAvailability(ctx, agent.id, d.to === 'available');
      await publishHomes(ctx, [agent]);
      return done(words(d.to === 'available' ? 'notice.available' : 'notice.away'));
    },
    show: async (ctx, agent) => homeSurface(await homeView(ctx, agent)),
  },
  join: {
    run: async (ctx, agent, d) => {
      await sessions.supervisorJoin(ctx, d.sessionId, agent, d.mode);
      return done(words('notice.joined', { ref: (await sessions.loadSession(ctx, d.sessionId)).ref, mode: modeWord(d.mode) }));
    },
    show: async (ctx, agent) => monitoringSurface(await monitoringView(ctx, agent), agent.id),
  },
  home: { show: async (ctx, agent) => homeSurface(await homeView(ctx, agent)) },
  'chat.show': { show: root },
  'line.send': { run: (ctx, agent, d, prefix) => answerLine(ctx, agent, d.lineId, 'send', prefix) },
  'line.run': { run: (ctx, agent, d, prefix) => answerLine(ctx, agent, d.lineId, 'run', prefix) },
};

export const clickOf = (c: ParsedCall): Click<Verb> => CLICKS[c.verb] as Click<Verb>;
