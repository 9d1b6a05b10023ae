import type { Agent } from '../../domain/directory.js';
import { type InviteMode, mayAnswer } from '../../domain/invite.js';
import * as canned from '../canned.js';
import type { AppContext } from '../context.js';
import { publishHomes } from '../delivery/planner.js';
import { Refused } from '../errors.js';
import type { Outcome } from '../intents.js';
import * as invites from '../invites.js';
import * as lifecycle from '../lifecycle.js';
import * as sessions from '../sessions.js';
import { cannedEditor } from '../surfaces/canned.js';
import { homeSurface, monitoringSurface } from '../surfaces/home.js';
import {
  anyoneOption,
  candidateOptions,
  inviteCard,
  inviteDetailsSurface,
  inviteForm,
  inviteLine,
  rejectForm,
} from '../surfaces/invites.js';
import { assistForm, chosenQueue, endForm, promoteForm, transferForm } from '../surfaces/lifecycle.js';
import { agentName, modeWord } from '../surfaces/names.js';
import { rootSurface } from '../surfaces/root.js';
import type { Option, Surface } from '../surfaces/surface.js';
import type { ListScreen, ParsedCall, Verb, VerbData } from '../verbs.js';
import { homeView, inviteView, monitoringView, sessionView } from '../views.js';
import { plural, words } from '../wording/index.js';
import { cannedPicker } from './cannedPicker.js';
import { availabilityDone, done } from './commands.js';
import { answerLine } from './replies.js';

interface Click<V extends Verb> {
  /** The use case; throws Refused when the rules say no. */
  run?: (ctx: AppContext, agent: Agent, data: VerbData<V>, prefix: string) => Promise<Outcome>;
  /** The surface this verb lives on, as it now stands for the clicker. */
  show?: (ctx: AppContext, agent: Agent, data: VerbData<V>) => Promise<Surface>;
  /** A form refused: shown again as it was filled in, under the reason (else `show`). */
  retry?: (ctx: AppContext, agent: Agent, data: VerbData<V>) => Promise<Surface>;
}

const root = async (ctx: AppContext, agent: Agent, d: { sessionId: string }) =>
  rootSurface(await sessionView(ctx, d.sessionId), { agentId: agent.id });
const lists: Record<ListScreen, (ctx: AppContext, agent: Agent) => Promise<Surface>> = {
  home: async (ctx, agent) => homeSurface(await homeView(ctx, agent)),
  monitor: async (ctx, agent) => monitoringSurface(await monitoringView(ctx, agent), agent.id),
};
/** A button on a list draws that list again; one on a chat's card, the card. */
const listOr =
  (card: NonNullable<Click<'accept'>['show']>) =>
  async (ctx: AppContext, agent: Agent, d: { sessionId: string; from?: ListScreen | undefined }) =>
    d.from ? lists[d.from](ctx, agent) : card(ctx, agent, d);
const card = async (ctx: AppContext, d: { inviteId: string }) => {
  const inv = await ctx.store.invites.get(d.inviteId);
  if (!inv) throw Refused.of('invite_not_found');
  return inviteView(ctx, inv);
};
/**
 * The invite or transfer form with the colleagues a query finds, and those choices for a
 * picker's search; an invite also offers anyone available while the query names nobody.
 */
type Filled = {
  sessionId: string;
  query?: string | undefined;
  mode?: InviteMode | undefined;
  note?: string | undefined;
  queueId?: string | undefined;
};
export async function pickerForm(
  ctx: AppContext,
  agent: Agent,
  kind: 'invite' | 'transfer',
  d: Filled,
  limit?: number,
): Promise<{ options: Option[]; surface: Surface }> {
  const query = d.query ?? '';
  const [view, found] = await Promise.all([
    sessionView(ctx, d.sessionId),
    invites.inviteCandidates(ctx, d.sessionId, agent.id, query, limit, kind),
  ]);
  const note = d.note ? { note: d.note } : {};
  if (kind === 'transfer') {
    const options = candidateOptions(found, 'transfer');
    const queueId = chosenQueue(d.queueId);
    return {
      options,
      surface: transferForm(view, ctx.directory.get().queues, {
        query,
        options,
        ...note,
        ...(queueId ? { queueId } : {}),
      }),
    };
  }
  const options = [...(query.trim() ? [] : [anyoneOption(view)]), ...candidateOptions(found)];
  return { options, surface: inviteForm(view, { query, ...(d.mode ? { mode: d.mode } : {}), ...note, options }) };
}
const form = async (ctx: AppContext, agent: Agent, d: Filled) => (await pickerForm(ctx, agent, 'invite', d)).surface;
const transferDialog = async (ctx: AppContext, agent: Agent, d: Filled) =>
  (await pickerForm(ctx, agent, 'transfer', d)).surface;
