import { type Agent, isAgent, isSupervisor, isSupervisorOf } from './directory.js';
import type { Member, MemberMode, Session } from './session.js';

/** Everything a member can do in a chat; the permission table (README "For agents and supervisors") as data. */
export const ACTIONS = [
  'end',
  'release',
  'transfer',
  'promote',
  'note',
  'ticket',
  'pin',
  'chat',
  'canned',
  'attach',
  'share',
  'invite',
  'assist',
  'read',
  'leave',
] as const;
export type ChatAction = (typeof ACTIONS)[number];

const PERMISSIONS: Record<MemberMode, ReadonlySet<ChatAction>> = {
  owner: new Set(ACTIONS),
  participant: new Set<ChatAction>(['chat', 'canned', 'attach', 'share', 'invite', 'assist', 'read', 'leave']),
  monitor: new Set<ChatAction>(['read', 'leave']),
};

export const can = (member: Pick<Member, 'mode'> | undefined, action: ChatAction): boolean =>
  member !== undefined && PERMISSIONS[member.mode].has(action);

/**
 * A refusal: a stable code (the API's error code, for logs and tests), and which sentence of
 * the wording catalogue says it (`refusal.<wording>`, by default the code) with its parameters.
 */
export interface Refusal {
  ok: false;
  code: string;
  wording?: string;
  params?: Readonly<Record<string, string | number>>;
}
export type Verdict = { ok: true } | Refusal;
export const allow: Verdict = { ok: true };
export const refuse = (code: string, params?: Refusal['params'], wording?: string): Refusal => ({
  ok: false,
  code,
  ...(params ? { params } : {}),
  ...(wording ? { wording } : {}),
});

export function mayAccept(session: Session, agent: Agent | undefined, available: boolean): Verdict {
  if (!agent || !isAgent(agent)) return refuse('not_agent');
  if (!agent.queues.includes(session.queueId)) return refuse('other_queue');
  // An offline message is taken by replying to it, whoever is around (being away does not matter: nobody was there).
  if (session.status === 'offline') return allow;
  if (session.status !== 'waiting')
    return refuse('not_waiting', undefined, session.status === 'ended' ? 'ended' : undefined);
  if (!available) return refuse('away');
  return allow;
}

/** An offline message no one replied to is closed by any agent of its queue (it has no members yet). */
export function mayCloseOffline(session: Session, agent: Agent | undefined): Verdict {
  if (!agent || !isAgent(agent)) return refuse('not_agent');
  if (!agent.queues.includes(session.queueId)) return refuse('other_queue');
  return session.status === 'offline' ? allow : refuse('not_offline');
}

export function mayAct(session: Session, member: Pick<Member, 'mode'> | undefined, action: ChatAction): Verdict {
  if (session.status === 'ended') return refuse('ended');
  if (!member) return refuse('not_member');
  if (!can(member, action))
    return refuse('forbidden', undefined, member.mode === 'monitor' ? 'forbidden.monitor' : 'forbidden.owner');
  return allow;
}

/** The end user sends a file: into a chat not ended, up to the chat's limit. */
export function mayAttach(session: Session, files: number, maxFiles: number): Verdict {
  if (session.status === 'ended') return refuse('ended');
  if (files >= maxFiles) return refuse('file_limit', { max: maxFiles });
  return allow;
}

/** Participants and monitors leave; the owner releases, transfers or ends instead. */
export function mayLeave(session: Session, member: Pick<Member, 'mode'> | undefined): Verdict {
  if (session.status === 'ended') return refuse('ended');
  if (!member) return refuse('not_member', undefined, 'not_member.leave');
  if (member.mode === 'owner') return refuse('owner', undefined, 'owner.leave');
  return allow;
}

/** An action that needs the chat active (not waiting, not ended), by a member allowed it. */
export function mayActWhileActive(
  session: Session,
  member: Pick<Member, 'mode'> | undefined,
  action: 'release' | 'transfer' | 'promote' | 'assist',
): Verdict {
  if (session.status !== 'active')
    return refuse('not_active', undefined, session.status === 'ended' ? 'ended' : `not_active.${action}`);
  return mayAct(session, member, action);
}

/** The owner hands the chat back to a queue (its own: release; another: transfer). */
export function mayRequeue(
  session: Session,
  member: Member | undefined,
  action: 'release' | 'transfer',
  toQueue?: { id: string; known: boolean },
): Verdict {
  const v = mayActWhileActive(session, member, action);
  if (!v.ok) return v;
  if (toQueue && !toQueue.known) return refuse('unknown_queue', { queue: toQueue.id });
  if (toQueue && toQueue.id === session.queueId) return refuse('same_queue', undefined, 'same_queue');
  return allow;
}

