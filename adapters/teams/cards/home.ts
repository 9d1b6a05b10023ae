import type { HomeView, SessionView } from '../../../src/app/ports.js';
import { isSupervisor } from '../../../src/domain/directory.js';
import { can, supervisorJoinModes } from '../../../src/domain/policy.js';
import { LIMITS, safeText } from './escape.js';
import {
  actionSet, agentName, capped, cardTime, container, endUserName, heading, modeLabel, text,
} from './format.js';
import { answerActions } from './invite.js';
import { card, type AdaptiveCard, type CardAction, type CardElement } from './types.js';
import { execute, VERBS } from './verbs.js';

const MAX_ROWS = 10;

const chatSummary = (v: SessionView): string =>
  `**${endUserName(v.session)}** · ${safeText(v.queue.name, LIMITS.name)} · ${v.session.ref}`;

/** Participate / Monitor buttons for a supervisor, or none when they cannot join (owner, member). */
function joinActions(v: SessionView, viewerId: string | undefined): CardAction[] {
  const me = viewerId ? v.members.find((m) => m.agentId === viewerId) : undefined;
  const modes = supervisorJoinModes(v.session, me);
  const ids = { sessionId: v.session.id };
  return [
    ...(modes.includes('participant') ? [execute('Participate', VERBS.joinParticipate, ids)] : []),
    ...(modes.includes('monitor') ? [execute('Monitor', VERBS.joinMonitor, ids)] : []),
  ];
}

function monitoringRows(sessions: readonly SessionView[], viewerId: string | undefined): CardElement[] {
  if (sessions.length === 0) return [text('No active chats in the queues you supervise.', { isSubtle: true })];
  return capped(sessions, MAX_ROWS, (v) => {
    const me = viewerId ? v.members.find((m) => m.agentId === viewerId) : undefined;
    const items: CardElement[] = [
      text(chatSummary(v)),
      text(`Owner: ${agentName(v.owner, v.session.ownerId ?? 'none')} · since ${cardTime(v.session.acceptedAt ?? v.session.createdAt)} · ${v.members.length} member${v.members.length === 1 ? '' : 's'}${me ? ` · you: ${me.mode}` : ''}`, { size: 'Small', isSubtle: true, spacing: 'None' }),
    ];
    const actions = joinActions(v, viewerId);
    if (actions.length > 0) items.push(actionSet(actions));
    return [container(items, { separator: true })];
  });
}

/** For supervisors: the active chats of their queues with Participate / Monitor. */
export function monitoringCard(sessions: SessionView[], viewerId?: string): AdaptiveCard {
  return card([heading('Monitoring'), ...monitoringRows(sessions, viewerId)], [], { msteams: { width: 'Full' } });
}

/** The agent's personal dashboard: availability, pending invites, chats, and monitoring. */
export function homeCard(home: HomeView): AdaptiveCard {
  const { agent } = home;
  const body: CardElement[] = [
    heading(`Switchboard · ${agentName(agent)}`),
    container([
      text(home.available ? 'You are **Available**: you can be invited and assigned chats.' : 'You are **Away**: no one can invite you or assign you chats.'),
      actionSet([home.available
        ? execute('Set Away', VERBS.away, {}, { associatedInputs: 'none' })
        : execute('Set Available', VERBS.available, {}, { style: 'positive', associatedInputs: 'none' })]),
    ], { style: home.available ? 'good' : 'warning' }),
    text(`Invites (${home.invites.length})`, { weight: 'Bolder', size: 'Medium', separator: true, spacing: 'Large' }),
  ];
  if (home.invites.length === 0) body.push(text('No pending invites.', { isSubtle: true }));
  body.push(...capped(home.invites, MAX_ROWS, (iv) => [container([
    text(`${agentName(iv.inviter, iv.invite.inviterId)} invites you to ${iv.invite.mode === 'participant' ? 'participate in' : 'monitor'} ${chatSummary(iv.view)}`),
    text(`Answer by ${cardTime(iv.invite.expiresAt)}`, { size: 'Small', isSubtle: true, spacing: 'None' }),
    actionSet(answerActions(iv.invite)),
  ], { separator: true })]));

  body.push(text(`My chats (${home.chats.length})`, { weight: 'Bolder', size: 'Medium', separator: true, spacing: 'Large' }));
  if (home.chats.length === 0) body.push(text('You are not in any chat.', { isSubtle: true }));
  body.push(...capped(home.chats, MAX_ROWS, (v) => {
    const me = v.members.find((m) => m.agentId === agent.id);
    const items: CardElement[] = [
      text(chatSummary(v)),
      text(`${v.session.status === 'active' ? 'Active' : v.session.status === 'waiting' ? 'Waiting' : 'Ended'}${me ? ` · you: ${modeLabel(me.mode)}` : ''}`, { size: 'Small', isSubtle: true, spacing: 'None' }),
    ];
    const actions: CardAction[] = [];
    if (v.session.status === 'active' && can(me, 'invite')) {
      actions.push(execute('Invite', VERBS.invite, { sessionId: v.session.id }));
    }
    if (v.session.status === 'active' && can(me, 'end')) {
      if (v.invites.length > 0) actions.push(execute(`Invites (+${v.invites.length})`, VERBS.invites, { sessionId: v.session.id }));
      actions.push(execute('End chat', VERBS.end, { sessionId: v.session.id }, { style: 'destructive' }));
    }
    if (actions.length > 0) items.push(actionSet(actions));
    return [container(items, { separator: true })];
  }));

  const supervisor = isSupervisor(agent);
  if (supervisor || home.monitoring.length > 0) {
    body.push(text(`Monitoring (${home.monitoring.length})`, { weight: 'Bolder', size: 'Medium', separator: true, spacing: 'Large' }));
    body.push(...monitoringRows(home.monitoring, agent.id));
  }
  return card(body, [], { msteams: { width: 'Full' } });
}
