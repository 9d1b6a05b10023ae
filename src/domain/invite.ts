import { z } from 'zod';
import { type Agent, isAgent } from './directory.js';
import { allow, can, mayActWhileActive, mayAskForHelp, type Refusal, refuse, type Verdict } from './policy.js';
import type { Member, Session } from './session.js';

export const InviteMode = z.enum(['participant', 'monitor']);
export type InviteMode = z.infer<typeof InviteMode>;

export const InviteStatus = z.enum(['pending', 'accepted', 'rejected', 'expired', 'cancelled']);
export type InviteStatus = z.infer<typeof InviteStatus>;

/**
 * What is asked: to join (`invite`, in its mode), to take the chat over (`transfer`, an offer
 * from its owner), or to help (`help`, a supervisor joins in either mode).
 */
export const InviteKind = z.enum(['invite', 'transfer', 'help']);
export type InviteKind = z.infer<typeof InviteKind>;

/** The answers an invitee can give; which accept depends on the kind (answersFor). */
export const InviteAnswer = z.enum(['participate', 'monitor', 'accept', 'reject']);
export type InviteAnswer = z.infer<typeof InviteAnswer>;

/** An invite's note and a rejection's reason: short, shown as plain text. */
export const NOTE_MAX = 300;
/**
 * A note or a reason as every input path takes it (the HTTP API, a card's form, a command):
 * one schema, so what one path stores every reader can read back.
 */
export const Note = z.string().trim().max(NOTE_MAX, `at most ${NOTE_MAX} characters`);

/** A note (or reason) someone gave, checked: the trimmed text (undefined when empty), or why it cannot be taken. */
export function checkNote(note: string | undefined): { ok: true; note: string | undefined } | Refusal {
  if (note === undefined) return { ok: true, note: undefined };
  const r = Note.safeParse(note);
  if (!r.success) return refuse('note_too_long', { n: note.trim().length, max: NOTE_MAX });
  return { ok: true, note: r.data || undefined };
}

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
  kind: InviteKind.default('invite'),
  /** Invites sent together (anyone available, a help request): the first to join takes it, the rest are cancelled. */
  group: z.string().optional(),
  /** The inviter's note, shown on the card. */
  note: z.string().max(NOTE_MAX).optional(),
  /** Why it was rejected, for the owner and the inviter. */
  reason: z.string().max(NOTE_MAX).optional(),
  /** Cancelled because this member of its group took it. */
  takenBy: z.string().optional(),
  /** Ended at once (expired): it could not be delivered to its invitee on any platform. */
  unreached: z.boolean().optional(),
});
export type Invite = z.infer<typeof InviteSchema>;

export const answerFor = (mode: InviteMode): InviteAnswer => (mode === 'participant' ? 'participate' : 'monitor');

/** The answers that accept: the invite's mode; either mode to help; Accept for an offer. */
export function answersFor(inv: Pick<Invite, 'kind' | 'mode'>): InviteAnswer[] {
  if (inv.kind === 'help') return ['participate', 'monitor'];
  if (inv.kind === 'transfer') return ['accept'];
  return [answerFor(inv.mode)];
}

/** The member mode an accepting answer gives. */
export const modeOfAnswer = (a: InviteAnswer): 'owner' | InviteMode =>
  a === 'accept' ? 'owner' : a === 'monitor' ? 'monitor' : 'participant';

export interface EligibilityInput {
  session: Session;
  inviter: Member | undefined;
  inviterId: string;
  invitee: Agent | undefined;
  inviteeAvailable: boolean;
  inviteeMember: Member | undefined;
  pendingForInvitee: boolean;
}

/** The inviter's side: a member who may invite, into an active chat. */
export function mayInviteFrom(session: Session, inviter: Member | undefined): Verdict {
  if (session.status !== 'active') return refuse('not_active', undefined, 'not_active.invite');
  if (!inviter) return refuse('not_member');
  if (!can(inviter, 'invite')) return refuse('forbidden', undefined, 'forbidden.invite');
  return allow;
}

