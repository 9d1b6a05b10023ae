import { z } from 'zod';
import { type Agent, isAgent } from './directory.js';
import { allow, can, refuse, type Verdict } from './policy.js';
import type { Member, Session } from './session.js';

export const InviteMode = z.enum(['participant', 'monitor']);
export type InviteMode = z.infer<typeof InviteMode>;

export const InviteStatus = z.enum(['pending', 'accepted', 'rejected', 'expired', 'cancelled']);
export type InviteStatus = z.infer<typeof InviteStatus>;

/** The answers an invitee can give; the accepting answer must match the invite's mode. */
export const InviteAnswer = z.enum(['participate', 'monitor', 'reject']);
export type InviteAnswer = z.infer<typeof InviteAnswer>;

export const InviteSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  inviterId: z.string(),
  inviteeId: z.string(),
  mode: InviteMode,
  status: InviteStatus,
  attempt: z.number().int().min(1),
  /** The first invite of a resend chain; equal to id for the first attempt. */
  rootId: z.string(),
  previousId: z.string().optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
  respondedAt: z.number().optional(),
  /** Set once, when the invite leaves pending. */
  resentAs: z.string().optional(),
});
export type Invite = z.infer<typeof InviteSchema>;

export const answerFor = (mode: InviteMode): InviteAnswer => (mode === 'participant' ? 'participate' : 'monitor');

export interface EligibilityInput {
  session: Session;
  inviter: Member | undefined;
  inviterId: string;
  invitee: Agent | undefined;
  inviteeAvailable: boolean;
  inviteeMember: Member | undefined;
  pendingForInvitee: boolean;
}

/** Who may invite whom (DESIGN §1). The first failing rule is the reason given. */
export function mayInvite(i: EligibilityInput): Verdict {
  if (i.session.status !== 'active') return refuse('not_active', 'Only active chats accept invites.');
  if (!i.inviter) return refuse('not_member', 'You are not a member of this chat.');
  if (!can(i.inviter, 'invite')) return refuse('forbidden', 'Monitors cannot invite.');
  return mayBeInvited(i);
}

/** The invitee's side of eligibility, also used to explain the picker's choices. */
export function mayBeInvited(i: Omit<EligibilityInput, 'inviter'>): Verdict {
  const a = i.invitee;
  if (!a) return refuse('unknown_agent', 'No such agent in the directory.');
  if (a.id === i.inviterId) return refuse('self', 'You cannot invite yourself.');
  if (!isAgent(a)) return refuse('not_agent', `${a.firstName} is not a support agent.`);
  if (!a.queues.includes(i.session.queueId)) return refuse('other_queue', `${a.firstName} is not in this chat's queue.`);
  if (i.inviteeMember) return refuse('already_member', `${a.firstName} is already in this chat as ${i.inviteeMember.mode}.`);
  if (i.pendingForInvitee) return refuse('already_invited', `${a.firstName} already has a pending invite to this chat.`);
  if (!i.inviteeAvailable) return refuse('away', `${a.firstName} is Away.`);
  return allow;
}

export function mayAnswer(invite: Invite, agentId: string, answer: InviteAnswer, now: number): Verdict {
  if (invite.inviteeId !== agentId) return refuse('not_invitee', 'This invite is for someone else.');
  if (invite.status !== 'pending') return refuse('not_pending', `This invite has already ${describeStatus(invite.status)}.`);
  if (now >= invite.expiresAt) return refuse('not_pending', 'This invite has expired.');
  if (answer !== 'reject' && answer !== answerFor(invite.mode)) return refuse('wrong_mode', `This invite is to ${invite.mode === 'participant' ? 'participate' : 'monitor'}.`);
  return allow;
}

/** Whether an invite can be resent at all, whoever asks: cards use it to offer Resend. */
export function resendable(invite: Invite, session: Session, maxResends: number): Verdict {
  if (session.status !== 'active') return refuse('not_active', 'This chat is no longer active.');
  if (invite.status !== 'rejected' && invite.status !== 'expired') return refuse('not_resendable', `An invite that is ${invite.status} cannot be resent.`);
  if (invite.resentAs) return refuse('already_resent', 'This invite has already been resent.');
  if (invite.attempt > maxResends) return refuse('limit', `This invite has been resent ${maxResends} times, the limit.`);
  return allow;
}

export function mayResend(invite: Invite, session: Session, agentId: string, maxResends: number): Verdict {
  if (agentId !== invite.inviterId && agentId !== session.ownerId) return refuse('forbidden', 'Only the inviter or the chat owner can resend an invite.');
  return resendable(invite, session, maxResends);
}

/** The invite list (who, mode, status, answer, times) is for the chat's owner and those who invited. */
export function mayViewInvites(session: Session, invites: readonly Invite[], agentId: string): Verdict {
  if (session.ownerId === agentId || invites.some((i) => i.inviterId === agentId)) return allow;
  return refuse('forbidden', "Only the chat's owner and those who invited can see its invites.");
}

export function describeStatus(s: InviteStatus): string {
  switch (s) {
    case 'pending': return 'not been answered';
    case 'accepted': return 'been accepted';
    case 'rejected': return 'been rejected';
    case 'expired': return 'expired';
    case 'cancelled': return 'been cancelled';
  }
}

/** The state an invite moves to for an answer. */
export const statusForAnswer = (a: InviteAnswer): Exclude<InviteStatus, 'pending'> => (a === 'reject' ? 'rejected' : 'accepted');
