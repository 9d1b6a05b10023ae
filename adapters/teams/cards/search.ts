import type { SessionView } from '../../../src/app/ports.js';
import type { Agent } from '../../../src/domain/directory.js';
import type { InviteMode } from '../../../src/domain/invite.js';
import type { Verdict } from '../../../src/domain/policy.js';
import { LIMITS, safeText } from './escape.js';
import { actionSet, agentName, endUserName, heading, text } from './format.js';
import { card, type AdaptiveCard, type CardElement } from './types.js';
import { execute, VERBS } from './verbs.js';

export interface InviteCandidate {
  agent: Agent;
  verdict: Verdict;
}

export interface InviteSearchOptions {
  /** The mode pre-selected in "Invite as". */
  mode?: InviteMode;
  /** At most this many candidates are listed. */
  limit?: number;
  /** A line on top, e.g. the result of the last invite ("Invite sent to Bob Li"). */
  notice?: string;
}

/**
 * The invite picker, usable as a dialog (task module) or inline card: a search box (`query`),
 * "Invite as" (`mode`), and the candidates with an Invite button each. Ineligible agents are
 * listed greyed with the reason and no button.
 */
export function inviteSearchCard(view: SessionView, query: string, candidates: InviteCandidate[], opts: InviteSearchOptions = {}): AdaptiveCard {
  const sessionId = view.session.id;
  const limit = opts.limit ?? 15;
  const body: CardElement[] = [
    heading(`Invite an agent to chat ${view.session.ref}`),
    text(`${endUserName(view.session)} · ${safeText(view.queue.name, LIMITS.name)}`, { isSubtle: true, spacing: 'None' }),
  ];
  if (opts.notice) body.push(text(safeText(opts.notice, LIMITS.preview), { color: 'Accent' }));
  body.push(
    {
      type: 'Input.Text',
      id: 'query',
      label: 'Search by name or email',
      placeholder: 'e.g. Bob or bob@example.com',
      maxLength: LIMITS.query,
      ...(query ? { value: Array.from(query).slice(0, LIMITS.query).join('') } : {}),
    },
    {
      type: 'Input.ChoiceSet',
      id: 'mode',
      label: 'Invite as',
      style: 'expanded',
      isRequired: true,
      errorMessage: 'Choose Participant or Monitor',
      value: opts.mode ?? 'participant',
      choices: [
        { title: 'Participant (can chat with the customer)', value: 'participant' },
        { title: 'Monitor (reads only)', value: 'monitor' },
      ],
    },
    actionSet([execute('Search', VERBS.invite, { sessionId })]),
  );

  const shown = candidates.slice(0, limit);
  if (shown.length === 0) {
    body.push(text(query.trim() ? `No agent matches “${safeText(query, LIMITS.query)}”.` : 'No agents to show.', { isSubtle: true, separator: true }));
  }
  for (const c of shown) body.push(candidateRow(sessionId, c));
  if (candidates.length > shown.length) {
    body.push(text(`${candidates.length - shown.length} more: refine the search.`, { isSubtle: true, size: 'Small' }));
  }
  return card(body);
}

function candidateRow(sessionId: string, { agent, verdict }: InviteCandidate): CardElement {
  const info: CardElement[] = [
    text(`**${agentName(agent)}**`, verdict.ok ? {} : { isSubtle: true }),
    text(safeText(agent.email, LIMITS.name), { isSubtle: true, size: 'Small', spacing: 'None' }),
  ];
  if (!verdict.ok) info.push(text(safeText(verdict.message, LIMITS.preview), { isSubtle: true, size: 'Small', spacing: 'None', color: 'Warning' }));
  const columns: CardElement[] = [{ type: 'Column', width: 'stretch', items: info, verticalContentAlignment: 'Center' }];
  if (verdict.ok) {
    columns.push({
      type: 'Column',
      width: 'auto',
      verticalContentAlignment: 'Center',
      items: [actionSet([execute('Invite', VERBS.inviteAgent, { sessionId, agentId: agent.id }, { style: 'positive' })])],
    });
  }
  return { type: 'ColumnSet', separator: true, columns };
}
