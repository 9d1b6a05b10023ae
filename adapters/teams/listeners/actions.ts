import type { TurnContext } from 'botbuilder';
import { Refused } from '../../../src/app/errors.js';
import * as invites from '../../../src/app/invites.js';
import * as sessions from '../../../src/app/sessions.js';
import { homeView, inviteView, sessionView } from '../../../src/app/views.js';
import type { Agent } from '../../../src/domain/directory.js';
import { fullName } from '../../../src/domain/directory.js';
import { InviteMode } from '../../../src/domain/invite.js';
import {
  type AdaptiveCard, homeCard, inviteCard, inviteDetailsCard, inviteOutcomeCard, inviteSearchCard, monitoringCard, noticeCard, sessionCard, VERBS,
} from '../cards/index.js';
import { needAgent, type TeamsDeps } from './deps.js';

/** What a card button sends: the verb, ids, and the card's inputs (Action.Execute merges them in). */
export interface ActionInput {
  verb: string;
  sessionId?: string;
  inviteId?: string;
  agentId?: string;
  query?: string;
  mode?: string;
}

type Tone = 'Good' | 'Attention';
interface Outcome {
  /** Runs the use case; may throw Refused. Returns a line to show on the card, if any. */
  act?: () => Promise<string | undefined>;
  /** The card after the action (or as it is, after a refusal), with an optional line on top. */
  show: (line?: { text: string; tone: Tone }) => Promise<AdaptiveCard>;
}

/** Prepends a line to a card: the result of the click, or why it was refused. */
const withLine = (card: AdaptiveCard, line?: { text: string; tone: Tone }): AdaptiveCard =>
  line ? { ...card, body: [noticeCard(line.text, { color: line.tone }).body[0]!, ...card.body] } : card;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const name = (a: Agent | undefined) => (a ? fullName(a) : 'the agent');

/**
 * A card button (Action.Execute invoke, or its Action.Submit fallback). Thin: each verb calls
 * one use case, which decides who may do it; the answer is the card as it now stands.
 */
export async function cardAction(d: TeamsDeps, tc: TurnContext, input: ActionInput): Promise<AdaptiveCard> {
  const agent = await d.people.agentOf(tc);
  const o = outcome(d, agent, input);
  let line: { text: string; tone: Tone } | undefined;
  try {
    const said = await o.act?.();
    if (said) line = { text: said, tone: 'Good' };
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    line = { text: err.message, tone: 'Attention' };
  }
  try {
    return await o.show(line);
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    return noticeCard(line ? `${line.text} ${err.message}` : err.message, { color: 'Attention' });
  }
}

function outcome(d: TeamsDeps, agent: Agent | undefined, i: ActionInput): Outcome {
  const { ctx } = d;
  const sid = str(i.sessionId);
  const session = async (line?: { text: string; tone: Tone }) => withLine(sessionCard(await sessionView(ctx, sid)), line);
  const invite = async () => {
    const inv = await ctx.store.invite(str(i.inviteId));
    if (!inv) throw new Refused('not_found', 'Invite not found.', 404);
    return inviteView(ctx, inv);
  };
  const answer = (a: 'participate' | 'monitor' | 'reject'): Outcome => ({
    act: async () => {
      await invites.answerInvite(ctx, str(i.inviteId), agent, a);
      return undefined; // the card itself says what happened
    },
    show: async (line) => withLine(inviteCard(await invite(), ctx.now()), line),
  });
  const join = (mode: 'participant' | 'monitor'): Outcome => ({
    act: async () => {
      await sessions.supervisorJoin(ctx, sid, agent, mode);
      return `You joined chat ${(await sessions.loadSession(ctx, sid)).ref} as ${mode}.`;
    },
    show: async (line) => withLine(monitoringCard((await homeView(ctx, needAgent(agent))).monitoring, agent?.id), line),
  });
  const search = (notice?: string) => async (line?: { text: string }) => {
    const query = str(i.query);
    const mode = InviteMode.safeParse(i.mode);
    const candidates = await invites.inviteCandidates(ctx, sid, agent?.id ?? '', query);
    const text = line?.text ?? notice;
    return inviteSearchCard(await sessionView(ctx, sid), query, candidates, { ...(mode.success ? { mode: mode.data } : {}), ...(text ? { notice: text } : {}) });
  };

  switch (i.verb) {
    case VERBS.accept:
      return { act: async () => void (await sessions.accept(ctx, sid, agent)), show: session };
    case VERBS.end:
      return { act: async () => void (await sessions.endSession(ctx, sid, needAgent(agent).id)), show: session };
    case VERBS.invites:
      return {
        show: async (line) => withLine(inviteDetailsCard(await invites.inviteDetails(ctx, sid, needAgent(agent).id), { agents: (id) => ctx.directory.get().agent(id), maxResends: ctx.settings.maxResends }), line),
      };
    case VERBS.invite:
      return { show: search() };
    case VERBS.inviteAgent:
      return {
        act: async () => {
          const mode = InviteMode.catch('participant').parse(i.mode);
          await invites.invite(ctx, { sessionId: sid, inviterId: needAgent(agent).id, inviteeId: str(i.agentId), mode });
          return `Invite sent to ${name(ctx.directory.get().agent(str(i.agentId)))} as ${mode}.`;
        },
        show: search(),
      };
    case VERBS.participate:
      return answer('participate');
    case VERBS.monitor:
      return answer('monitor');
    case VERBS.reject:
      return answer('reject');
    case VERBS.refreshInvite:
      return { show: async (line) => withLine(inviteCard(await invite(), ctx.now()), line) };
    case VERBS.resend:
      return {
        act: async () => {
          const next = await invites.resendInvite(ctx, str(i.inviteId), needAgent(agent).id);
          return `Invite resent to ${name(ctx.directory.get().agent(next.inviteeId))} (attempt ${next.attempt}).`;
        },
        show: async (line) => withLine(inviteOutcomeCard(await invite()), line),
      };
    case VERBS.available:
    case VERBS.away:
      return {
        act: async () => void (await sessions.setAvailability(ctx, needAgent(agent).id, i.verb === VERBS.available)),
        show: async (line) => withLine(homeCard(await homeView(ctx, needAgent(agent))), line),
      };
    case VERBS.joinParticipate:
      return join('participant');
    case VERBS.joinMonitor:
      return join('monitor');
    default:
      return { show: async () => noticeCard(`Unknown action "${i.verb}".`, { color: 'Attention' }) };
  }
}