/** Who may invite whom (README "For agents and supervisors"). The first failing rule is the reason given. */
export function mayInvite(i: EligibilityInput): Verdict {
  const v = mayInviteFrom(i.session, i.inviter);
  return v.ok ? mayBeInvited(i) : v;
}

/**
 * Who may look through a chat's queue for someone to invite (the picker, the search card, a
 * name in a command): an agent of that queue who may invite into this chat now. The queue's
 * names and emails are shown to no one else (README "For agents and supervisors").
 */
export function maySearchInvitees(session: Session, searcher: Agent | undefined, member: Member | undefined): Verdict {
  if (!searcher || !isAgent(searcher)) return refuse('not_agent');
  if (!searcher.queues.includes(session.queueId)) return refuse('other_queue');
  return mayInviteFrom(session, member);
}

/** The invitee's side of eligibility, also used to explain the picker's choices. */
export function mayBeInvited(i: Omit<EligibilityInput, 'inviter'>): Verdict {
  const a = i.invitee;
  if (!a) return refuse('unknown_agent');
  if (a.id === i.inviterId) return refuse('self');
  const name = a.firstName;
  if (!isAgent(a)) return refuse('not_agent', { name }, 'not_agent.named');
  if (!a.queues.includes(i.session.queueId)) return refuse('other_queue', { name }, 'other_queue.named');
  if (i.inviteeMember) return refuse('already_member', { name, mode: i.inviteeMember.mode }, 'already_member.named');
  if (i.pendingForInvitee) return refuse('already_invited', { name }, 'already_invited.named');
  if (!i.inviteeAvailable) return refuse('away', { name }, 'away.named');
  return allow;
}

export function mayAnswer(invite: Invite, agentId: string, answer: InviteAnswer, now: number): Verdict {
  if (invite.inviteeId !== agentId) return refuse('not_invitee');
  if (invite.status !== 'pending') return refuse('not_pending', undefined, `not_pending.${invite.status}`);
  if (now >= invite.expiresAt) return refuse('not_pending', undefined, 'not_pending.expired');
  if (answer !== 'reject' && !answersFor(invite).includes(answer))
    return refuse('wrong_mode', undefined, invite.kind === 'invite' ? `wrong_mode.${invite.mode}` : 'wrong_answer');
  return allow;
}

/**
 * Who may be offered the chat: as for an invite, except that someone already in it (a
 * participant, a monitor) may take it over: the most natural hand-over.
 */
export function mayBeOffered(i: Omit<EligibilityInput, 'inviter'>): Verdict {
  if (i.invitee && i.invitee.id === i.inviterId) return refuse('self', undefined, 'self.transfer');
  return mayBeInvited({ ...i, inviteeMember: undefined });
}

/** The owner offers the chat to a colleague: the invite's rules, one offer at a time. */
export function mayTransfer(i: EligibilityInput & { offerPending: boolean }): Verdict {
  const v = mayActWhileActive(i.session, i.inviter, 'transfer');
  if (!v.ok) return v;
  if (i.offerPending) return refuse('transfer_pending', undefined, 'transfer_pending');
  return mayBeOffered(i);
}

/** Invite ids embed their chat's id (`<sessionId>~<random>`): any process finds the chat, and its slot. */
export const inviteSessionId = (inviteId: string): string | undefined => {
  const i = inviteId.lastIndexOf('~');
  return i > 0 ? inviteId.slice(0, i) : undefined;
};

/**
 * Whom a help request goes to: the queue's supervisors, but not the one asking, nor anyone
 * already in the chat (they read the request in its thread) or already asked.
 */
