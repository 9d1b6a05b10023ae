import type { InviteView } from '../../../src/app/ports.js';
import type { Invite } from '../../../src/domain/invite.js';
import type { MessageEntry } from '../../../src/domain/transcript.js';
import { LIMITS, safeText } from './escape.js';
import {
  agentName, cardDateTime, cardTime, container, endUserName, facts, heading, lookupIn, modeLabel, resendOffered, text, withoutDateFunctions,
} from './format.js';
import { card, type AdaptiveCard, type CardAction, type CardElement, type Refresh } from './types.js';
import { execute, VERBS } from './verbs.js';

/** Participate + Reject, or Monitor + Reject. */
export function answerActions(inv: Invite): CardAction[] {
  const ids = { sessionId: inv.sessionId, inviteId: inv.id };
  const accept = inv.mode === 'participant'
    ? execute('Participate', VERBS.participate, ids, { style: 'positive' })
    : execute('Monitor', VERBS.monitor, ids, { style: 'positive' });
  return [accept, execute('Reject', VERBS.reject, ids, { style: 'destructive' })];
}

/** Whether the invitee can still answer: pending and not past its expiry. */
export const answerable = (inv: Invite, now: number): boolean => inv.status === 'pending' && now < inv.expiresAt;

/** The invitee's 1:1 card. Buttons only while the invite can be answered. */
export function inviteCard(iv: InviteView, now: number): AdaptiveCard {
  const { invite: inv, view } = iv;
  const inviter = agentName(iv.inviter, inv.inviterId);
  const endUser = endUserName(view.session);
  const open = answerable(inv, now);
  const verb = inv.mode === 'participant' ? 'participate in' : 'monitor';

  const body: CardElement[] = [
    heading(`${inviter} invites you to ${verb} a chat`),
    facts([
      ['Invited by', inviter],
      ['Mode', modeLabel(inv.mode)],
      ['End user', endUser],
      ['Queue', safeText(view.queue.name, LIMITS.name)],
      ['Ref', view.session.ref],
      ...(inv.attempt > 1 ? [['Attempt', String(inv.attempt)] as [string, string]] : []),
    ]),
  ];

  if (view.recent.length > 0) {
    body.push(text('Last messages', { weight: 'Bolder', spacing: 'Medium' }));
    body.push(container(view.recent.map((m) => text(recentLine(m, iv), { size: 'Small', spacing: 'Small' })), { style: 'emphasis' }));
  }

  if (open) {
    const left = Math.max(0, Math.ceil((inv.expiresAt - now) / 60_000));
    body.push(text(`Answer by ${cardTime(inv.expiresAt)} (about ${left} min)`, { color: 'Warning', spacing: 'Medium' }));
  } else {
    body.push(text(finalLine(inv, now), { weight: 'Bolder', color: inv.status === 'accepted' ? 'Good' : 'Attention', spacing: 'Medium' }));
  }

  const extra: Partial<AdaptiveCard> = { fallbackText: `${inviter} invites you to ${verb} a chat with ${endUser} (${view.session.ref}).` };
  if (inv.status === 'pending') extra.refresh = inviteRefresh(iv);
  return card(body, open ? answerActions(inv) : [], extra);
}

/** Teams runs this for the listed users when they open the chat, so the card shows the current state. */
export function inviteRefresh(iv: InviteView): Refresh {
  const r: Refresh = {
    type: 'Refresh',
    action: { type: 'Action.Execute', title: 'Refresh', verb: VERBS.refreshInvite, data: { verb: VERBS.refreshInvite, sessionId: iv.invite.sessionId, inviteId: iv.invite.id } },
  };
  const aad = iv.invitee.teams?.aadObjectId;
  if (aad) r.userIds = [aad];
  return r;
}

function recentLine(m: MessageEntry, iv: InviteView): string {
  const who = m.author === 'user'
    ? endUserName(iv.view.session)
    : m.author === 'system'
      ? 'System'
      : m.authorName ? safeText(m.authorName, LIMITS.name) : agentName(m.agentId ? lookupIn(iv.view)(m.agentId) : undefined, m.agentId ?? 'Agent');
  const body = m.text ? safeText(m.text, LIMITS.preview) : m.file ? `📎 ${safeText(m.file.name, LIMITS.name)}` : '';
  return `**${who}:** ${body}`;
}

function finalLine(inv: Invite, now: number): string {
  switch (inv.status) {
    case 'accepted': return `You joined this chat as ${inv.mode}.`;
    case 'rejected': return 'You rejected this invite.';
    case 'expired': return 'This invite expired.';
    case 'cancelled': return 'This invite was cancelled: the chat has ended.';
    case 'pending': return now >= inv.expiresAt ? 'This invite expired.' : 'Waiting for your answer.';
  }
}

/** A line in the session's thread about an invite: sent, resent, joined, rejected, expired, cancelled. */
export function inviteOutcomeCard(iv: InviteView): AdaptiveCard {
  const { invite: inv, view } = iv;
  const invitee = agentName(iv.invitee, inv.inviteeId);
  const inviter = agentName(iv.inviter, inv.inviterId);
  const ids = { sessionId: inv.sessionId, inviteId: inv.id };
  const canResend = resendOffered(inv, view.session, iv.maxResends);
  const actions: CardAction[] = canResend ? [execute('Resend', VERBS.resend, ids)] : [];
  let line: string;
  let color: 'Good' | 'Attention' | 'Warning' | 'Default' = 'Default';
  switch (inv.status) {
    case 'pending':
      line = inv.attempt > 1
        ? `${inviter} resent the invite to ${invitee} as ${inv.mode} (attempt ${inv.attempt}), answer by ${cardTime(inv.expiresAt)}.`
        : `${inviter} invited ${invitee} as ${inv.mode}, answer by ${cardTime(inv.expiresAt)}.`;
      break;
    case 'accepted':
      line = `${invitee} joined as ${inv.mode}.`;
      color = 'Good';
      break;
    case 'rejected':
      line = `${invitee} rejected the invite to ${inv.mode === 'participant' ? 'participate' : 'monitor'}.`;
      color = 'Attention';
      break;
    case 'expired':
      line = `${invitee} did not answer the invite to ${inv.mode === 'participant' ? 'participate' : 'monitor'}: it expired.`;
      color = 'Warning';
      break;
    case 'cancelled':
      line = `The invite to ${invitee} was cancelled.`;
      break;
  }
  const body: CardElement[] = [text(line, { color })];
  const details: string[] = [];
  if (inv.attempt > 1 && inv.status !== 'pending') details.push(`attempt ${inv.attempt}`);
  if (inv.respondedAt !== undefined) details.push(cardDateTime(inv.respondedAt));
  if (inv.resentAs) details.push('resent');
  else if ((inv.status === 'rejected' || inv.status === 'expired') && !canResend && view.session.status === 'active') {
    details.push(`resend limit reached (${iv.maxResends})`);
  }
  if (details.length > 0) body.push(text(details.join(' · '), { size: 'Small', isSubtle: true, spacing: 'None' }));
  return card(body, actions, { fallbackText: withoutDateFunctions(line) });
}
