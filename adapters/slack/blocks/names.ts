/** How people, modes and states are named in Slack texts. All outputs are escaped mrkdwn-safe. */
import type { Agent } from '../../../src/domain/directory.js';
import { fullName } from '../../../src/domain/directory.js';
import type { InviteMode, InviteStatus } from '../../../src/domain/invite.js';
import type { MemberMode, SessionStatus } from '../../../src/domain/session.js';
import type { SessionView } from '../../../src/app/ports.js';
import { escapeMrkdwn } from './text.js';

/** An agent's name, escaped; falls back to the id when the directory no longer has them. */
export const agentName = (agent: Agent | undefined, id?: string): string =>
  escapeMrkdwn(agent ? fullName(agent) : id ?? 'someone');

/** The end user: `Jane Doe (jane@example.com)`, escaped. */
export function endUserLabel(view: SessionView, withEmail = true): string {
  const u = view.session.endUser;
  return escapeMrkdwn(withEmail && u.email ? `${u.name} (${u.email})` : u.name);
}

export const queueLabel = (view: SessionView): string => escapeMrkdwn(view.queue.name);

export const SESSION_STATUS: Record<SessionStatus, string> = {
  waiting: ':hourglass_flowing_sand: Waiting',
  active: ':speech_balloon: Active',
  ended: ':white_check_mark: Ended',
};

export const MODE: Record<InviteMode | MemberMode, string> = {
  owner: 'owner',
  participant: 'participant',
  monitor: 'monitor',
};

export const INVITE_STATUS: Record<InviteStatus, string> = {
  pending: ':hourglass: Pending',
  accepted: ':white_check_mark: Accepted',
  rejected: ':no_entry_sign: Rejected',
  expired: ':alarm_clock: Expired',
  cancelled: ':heavy_multiplication_x: Cancelled',
};

/** Lookup of agents by id, as a Map, a record or a function. */
export type AgentLookup = ReadonlyMap<string, Agent> | Readonly<Record<string, Agent | undefined>> | ((id: string) => Agent | undefined);

export function lookupAgent(agents: AgentLookup, id: string): Agent | undefined {
  if (typeof agents === 'function') return agents(id);
  if (agents instanceof Map) return agents.get(id);
  return Object.prototype.hasOwnProperty.call(agents, id) ? (agents as Record<string, Agent | undefined>)[id] : undefined;
}

/** Every agent a session view knows about (owner and members), by id. */
export function agentsOfView(view: SessionView): Map<string, Agent> {
  const m = new Map<string, Agent>();
  if (view.owner) m.set(view.owner.id, view.owner);
  for (const mv of view.members) if (mv.agent) m.set(mv.agentId, mv.agent);
  return m;
}