/** The owner makes a monitor a participant. */
export function mayPromote(
  session: Session,
  actor: Member | undefined,
  target: Member | undefined,
  name: string,
): Verdict {
  const v = mayActWhileActive(session, actor, 'promote');
  if (!v.ok) return v;
  if (target?.mode !== 'monitor') return refuse('not_monitor', { name }, 'not_monitor');
  return allow;
}

/** The owner or a participant calls the queue's supervisors; one open request per chat. */
export function mayAskForHelp(session: Session, member: Pick<Member, 'mode'> | undefined, open: boolean): Verdict {
  const v = mayActWhileActive(session, member, 'assist');
  if (!v.ok) return v;
  if (open) return refuse('help_open', undefined, 'help_open');
  return allow;
}

/** The modes a supervisor may still join a chat in: both, only participant (a monitor stepping up), or none. */
export function supervisorJoinModes(session: Session, member: Member | undefined): Array<'participant' | 'monitor'> {
  if (session.status !== 'active' || member?.mode === 'owner' || member?.mode === 'participant') return [];
  return member?.mode === 'monitor' ? ['participant'] : ['participant', 'monitor'];
}

export function mayJoinAsSupervisor(
  session: Session,
  agent: Agent | undefined,
  member: Member | undefined,
  mode: 'participant' | 'monitor',
): Verdict {
  if (!agent || !isSupervisorOf(agent, session.queueId)) return refuse('not_supervisor');
  if (session.status !== 'active') return refuse('not_active', undefined, 'not_active.join');
  if (member?.mode === 'owner') return refuse('owner');
  if (!supervisorJoinModes(session, member).includes(mode))
    return refuse('already_member', { mode: member?.mode ?? 'member' }, 'already_member.you');
  return allow;
}

/** What happens to a thread reply: who sees it. */
export type Visibility = 'public' | 'agents' | 'private';
/** Who sees a reply; `withheld` when it is kept from the customer, so its author is told. */
export type ReplyDecision = { visibility: Visibility; withheld?: true } | Refusal;

export function classifyAgentReply(session: Session, member: Member | undefined, isNote: boolean): ReplyDecision {
  if (session.status !== 'active')
    return refuse('not_active', undefined, session.status === 'ended' ? 'ended.reply' : 'not_active.reply');
  if (isNote) return can(member, 'note') ? { visibility: 'private' } : refuse('forbidden', undefined, 'forbidden.note');
  if (can(member, 'chat')) return { visibility: 'public' };
  if (member) return { visibility: 'agents', withheld: true };
  return refuse('not_member', undefined, 'not_member.reply');
}

/** An ended chat's transcript from the record (`history <ref>`): for the agents of its queue. */
export function mayReadHistory(agent: Agent | undefined, session: Session): Verdict {
  if (!agent || !isAgent(agent)) return refuse('not_agent');
  if (!agent.queues.includes(session.queueId))
    return refuse('other_queue', { ref: session.ref }, 'other_queue.history');
  if (session.status !== 'ended') return refuse('not_ended', { ref: session.ref }, 'not_ended.history');
  return allow;
}

/** The end user rates their chat once it has ended (once: the store keeps the first). */
export function mayRate(session: Session): Verdict {
  return session.status === 'ended' ? allow : refuse('not_ended', undefined, 'not_ended.rating');
}

/** Today's numbers (the home's Today, the report card): supervisors, for the queues they supervise. */
export function maySeeReport(agent: Agent | undefined): Verdict {
  return agent && isSupervisor(agent) ? allow : refuse('not_supervisor', undefined, 'not_supervisor.report');
}

/** A canned reply is the agent's own reply: owners and participants, while the chat is active (monitors never). */
export function mayUseCanned(session: Session, member: Pick<Member, 'mode'> | undefined): Verdict {
  if (session.status !== 'active')
    return refuse('not_active', undefined, session.status === 'ended' ? 'ended.reply' : 'not_active.reply');
  if (!member) return refuse('not_member', undefined, 'not_member.reply');
  if (!can(member, 'canned'))
    return refuse('forbidden', undefined, member.mode === 'monitor' ? 'forbidden.canned' : 'forbidden.owner');
  return allow;
}

/** Wrap-up: an outcome must be one of the queue's; a queue that lists outcomes asks for one where people end chats. */
export function checkOutcome(outcomes: readonly string[], outcome: string | undefined, required: boolean): Verdict {
  if (outcome === undefined)
    return required && outcomes.length > 0
      ? refuse('invalid', { outcomes: outcomes.join(', ') }, 'outcome.missing')
      : allow;
  if (!outcomes.includes(outcome))
    return refuse('invalid', { outcome, outcomes: outcomes.join(', ') || '—' }, 'outcome.unknown');
  return allow;
}