export function helpersFor(
  supervisorIds: readonly string[],
  askerId: string,
  members: readonly Pick<Member, 'agentId'>[],
  invites: readonly Invite[],
): string[] {
  return supervisorIds.filter(
    (id) =>
      id !== askerId &&
      !members.some((m) => m.agentId === id) &&
      !invites.some((i) => i.status === 'pending' && i.inviteeId === id),
  );
}

/**
 * Asking the supervisors for help: an owner or participant of an active chat, one open request
 * at a time, and someone left to ask (the one asking may be the queue's only supervisor).
 */
export function mayRequestHelp(i: {
  session: Session;
  member: Pick<Member, 'mode'> | undefined;
  askerId: string;
  members: readonly Pick<Member, 'agentId'>[];
  invites: readonly Invite[];
  supervisorIds: readonly string[];
  queue: string;
}): Verdict {
  const v = mayAskForHelp(
    i.session,
    i.member,
    i.invites.some((x) => isOpen(x, 'help')),
  );
  if (!v.ok) return v;
  if (helpersFor(i.supervisorIds, i.askerId, i.members, i.invites).length > 0) return allow;
  const others = i.supervisorIds.some((id) => id !== i.askerId);
  return refuse('no_supervisors', { queue: i.queue }, others ? 'no_supervisors.inChat' : undefined);
}

/** The one who asked the supervisors for help may take the request back while it is open. */
export function mayWithdrawHelp(invites: readonly Invite[], agentId: string): Verdict {
  const open = invites.filter((i) => isOpen(i, 'help'));
  if (open.length === 0) return refuse('no_help_open');
  if (!open.some((i) => i.inviterId === agentId)) return refuse('forbidden', undefined, 'forbidden.withdraw');
  return allow;
}

/** Whether an invite can be resent at all, whoever asks: cards use it to offer Resend. */
export function resendable(invite: Invite, session: Session, maxResends: number): Verdict {
  if (session.status !== 'active') return refuse('not_active');
  // Offers and help requests are asked again, not resent; a group is not resent one by one.
  if (invite.kind !== 'invite' || invite.group) return refuse('not_resendable');
  if (invite.status !== 'rejected' && invite.status !== 'expired') return refuse('not_resendable');
  if (invite.resentAs) return refuse('already_resent');
  if (invite.attempt > maxResends) return refuse('limit', { max: maxResends });
  return allow;
}

export function mayResend(invite: Invite, session: Session, agentId: string, maxResends: number): Verdict {
  if (agentId !== invite.inviterId && agentId !== session.ownerId)
    return refuse('forbidden', undefined, 'forbidden.resend');
  return resendable(invite, session, maxResends);
}

/** The invite list (who, mode, status, answer, times) is for the chat's owner and those who invited. */
export function mayViewInvites(session: Session, invites: readonly Invite[], agentId: string): Verdict {
  if (session.ownerId === agentId || invites.some((i) => i.inviterId === agentId)) return allow;
  return refuse('forbidden', undefined, 'forbidden.invites');
}

/**
 * An answer that already took: the same invitee gave it and the invite is where it took it
 * (the same mode, for an acceptance that could be either). A retried request is told it
 * worked, as the first was; `joinedAs`: the invitee's mode in the chat now, if a member.
 */
export function repeatsAnswer(
  invite: Invite,
  agentId: string,
  answer: InviteAnswer,
  joinedAs: string | undefined,
): boolean {
  if (invite.inviteeId !== agentId || invite.status !== statusForAnswer(answer)) return false;
  if (answer === 'reject') return true;
  return answersFor(invite).includes(answer) && joinedAs === modeOfAnswer(answer);
}

/** The state an invite moves to for an answer. */
export const statusForAnswer = (a: InviteAnswer): Exclude<InviteStatus, 'pending'> =>
  a === 'reject' ? 'rejected' : 'accepted';

/** An invite still waiting for its answer, of this kind. */
export const isOpen = (inv: Invite, kind: InviteKind): boolean => inv.status === 'pending' && inv.kind === kind;
