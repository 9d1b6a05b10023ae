import type { SessionView } from '../../../src/app/ports.js';
import type { Invite } from '../../../src/domain/invite.js';
import { LIMITS, safeText } from './escape.js';
import {
  actionSet, agentName, type AgentLookup, cardDateTime, container, endUserName, facts, heading,
  inviteStatusLabel, lookupIn, modeLabel, resendOffered, sessionStatusLabel, text,
} from './format.js';
import { card, type AdaptiveCard, type CardAction, type CardElement } from './types.js';
import { execute, VERBS } from './verbs.js';

/** The session's root card in its queue's channel (updated in place on every change). */
export function sessionCard(view: SessionView): AdaptiveCard {
  const { session, queue } = view;
  const endUser = endUserName(session);
  const who = session.endUser.email ? `${endUser} (${safeText(session.endUser.email, LIMITS.name)})` : endUser;
  const body: CardElement[] = [
    heading(`Chat with ${endUser}`),
    facts([
      ['End user', who],
      ['Queue', safeText(queue.name, LIMITS.name)],
      ['Status', sessionStatusLabel(view)],
      ['Ref', session.ref],
    ]),
    text(`Started ${cardDateTime(session.createdAt)}`, { isSubtle: true, size: 'Small', spacing: 'Small' }),
  ];

  const helpers = view.members.filter((m) => m.mode !== 'owner');
  if (helpers.length > 0) {
    const list = helpers.map((m) => `${agentName(m.agent, m.agentId)} (${m.mode})`).join(', ');
    body.push(text(`With ${list}`, { size: 'Small' }));
  }

  const actions: CardAction[] = [];
  switch (session.status) {
    case 'waiting':
      actions.push(execute('Accept', VERBS.accept, { sessionId: session.id }, { style: 'positive' }));
      break;
    case 'active': {
      actions.push(execute('Invite', VERBS.invite, { sessionId: session.id }));
      actions.push(execute('End chat', VERBS.end, { sessionId: session.id }, { style: 'destructive' }));
      const n = view.invites.length;
      if (n > 0) {
        const pending = view.invites.filter((i) => i.status === 'pending').length;
        body.push(text(`**+${n}** invite${n === 1 ? '' : 's'}${pending > 0 ? `, ${pending} pending` : ''}`, { size: 'Small' }));
        actions.push(execute(`Invites (+${n})`, VERBS.invites, { sessionId: session.id }));
      }
      break;
    }
    case 'ended':
      if (session.endedAt) {
        const by = session.endedBy ? lookupIn(view)(session.endedBy) : undefined;
        body.push(text(`Ended ${cardDateTime(session.endedAt)}${by ? ` by ${agentName(by)}` : ''}`, { isSubtle: true, size: 'Small' }));
      }
      break;
  }
  return card(body, actions, { msteams: { width: 'Full' }, fallbackText: `Chat with ${endUser} (${session.ref}): ${session.status}` });
}

export interface InviteDetailsOptions {
  /** Finds invitees and inviters who are not members (the view only carries members). */
  agents?: AgentLookup;
  /** INVITE_MAX_RESENDS; when given, Resend buttons are shown where allowed. */
  maxResends?: number;
}

/** Every invite of the session: invitee, mode, status, response and times (the "+N" view). */
export function inviteDetailsCard(view: SessionView, opts: InviteDetailsOptions = {}): AdaptiveCard {
  const find = lookupIn(view, opts.agents);
  const invites = [...view.invites].sort((a, b) => a.createdAt - b.createdAt);
  const body: CardElement[] = [
    heading(`Invites for chat ${view.session.ref}`),
    text(`${endUserName(view.session)} · ${safeText(view.queue.name, LIMITS.name)}`, { isSubtle: true, spacing: 'None' }),
  ];
  if (invites.length === 0) body.push(text('No one has been invited to this chat yet.'));
  for (const inv of invites) {
    const items: CardElement[] = [
      text(`**${agentName(find(inv.inviteeId), inv.inviteeId)}** · ${modeLabel(inv.mode)} · ${inviteStatusLabel(inv.status)}${inv.attempt > 1 ? ` · attempt ${inv.attempt}` : ''}`),
      text(`Invited by ${agentName(find(inv.inviterId), inv.inviterId)} ${cardDateTime(inv.createdAt)}`, { size: 'Small', spacing: 'None' }),
      text(responseLine(inv), { size: 'Small', isSubtle: true, spacing: 'None' }),
    ];
    if (opts.maxResends !== undefined && resendOffered(inv, view.session, opts.maxResends)) {
      items.push(actionSet([execute('Resend', VERBS.resend, { sessionId: inv.sessionId, inviteId: inv.id })]));
    }
    body.push(container(items, { separator: true, spacing: 'Medium' }));
  }
  return card(body, [], { msteams: { width: 'Full' } });
}

function responseLine(inv: Invite): string {
  const at = inv.respondedAt !== undefined ? ` ${cardDateTime(inv.respondedAt)}` : '';
  const resent = inv.resentAs ? ' · resent' : '';
  switch (inv.status) {
    case 'pending': return `Waiting for an answer, expires ${cardDateTime(inv.expiresAt)}`;
    case 'accepted': return `Joined as ${inv.mode}${at}`;
    case 'rejected': return `Rejected${at}${resent}`;
    case 'expired': return `No answer, expired ${cardDateTime(inv.respondedAt ?? inv.expiresAt)}${resent}`;
    case 'cancelled': return `Cancelled${at} (the chat ended)`;
  }
}