const refOf = async (ctx: AppContext, sessionId: string) => (await sessions.loadSession(ctx, sessionId)).ref;
const queueName = (ctx: AppContext, queueId: string) => ctx.directory.get().queue(queueId)?.name ?? queueId;
const nameOf = (ctx: AppContext, agentId: string) => agentName(ctx.directory.get().agent(agentId), agentId);
/** An invite's card as it now stands, or the list it was answered from. */
const cardOrList = async (ctx: AppContext, agent: Agent, d: { inviteId: string; from?: ListScreen | undefined }) =>
  d.from ? lists[d.from](ctx, agent) : inviteCard(await card(ctx, d), ctx.now());
const answer = <V extends 'participate' | 'monitor' | 'accept.offer'>(
  a: 'participate' | 'monitor' | 'accept',
): Click<V> => ({
  run: async (ctx, agent, d) => {
    const inv = await invites.answerInvite(ctx, d.inviteId, agent, a);
    // The card itself says what happened; a list the answer leaves says it in words.
    if (!d.from) return {};
    const ref = await refOf(ctx, inv.sessionId);
    return done(
      inv.kind === 'transfer'
        ? words('notice.tookOver', { ref })
        : words('notice.joined', { ref, mode: modeWord(a === 'monitor' ? 'monitor' : 'participant') }),
    );
  },
  show: cardOrList,
});

