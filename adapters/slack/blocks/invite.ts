/** The invitee's DM card and the thread line about an invite's outcome. */
import { resendable } from '../../../src/domain/invite.js';
import type { InviteView } from '../../../src/app/ports.js';
import type { Invite } from '../../../src/domain/invite.js';
import { ACTIONS } from './actions.js';
import { actions, button, context, section } from './elements.js';
import { agentName, endUserLabel, MODE, queueLabel } from './names.js';
import { escapeMrkdwn, fallbackText, LIMITS, oneLine, safe, slackDate } from './text.js';
import type { Button, KnownBlock, SlackMessage } from './types.js';

/** How many recent messages a card quotes, and how long each line may be. */
export const CARD_RECENT = 5;
export const CARD_LINE = 300;

/** The buttons an invitee may press while the invite is pending: the mode's answer, then Reject. */
export function inviteAnswerButtons(invite: Invite): Button[] {
  const accept = invite.mode === 'participant'
    ? button({ text: 'Participate', actionId: ACTIONS.participate, value: invite.id, style: 'primary' })
    : button({ text: 'Monitor', actionId: ACTIONS.monitor, value: invite.id, style: 'primary' });
  return [accept, button({ text: 'Reject', actionId: ACTIONS.reject, value: invite.id, style: 'danger' })];
}

/** Whether the card still offers answers: pending and not past its expiry. */
export const isAnswerable = (invite: Invite, now: number): boolean => invite.status === 'pending' && now < invite.expiresAt;

const verb = (iv: InviteView): string => (iv.invite.mode === 'participant' ? 'participate in' : 'monitor');

/** The final state, as the invitee sees it on their card. */
function finalLine(iv: InviteView, now: number): string {
  const inv = iv.invite;
  const at = inv.respondedAt ? ` ${slackDate(inv.respondedAt)}` : '';
  switch (inv.status) {
    case 'accepted': return `:white_check_mark: You joined as ${MODE[inv.mode]}${at}.`;
    case 'rejected': return `:no_entry_sign: You rejected this invite${at}.`;
    case 'expired': return `:alarm_clock: This invite expired ${slackDate(inv.respondedAt ?? inv.expiresAt)}.`;
    case 'cancelled': return `:heavy_multiplication_x: This invite was cancelled${at}: the chat has ended.`;
    case 'pending': return now >= inv.expiresAt ? `:alarm_clock: This invite expired ${slackDate(inv.expiresAt)}.` : '';
  }
}

/** Quoted recent messages, oldest first, escaped and cut to fit one section. */
export function recentQuote(iv: InviteView, max = CARD_RECENT): string {
  const lines = iv.view.recent.slice(-max).map((m) => {
    const who = m.author === 'user' ? endUserLabel(iv.view, false) : escapeMrkdwn(m.authorName ?? (m.author === 'system' ? 'Switchboard' : 'Agent'));
    return `>*${who}:* ${safe(oneLine(m.text || (m.file ? `[file] ${m.file.name}` : '')), CARD_LINE)}`;
  });
  let out = '';
  for (const l of lines.reverse()) {
    if (out.length + l.length + 1 > LIMITS.sectionText - 100) break;
    out = out ? `${l}\n${out}` : l;
  }
  return out;
}

/** The invitee's DM card. Buttons only while the invite can still be answered. */
export function inviteCard(iv: InviteView, now: number): SlackMessage & { blocks: KnownBlock[] } {
  const inv = iv.invite;
  const inviter = agentName(iv.inviter, inv.inviterId);
  const v = iv.view;
  const attempt = inv.attempt > 1 ? ` _(resent, attempt ${inv.attempt})_` : '';
  const blocks: KnownBlock[] = [
    section(`:wave: *${inviter}* invites you to *${verb(iv)}* a chat.${attempt}`, {
      fields: [
        `*End user*\n${endUserLabel(v)}`,
        `*Queue*\n${queueLabel(v)}`,
        `*Mode*\n${inv.mode === 'participant' ? 'Participant' : 'Monitor'}`,
        `*Ref*\n\`${escapeMrkdwn(v.session.ref)}\``,
      ],
      blockId: `invite:${inv.id}`,
    }),
  ];
  const quote = recentQuote(iv);
  if (quote) blocks.push(section(`*Last messages*\n${quote}`));

  if (isAnswerable(inv, now)) {
    blocks.push(context(`:hourglass: Expires ${slackDate(inv.expiresAt)}. Only you can answer.`));
    blocks.push(actions(inviteAnswerButtons(inv), `invite_actions:${inv.id}`));
  } else {
    blocks.push(section(finalLine(iv, now)));
  }
  const state = isAnswerable(inv, now) ? '' : ` [${inv.status === 'pending' ? 'expired' : inv.status}]`;
  return {
    text: fallbackText(`${inviter} invites you to ${verb(iv)} chat ${escapeMrkdwn(v.session.ref)} (${endUserLabel(v, false)}, ${queueLabel(v)})${state}`),
    blocks,
  };
}

/** Resend is offered when the domain says the invite can be resent (who clicks is checked on click). */
export const canOfferResend = (iv: InviteView): boolean => resendable(iv.invite, iv.view.session, iv.maxResends).ok;

/** The thread line about an invite: sent, resent, joined, rejected/expired (with Resend), cancelled. */
export function inviteOutcome(iv: InviteView): SlackMessage & { blocks: KnownBlock[] } {
  const inv = iv.invite;
  const invitee = agentName(iv.invitee, inv.inviteeId);
  const inviter = agentName(iv.inviter, inv.inviterId);
  const mode = MODE[inv.mode];
  let line: string;
  switch (inv.status) {
    case 'pending':
      line = inv.attempt > 1
        ? `:repeat: ${inviter} resent the invite to ${invitee} as ${mode} (attempt ${inv.attempt}).`
        : `:envelope: ${inviter} invited ${invitee} as ${mode}.`;
      break;
    case 'accepted':
      line = `:white_check_mark: ${invitee} joined as ${mode}.`;
      break;
    case 'rejected':
      line = `:no_entry_sign: ${invitee} rejected the invite to join as ${mode}.`;
      break;
    case 'expired':
      line = `:alarm_clock: The invite to ${invitee} (${mode}) expired without an answer.`;
      break;
    case 'cancelled':
      line = `:heavy_multiplication_x: The invite to ${invitee} (${mode}) was cancelled.`;
      break;
  }
  const blocks: KnownBlock[] = [];
  if (canOfferResend(iv)) {
    const left = iv.maxResends - inv.attempt + 1;
    blocks.push(section(line, { accessory: button({ text: 'Resend', actionId: ACTIONS.resend, value: inv.id }), blockId: `outcome:${inv.id}` }));
    blocks.push(context(`${inviter} or the chat owner can resend (${left} resend${left === 1 ? '' : 's'} left).`));
  } else {
    blocks.push(context(line));
  }
  return { text: fallbackText(line), blocks };
}
