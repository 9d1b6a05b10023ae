import { type Agent, isAgent, isSupervisorOf } from './directory.js';
import type { Member, MemberMode, Session } from './session.js';

/** Everything a member can do in a chat; the permission table of DESIGN §1 as data. */
export const ACTIONS = [
  'end', 'release', 'transfer', 'note', 'ticket', 'pin',
  'chat', 'canned', 'attach', 'share',
  'invite',
  'read', 'leave',
] as const;
export type Action = (typeof ACTIONS)[number];

const PERMISSIONS: Record<MemberMode, ReadonlySet<Action>> = {
  owner: new Set(ACTIONS),
  participant: new Set<Action>(['chat', 'canned', 'attach', 'share', 'invite', 'read', 'leave']),
  monitor: new Set<Action>(['read', 'leave']),
};

export const can = (member: Pick<Member, 'mode'> | undefined, action: Action): boolean =>
  member !== undefined && PERMISSIONS[member.mode].has(action);

/** A refusal with a stable code (for logs, tests and i18n) and words for the user. */
export interface Refusal {
  ok: false;
  code: string;
  message: string;
}
export type Verdict = { ok: true } | Refusal;
export const allow: Verdict = { ok: true };
export const refuse = (code: string, message: string): Refusal => ({ ok: false, code, message });

export function mayAccept(session: Session, agent: Agent | undefined, available: boolean): Verdict {
  if (!agent || !isAgent(agent)) return refuse('not_agent', 'Only support agents can accept chats.');
  if (!agent.queues.includes(session.queueId)) return refuse('other_queue', 'This chat belongs to a queue you are not in.');
  if (session.status !== 'waiting') return refuse('not_waiting', session.status === 'ended' ? 'This chat has ended.' : 'Someone has already accepted this chat.');
  if (!available) return refuse('away', 'You are set to Away. Set yourself Available to take chats.');
  return allow;
}

export function mayAct(session: Session, member: Member | undefined, action: Action): Verdict {
  if (session.status === 'ended') return refuse('ended', 'This chat has ended.');
  if (!member) return refuse('not_member', 'You are not a member of this chat.');
  if (!can(member, action)) {
    return refuse('forbidden', member.mode === 'monitor'
      ? 'You are monitoring this chat, so you cannot do that.'
      : 'Only the chat owner can do that.');
  }
  return allow;
}

/** The modes a supervisor may still join a chat in: both, only participant (a monitor stepping up), or none. */
export function supervisorJoinModes(session: Session, member: Member | undefined): Array<'participant' | 'monitor'> {
  if (session.status !== 'active' || member?.mode === 'owner' || member?.mode === 'participant') return [];
  return member?.mode === 'monitor' ? ['participant'] : ['participant', 'monitor'];
}

export function mayJoinAsSupervisor(session: Session, agent: Agent | undefined, member: Member | undefined, mode: 'participant' | 'monitor'): Verdict {
  if (!agent || !isSupervisorOf(agent, session.queueId)) return refuse('not_supervisor', 'Only a supervisor of this queue can join without an invite.');
  if (session.status !== 'active') return refuse('not_active', 'Only active chats can be joined.');
  if (member?.mode === 'owner') return refuse('owner', 'You own this chat.');
  if (!supervisorJoinModes(session, member).includes(mode)) return refuse('already_member', `You are already in this chat as ${member?.mode ?? 'a member'}.`);
  return allow;
}

/** What happens to a thread reply: who sees it. */
export type Visibility = 'public' | 'agents' | 'private';
export type ReplyDecision = { visibility: Visibility; notice?: string } | Refusal;

export function classifyAgentReply(session: Session, member: Member | undefined, isNote: boolean): ReplyDecision {
  if (session.status !== 'active') return refuse('not_active', session.status === 'ended' ? 'This chat has ended; your reply was not sent.' : 'Accept the chat before replying.');
  if (isNote) return can(member, 'note') ? { visibility: 'private' } : refuse('forbidden', 'Only the chat owner can write private notes.');
  if (can(member, 'chat')) return { visibility: 'public' };
  if (member) return { visibility: 'agents', notice: 'You are monitoring this chat: your reply was not sent to the customer.' };
  return refuse('not_member', 'You are not in this chat: your reply was not sent to the customer.');
}
