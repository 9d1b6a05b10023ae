/** The session's root message in the queue channel, and the invite details modal ("+N"). */
import type { SessionView } from '../../../src/app/ports.js';
import type { Invite } from '../../../src/domain/invite.js';
import { ACTIONS } from './actions.js';
import { actions, button, capBlocks, context, header, plain, section } from './elements.js';
import { type AgentLookup, agentName, agentsOfView, endUserLabel, INVITE_STATUS, lookupAgent, MODE, queueLabel, SESSION_STATUS } from './names.js';
import { escapeMrkdwn, fallbackText, LIMITS, slackDate, truncate } from './text.js';
import type { Button, KnownBlock, ModalView, SlackMessage } from './types.js';

/** Button text of the invite counter: `Invites +N`. */
export const inviteCounter = (view: SessionView): string => `Invites +${view.invites.length}`;

export function sessionRoot(view: SessionView): SlackMessage & { blocks: KnownBlock[] } {
  const { session } = view;
  const user = endUserLabel(view);
  const queue = queueLabel(view);
  const ref = escapeMrkdwn(session.ref);
  const fields = [`*Queue*\n${queue}`, `*Status*\n${SESSION_STATUS[session.status]}`, `*Ref*\n\`${ref}\``];
  if (session.status !== 'waiting') fields.push(`*Owner*\n${session.ownerId ? agentName(view.owner, session.ownerId) : '—'}`);
  if (session.status === 'active') fields.push(`*Invites*\n+${view.invites.length}`);

  const blocks: KnownBlock[] = [
    section(`:bust_in_silhouette: *${user}*`, { fields, blockId: `root:${session.id}` }),
  ];

  const others = view.members.filter((m) => m.mode !== 'owner');
  if (others.length && session.status === 'active') {
    const list = others.map((m) => `${agentName(m.agent, m.agentId)} (${MODE[m.mode]})`).join(', ');
    blocks.push(context(`With ${list}`));
  }

  const times = [`Opened ${slackDate(session.createdAt)}`];
  if (session.acceptedAt) times.push(`accepted ${slackDate(session.acceptedAt)}`);
  if (session.status === 'ended') {
    const by = session.endedBy ? ` by ${agentName(lookupAgent(agentsOfView(view), session.endedBy), session.endedBy)}` : '';
    times.push(`ended ${session.endedAt ? slackDate(session.endedAt) : ''}${by}`.replace(/ {2,}/g, ' ').trimEnd());
  }
  blocks.push(context(times.join(' · ')));

  const id = session.id;
  let buttons: Button[] = [];
  if (session.status === 'waiting') {
    buttons = [button({ text: 'Accept', actionId: ACTIONS.accept, value: id, style: 'primary' })];
  } else if (session.status === 'active') {
    buttons = [
      button({ text: 'Invite', actionId: ACTIONS.invite, value: id }),
      button({ text: inviteCounter(view), actionId: ACTIONS.invites, value: id }),
      button({
        text: 'End chat', actionId: ACTIONS.end, value: id, style: 'danger',
        confirm: { title: 'End this chat?', text: `Chat ${session.ref} will be closed for the end user and every agent.`, confirm: 'End chat', deny: 'Cancel' },
      }),
    ];
  }
  if (buttons.length) blocks.push(actions(buttons, `root_actions:${id}`));

  const status = session.status === 'waiting' ? 'waiting' : session.status === 'active' ? `active, owner ${agentName(view.owner, session.ownerId)}` : 'ended';
  return {
    text: fallbackText(`Chat ${ref} from ${endUserLabel(view, false)} in ${queue}: ${status}`),
    blocks: capBlocks(blocks, LIMITS.messageBlocks),
  };
}

function response(inv: Invite): string {
  switch (inv.status) {
    case 'pending': return 'No answer yet';
    case 'accepted': return inv.mode === 'participant' ? 'Participate' : 'Monitor';
    case 'rejected': return 'Reject';
    case 'expired': return 'No answer (expired)';
    case 'cancelled': return 'None (chat ended)';
  }
}

/** One invite as a section: invitee, mode, status, response, times. */
export function inviteSummary(inv: Invite, agents: AgentLookup): KnownBlock {
  const invitee = agentName(lookupAgent(agents, inv.inviteeId), inv.inviteeId);
  const inviter = agentName(lookupAgent(agents, inv.inviterId), inv.inviterId);
  const attempt = inv.attempt > 1 ? ` · attempt ${inv.attempt}` : '';
  return section(`*${invitee}* as ${MODE[inv.mode]}${attempt}\ninvited by ${inviter}`, {
    fields: [
      `*Status*\n${INVITE_STATUS[inv.status]}`,
      `*Response*\n${response(inv)}`,
      `*Sent*\n${slackDate(inv.createdAt)}`,
      inv.respondedAt ? `*Answered*\n${slackDate(inv.respondedAt)}` : inv.status === 'pending' ? `*Expires*\n${slackDate(inv.expiresAt)}` : `*Answered*\n—`,
    ],
  });
}

/**
 * The "+N" details: a modal listing every invite of the session, newest first.
 * `agentsById` resolves invitee and inviter names (a Map, a record or a function).
 */
export function inviteDetails(view: SessionView, agentsById: AgentLookup): ModalView {
  const invites = [...view.invites].sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
  const blocks: KnownBlock[] = [
    header(`Invites for chat ${view.session.ref}`),
    context(`${endUserLabel(view, false)} · ${queueLabel(view)} · ${invites.length} invite${invites.length === 1 ? '' : 's'}`),
  ];
  if (invites.length === 0) blocks.push(section('_Nobody has been invited to this chat yet._'));
  for (const inv of invites) blocks.push(inviteSummary(inv, agentsById));
  return {
    type: 'modal',
    callback_id: ACTIONS.invitesModal,
    title: plain(truncate(`Invites ${view.session.ref}`, LIMITS.viewTitle), LIMITS.viewTitle),
    close: plain('Close', LIMITS.viewTitle),
    private_metadata: view.session.id,
    blocks: capBlocks(blocks, LIMITS.viewBlocks, (n) => `…and ${n} older invites not shown.`),
  };
}
