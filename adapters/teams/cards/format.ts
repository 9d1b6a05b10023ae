import type { Agent } from '../../../src/domain/directory.js';
import { type Invite, type InviteMode, type InviteStatus, resendable } from '../../../src/domain/invite.js';
import type { MemberMode, Session } from '../../../src/domain/session.js';
import type { SessionView } from '../../../src/app/ports.js';
import { LIMITS, safeText } from './escape.js';
import type { CardAction, CardElement } from './types.js';

/** Adaptive Card date functions want RFC 3339 without milliseconds. */
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** Rendered in the reader's locale and time zone by the Teams client. */
export const cardDate = (ms: number): string => `{{DATE(${iso(ms)}, SHORT)}}`;
export const cardTime = (ms: number): string => `{{TIME(${iso(ms)})}}`;
export const cardDateTime = (ms: number): string => `${cardDate(ms)} ${cardTime(ms)}`;

/** A directory name is trusted but still escaped: names can contain `_` or `*`. */
export const agentName = (a: Agent | undefined, fallbackId?: string): string =>
  a ? safeText(`${a.firstName} ${a.lastName}`.trim(), LIMITS.name) : safeText(fallbackId ?? 'someone', LIMITS.name);

export const endUserName = (s: Session): string => safeText(s.endUser.name, LIMITS.name);

export const modeLabel = (m: InviteMode | MemberMode): string =>
  m === 'participant' ? 'Participant' : m === 'monitor' ? 'Monitor' : 'Owner';

export const inviteStatusLabel = (s: InviteStatus): string =>
  ({ pending: 'Pending', accepted: 'Accepted', rejected: 'Rejected', expired: 'Expired', cancelled: 'Cancelled' })[s];

export const sessionStatusLabel = (v: SessionView): string => {
  switch (v.session.status) {
    case 'waiting': return 'Waiting';
    case 'active': return `Active (owner: ${agentName(v.owner, v.session.ownerId)})`;
    case 'ended': return 'Ended';
  }
};

/** Who an agent id is, from the view's members or an optional look-up. */
export type AgentLookup = (id: string) => Agent | undefined;
export const lookupIn = (view: SessionView, more?: AgentLookup): AgentLookup => (id) =>
  view.members.find((m) => m.agentId === id)?.agent ?? (view.owner?.id === id ? view.owner : undefined) ?? more?.(id);

/** Whether Resend is offered for an invite: the domain's rule, minus who clicks. */
export const resendOffered = (i: Invite, session: Session, maxResends: number): boolean => resendable(i, session, maxResends).ok;

// ---- element helpers ----

export interface TextOptions {
  size?: 'Small' | 'Default' | 'Medium' | 'Large';
  weight?: 'Lighter' | 'Default' | 'Bolder';
  isSubtle?: boolean;
  color?: 'Default' | 'Dark' | 'Light' | 'Accent' | 'Good' | 'Warning' | 'Attention';
  spacing?: 'None' | 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge' | 'Padding';
  separator?: boolean;
  maxLines?: number;
}

export const text = (t: string, opts: TextOptions = {}): CardElement => ({ type: 'TextBlock', text: t, wrap: true, ...opts });
export const heading = (t: string): CardElement => text(t, { size: 'Medium', weight: 'Bolder' });

export const facts = (pairs: Array<[string, string]>): CardElement => ({
  type: 'FactSet',
  facts: pairs.map(([title, value]) => ({ title, value })),
});

export const container = (items: CardElement[], extra: Record<string, unknown> = {}): CardElement => ({ type: 'Container', items, ...extra });

export const actionSet = (actions: CardAction[], extra: Record<string, unknown> = {}): CardElement => ({ type: 'ActionSet', actions, ...extra });

/** Shows at most `max` items, then a line saying how many were left out. */
export function capped<T>(items: readonly T[], max: number, render: (item: T) => CardElement[]): CardElement[] {
  const shown = items.slice(0, max).flatMap(render);
  if (items.length > max) shown.push(text(`…and ${items.length - max} more.`, { isSubtle: true, size: 'Small' }));
  return shown;
}

/** For fallbackText: the date functions replaced by their raw timestamps. */
export const withoutDateFunctions = (s: string): string => s.replace(/\{\{(?:DATE|TIME)\(([^,)]+)(?:, ?\w+)?\)\}\}/g, '$1');