/** Every verb, with its use case and its surface. Thin: the use cases decide who may do what. */
export const CLICKS: { [V in Verb]: Click<V> } = {
  accept: {
    run: async (ctx, agent, d) => {
      await sessions.accept(ctx, d.sessionId, agent);
      // On its card the chat shows its new owner; from a list it leaves that list, so it is said.
      return d.from ? done(words('notice.accepted', { ref: await refOf(ctx, d.sessionId) })) : {};
    },
    show: listOr(root),
  },
  end: {
    // A queue with outcomes asks for one (its End button opens the form: end.open).
    run: async (ctx, agent, d) => {
      await sessions.endSession(ctx, d.sessionId, agent.id, { outcome: d.outcome, note: d.note, required: true });
      return {};
    },
    show: listOr(root),
    retry: async (ctx, agent, d) => {
      const view = await sessionView(ctx, d.sessionId);
      return (view.queue.outcomes ?? []).length > 0 && view.session.status !== 'ended'
        ? endForm(view, d)
        : listOr(root)(ctx, agent, d);
    },
  },
  'end.open': {
    run: async (ctx, agent, d) => {
      await sessions.assertMay(ctx, d.sessionId, agent.id, 'end');
      return { open: endForm(await sessionView(ctx, d.sessionId)) };
    },
  },
  'canned.open': {
    run: async (ctx, agent, d, prefix) => ({
      open: await cannedPicker(ctx, agent, d.sessionId, { query: d.query, prefix }),
    }),
  },
  // Choosing in the picker draws it again with the chosen reply's preview (where a platform can).
  'canned.preview': {
    run: async (ctx, agent, d, prefix) => ({
      open: await cannedPicker(ctx, agent, d.sessionId, { chosen: d.shortcut, prefix }),
    }),
  },
  'canned.send': {
    run: async (ctx, agent, d) => {
      if (!d.shortcut) throw Refused.of('invalid', undefined, 'pick');
      // Chosen outside the thread: the reply shows in every mirror of the chat.
      const sent = await canned.sendCanned(ctx, {
        sessionId: d.sessionId,
        agent,
        shortcut: d.shortcut,
        origin: 'canned',
      });
      return done(words('notice.cannedSent', { shortcut: sent.reply.shortcut, ref: sent.session.ref }));
    },
    show: root,
    retry: (ctx, agent, d) => cannedPicker(ctx, agent, d.sessionId, { chosen: d.shortcut, prefix: '' }),
  },
  'canned.edit': {
    run: async (ctx, agent, d) => {
      const shortcut = d.shortcut?.toLowerCase();
      const mine = shortcut ? (await ctx.store.canned.list(agent.id)).find((c) => c.shortcut === shortcut) : undefined;
      return { open: cannedEditor(mine ?? (shortcut ? { shortcut } : undefined)) };
    },
  },
  'canned.save': {
    run: async (ctx, agent, d) => {
      const saved = await canned.savePersonal(ctx, agent.id, d);
      await publishHomes(ctx, [agent]);
      return done(words('notice.cannedSaved', { shortcut: saved.shortcut }));
    },
    show: lists.home,
    retry: async (_ctx, _agent, d) => cannedEditor(d),
  },
  'canned.remove': {
    run: async (ctx, agent, d) => {
      await canned.removePersonal(ctx, agent.id, d.shortcut);
      await publishHomes(ctx, [agent]);
      return done(words('notice.cannedRemoved', { shortcut: d.shortcut }));
    },
    show: lists.home,
  },
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
      const session = await sessions.loadSession(ctx, d.sessionId);
      if (d.agentId === '*') {
        const sent = await invites.inviteAnyone(ctx, {
          sessionId: d.sessionId,
          inviterId: agent.id,
          mode: d.mode,
          note: d.note,
        });
        return done(
          plural('notice.invitedAnyone', sent.length, { queue: queueName(ctx, session.queueId), ref: session.ref }),
        );
      }
      const sent = await invites.invite(ctx, {
        sessionId: d.sessionId,
        inviterId: agent.id,
        inviteeId: d.agentId,
        mode: d.mode,
        note: d.note,
      });
      return done(
        words('notice.invited', { name: nameOf(ctx, sent.inviteeId), mode: modeWord(sent.mode), ref: session.ref }),
      );
    },
    show: root,
    retry: (ctx, agent, d) => form(ctx, agent, d),
  },
  invites: {
    run: async (ctx, agent, d) => {
      const view = await invites.loadInviteDetails(ctx, d.sessionId, agent.id);
      const dir = ctx.directory.get();
      return { open: inviteDetailsSurface(view, (id) => dir.agent(id), agent.id, ctx.settings.maxResends) };
    },
  },
  participate: answer('participate'),
  monitor: answer('monitor'),
  'accept.offer': answer('accept'),
  reject: {
    run: async (ctx, agent, d) => {
      await invites.answerInvite(ctx, d.inviteId, agent, 'reject', d.reason);
      return {};
    },
    show: cardOrList,
    retry: async (ctx, _agent, d) =>
      rejectForm(await card(ctx, d), {
        ...(d.from ? { from: d.from } : {}),
        ...(d.reason ? { reason: d.reason } : {}),
      }),
  },
  'reject.open': {
    run: async (ctx, agent, d) => {
      const iv = await card(ctx, d);
      // Refused now rather than after the form: only the invitee, only while pending.
      const v = mayAnswer(iv.invite, agent.id, 'reject', ctx.now());
      if (!v.ok) throw Refused.from(v);
      return { open: rejectForm(iv, d.from ? { from: d.from } : {}) };
    },
  },
  'transfer.open': {
    run: async (ctx, agent, d) => {
      await sessions.assertMay(ctx, d.sessionId, agent.id, 'transfer');
      return { open: await transferDialog(ctx, agent, d) };
    },
  },
  'transfer.search': { run: async (ctx, agent, d) => ({ open: await transferDialog(ctx, agent, d) }) },
  transfer: {
    run: async (ctx, agent, d) => {
      const ref = await refOf(ctx, d.sessionId);
      // A button that names its target sends only that; the form's other choice is not meant.
      const toQueue = d.to === 'agent' ? undefined : chosenQueue(d.queueId);
      const toAgentId = d.to === 'queue' ? undefined : d.agentId;
      const r = await lifecycle.transfer(ctx, {
        sessionId: d.sessionId,
        agentId: agent.id,
        toAgentId,
        toQueue,
        note: d.note,
      });
      return done(
        r.offer
          ? words('notice.offered', { ref, name: nameOf(ctx, r.offer.inviteeId) })
          : words('notice.moved', { ref, queue: queueName(ctx, toQueue ?? '') }),
      );
    },
    show: root,
    retry: (ctx, agent, d) => transferDialog(ctx, agent, d),
  },
  release: {
    run: async (ctx, agent, d) => {
      const s = await lifecycle.release(ctx, d.sessionId, agent.id);
      return done(words('notice.released', { ref: s.ref, queue: queueName(ctx, s.queueId) }));
    },
    show: listOr(root),
  },
  leave: {
    run: async (ctx, agent, d) => {
      await lifecycle.leave(ctx, d.sessionId, agent.id);
      return done(words('notice.left', { ref: await refOf(ctx, d.sessionId) }));
    },
    show: listOr(root),
  },
  'assist.open': {
    run: async (ctx, agent, d) => {
      await sessions.assertMay(ctx, d.sessionId, agent.id, 'assist');
      return { open: assistForm(await sessionView(ctx, d.sessionId)) };
    },
  },
  assist: {
    run: async (ctx, agent, d) => {
      await invites.requestHelp(ctx, { sessionId: d.sessionId, agentId: agent.id, note: d.note });
      const s = await sessions.loadSession(ctx, d.sessionId);
      return done(words('notice.helpAsked', { ref: s.ref, queue: queueName(ctx, s.queueId) }));
    },
    show: root,
    retry: async (ctx, _agent, d) => assistForm(await sessionView(ctx, d.sessionId), d.note),
  },
  'assist.withdraw': {
    run: async (ctx, agent, d) => {
      await invites.withdrawHelp(ctx, d.sessionId, agent.id);
      return done(words('notice.helpWithdrawn', { ref: await refOf(ctx, d.sessionId) }));
    },
    show: root,
  },
  'promote.open': {
    run: async (ctx, agent, d) => {
      await sessions.assertMay(ctx, d.sessionId, agent.id, 'promote');
      return { open: promoteForm(await sessionView(ctx, d.sessionId)) };
    },
  },
  promote: {
    run: async (ctx, agent, d) => {
      if (!d.agentId) throw Refused.of('invalid', undefined, 'pick');
      await lifecycle.promote(ctx, d.sessionId, agent.id, d.agentId);
      return done(words('notice.promoted', { ref: await refOf(ctx, d.sessionId), name: nameOf(ctx, d.agentId) }));
    },
    show: root,
    retry: async (ctx, _agent, d) => promoteForm(await sessionView(ctx, d.sessionId)),
  },
  resend: {
    run: async (ctx, agent, d) => {
      const next = await invites.resendInvite(ctx, d.inviteId, agent.id);
      return done(
        words('notice.resent', {
          name: agentName(ctx.directory.get().agent(next.inviteeId), next.inviteeId),
          attempt: next.attempt,
        }),
      );
    },
    show: async (ctx, _agent, d) => inviteLine(await card(ctx, d)),
  },
  'invite.refresh': { show: async (ctx, _agent, d) => inviteCard(await card(ctx, d), ctx.now()) },
  availability: {
    run: async (ctx, agent, d) => {
      await sessions.setAvailability(ctx, agent.id, d.to === 'available');
      await publishHomes(ctx, [agent]);
      return availabilityDone(d.to === 'available');
    },
    show: async (ctx, agent) => homeSurface(await homeView(ctx, agent), { said: true }),
  },
  join: {
    run: async (ctx, agent, d) => {
      await invites.supervisorJoin(ctx, d.sessionId, agent, d.mode);
      return done(
        words('notice.joined', { ref: (await sessions.loadSession(ctx, d.sessionId)).ref, mode: modeWord(d.mode) }),
      );
    },
    // Join buttons live on lists only; older ones carry no list name.
    show: async (ctx, agent, d) => lists[d.from ?? 'monitor'](ctx, agent),
  },
  home: { show: lists.home },
  list: { show: (ctx, agent, d) => lists[d.name](ctx, agent) },
  'chat.show': { show: root },
  'line.send': { run: (ctx, agent, d, prefix) => answerLine(ctx, agent, d.lineId, 'send', prefix) },
  'line.run': { run: (ctx, agent, d, prefix) => answerLine(ctx, agent, d.lineId, 'run', prefix) },
};

export const clickOf = (c: ParsedCall): Click<Verb> => CLICKS[c.verb] as Click<Verb>;
