import type { ActionData, ActionStyle, ExecuteAction } from './types.js';

/** The `Action.Execute` verbs the bot handles (also in `data.verb` for the `Action.Submit` fallback). */
export const VERBS = {
  /** Take a waiting chat. data: {sessionId} */
  accept: 'accept',
  /** Show the invite search card (query and mode come from the card inputs). data: {sessionId} */
  invite: 'invite',
  /** Invite one candidate of the search card; inputs `mode` (and `query`). data: {sessionId, agentId} */
  inviteAgent: 'invite-agent',
  /** End the chat (owner). data: {sessionId} */
  end: 'end',
  /** Show the invite details ("+N"). data: {sessionId} */
  invites: 'invites',
  /** Answer an invite. data: {sessionId, inviteId} */
  participate: 'participate',
  monitor: 'monitor',
  reject: 'reject',
  /** Resend a rejected or expired invite. data: {sessionId, inviteId} */
  resend: 'resend',
  /** Availability. data: {} */
  available: 'available',
  away: 'away',
  /** Supervisor joins without an invite. data: {sessionId} */
  joinParticipate: 'join-participate',
  joinMonitor: 'join-monitor',
  /** The invite card's refresh. data: {sessionId, inviteId} */
  refreshInvite: 'refresh-invite',
} as const;
export type Verb = (typeof VERBS)[keyof typeof VERBS];

export const ALL_VERBS: readonly Verb[] = Object.values(VERBS);
export const isVerb = (v: unknown): v is Verb => typeof v === 'string' && (ALL_VERBS as readonly string[]).includes(v);

export interface ActionOptions {
  style?: ActionStyle;
  /** `none` for buttons that must not send the card's inputs. */
  associatedInputs?: 'auto' | 'none';
}

/**
 * An `Action.Execute` with an equivalent `Action.Submit` fallback (for hosts without the
 * Universal Action Model). Both carry the verb inside `data`.
 */
export function execute(title: string, verb: Verb, ids: Omit<ActionData, 'verb'> = {}, opts: ActionOptions = {}): ExecuteAction {
  const data: ActionData = { verb, ...definedOnly(ids) };
  const action: ExecuteAction = { type: 'Action.Execute', title, verb, data: { ...data } };
  if (opts.style) action.style = opts.style;
  if (opts.associatedInputs) action.associatedInputs = opts.associatedInputs;
  action.fallback = { type: 'Action.Submit', title, data: { ...data } };
  if (opts.style) action.fallback.style = opts.style;
  return action;
}

function definedOnly(o: Omit<ActionData, 'verb'>): Omit<ActionData, 'verb'> {
  const out: Omit<ActionData, 'verb'> = {};
  if (o.sessionId !== undefined) out.sessionId = o.sessionId;
  if (o.inviteId !== undefined) out.inviteId = o.inviteId;
  if (o.agentId !== undefined) out.agentId = o.agentId;
  return out;
}
