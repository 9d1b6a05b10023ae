import type { Agent } from '../../domain/directory.js';
import { type Invite, mayResend, resendable } from '../../domain/invite.js';
import type { Verdict } from '../../domain/policy.js';
import { call } from '../verbs.js';
import { at, plain, plural, type Rich, words } from '../wording/index.js';
import type { InviteView, SessionView } from '../views.js';
import { agentName, modeTitle, modeWord, ref, userLabel, userName } from './names.js';
import { messageQuote } from './lines.js';
import { type Action, action, type Block, type Option, type Surface } from './surface.js';

const ids = (inv: Invite) => ({ inviteId: inv.id });

/** The buttons an invitee may press while the invite is pending: the mode's answer, then Reject. */
export function answerActions(inv: Invite): Action[] {
  const accept = inv.mode === 'participant'
    ? action(words('action.participate'), call('participate', ids(inv)), { style: 'primary' })
    : action(words('action.monitor'), call('monitor', ids(inv)), { style: 'primary' });
  return [accept, action(words('action.reject'), call('reject', ids(inv)), { style: 'danger' })];
}

/** Whether the card still offers answers: pending and not past its expiry. */
export const answerable = (inv: Invite, now: number): boolean => inv.status === 'pending' && now < inv.expiresAt;

function outcome(inv: Invite, now: number): Block {
  const time = at(inv.respondedAt ?? inv.expiresAt);
  switch (inv.status) {
    case 'accepted': return { type: 'notice', tone: 'good', text: words('invite.card.accepted', { mode: modeWord(inv.mode), time }) };
    case 'rejected': return { type: 'notice', tone: 'info', text: words('invite.card.rejected', { time }) };
    case 'cancelled': return { type: 'notice', tone: 'info', text: words('invite.card.cancelled', { time }) };
    case 'expired':
    case 'pending': return { type: 'notice', tone: 'attention', text: words('invite.card.expired', { time: at(inv.status === 'pending' ? Math.min(now, inv.expiresAt) : inv.respondedAt ?? inv.expiresAt) }) };
  }
}

/** The invitee's card. Buttons only while the invite can still be answered. */
export function inviteCard(iv: InviteView, now: number): Surface {
  const { invite: inv, view } = iv;
  const inviter = agentName(iv.inviter, inv.inviterId);
  const blocks: Block[] = [{ type: 'text', text: words(`invite.card.${inv.mode}`, { inviter }) }];
  if (inv.attempt > 1) blocks.push({ type: 'context', text: words('invite.card.attempt', { attempt: inv.attempt }) });
  blocks.push({
    type: 'facts',
    facts: [
      [words('root.fact.user'), [userLabel(view.session)]],
      [words('root.fact.queue'), [view.queue.name]],
      [words('invite.card.fact.mode'), modeTitle(inv.mode)],
      [words('root.fact.ref'), ref(view.session)],
    ],
  });
  const quote = messageQuote(view);
  if (quote) blocks.push(quote);
  if (answerable(inv, now)) {
    blocks.push({ type: 'context', text: words('invite.card.expires', { time: at(inv.expiresAt) }) });
    blocks.push({ type: 'actions', actions: answerActions(inv) });
  } else {
    blocks.push(outcome(inv, now));
  }
  return {
    blocks,
    fallback: words('invite.card.fallback', { inviter, mode: modeWord(inv.mode), ref: view.session.ref, user: userName(view.session), queue: view.queue.name }),
    meta: { kind: 'invite', id: inv.id },
  };
}

function lineText(inv: Invite, invitee: string, inviter: string): Rich {
  const mode = modeWord(inv.mode);
  switch (inv.status) {
    case 'pending': return inv.attempt > 1
      ? words('invite.line.resent', { inviter, invitee, mode, attempt: inv.attempt })
      : words('invite.line.sent', { inviter, invitee, mode });
    case 'accepted': return words('invite.line.accepted', { invitee, mode });
    case 'rejected': return words('invite.line.rejected', { invitee, mode });
    case 'expired': return words('invite.line.expired', { invitee, mode });
    case 'cancelled': return words('invite.line.cancelled', { invitee, mode });
  }
}

/** The line in the chat's thread about an invite: sent, resent, joined, rejected or expired (with Resend), cancelled. */
export function inviteLine(iv: InviteView): Surface {
  const inv = iv.invite;
  const inviter = agentName(iv.inviter, inv.inviterId);
  const text = lineText(inv, agentName(iv.invitee, inv.inviteeId), inviter);
  const meta = { kind: 'invite-line', id: `${inv.id}:${inv.status}` };
  const over = inv.status === 'rejected' || inv.status === 'expired';
  if (resendable(inv, iv.view.session, iv.maxResends).ok) {
    return {
      blocks: [
        { type: 'text', text, accessory: action(words('action.resend'), call('resend', ids(inv))) },
        { type: 'context', text: plural(inv.inviterId === iv.view.session.ownerId ? 'invite.line.ownerResends' : 'invite.line.canResend', iv.maxResends - inv.attempt + 1, { inviter }) },
      ],
      fallback: text,
      meta,
    };
  }
  const limit = over && !inv.resentAs && iv.view.session.status === 'active' && inv.attempt > iv.maxResends;
  return { blocks: [{ type: 'context', text }, ...(limit ? [{ type: 'context' as const, text: words('invite.line.limit', { max: iv.maxResends }) }] : [])], fallback: text, meta };
}

function response(inv: Invite): Rich {
  if (inv.status === 'accepted') return words(`invites.response.accepted.${inv.mode}`);
  return words(`invites.response.${inv.status}`);
}

/** The "+N" details: every invite of the chat, newest first, with Resend where the viewer may. */
export function inviteDetails(view: SessionView, agents: (id: string) => Agent | undefined, viewerId: string, maxResends: number): Surface {
  const invites = [...view.invites].sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
  const items = invites.map((inv): Block[] => {
    const invitee = agentName(agents(inv.inviteeId), inv.inviteeId);
    const item: Block[] = [
      { type: 'text', text: inv.attempt > 1 ? words('invites.item.attempt', { invitee, mode: modeWord(inv.mode), attempt: inv.attempt }) : words('invites.item', { invitee, mode: modeWord(inv.mode) }) },
      { type: 'context', text: words('invites.item.by', { inviter: agentName(agents(inv.inviterId), inv.inviterId) }) },
      {
        type: 'facts',
        facts: [
          [words('invites.fact.status'), [...words(`invite.status.${inv.status}`), ...(inv.resentAs ? [' · ', ...words('invites.resent')] : [])]],
          [words('invites.fact.response'), response(inv)],
          [words('invites.fact.sent'), [at(inv.createdAt)]],
          inv.respondedAt !== undefined
            ? [words(inv.status === 'expired' ? 'invites.fact.expired' : 'invites.fact.answered'), [at(inv.respondedAt)]]
            : inv.status === 'pending' ? [words('invites.fact.expires'), [at(inv.expiresAt)]] : [words('invites.fact.answered'), words('none')],
        ],
      },
    ];
    if (mayResend(inv, view.session, viewerId, maxResends).ok) item.push({ type: 'actions', actions: [action(words('action.resend'), call('resend', ids(inv)))] });
    return item;
  });
  const title = words('invites.title', { ref: view.session.ref });
  return {
    kind: 'dialog',
    title: words('invites.dialogTitle', { ref: view.session.ref }),
    blocks: [
      { type: 'header', text: title },
      { type: 'context', text: plural('invites.summary', invites.length, { user: userName(view.session), queue: view.queue.name }) },
      { type: 'list', items, empty: words('invites.none') },
    ],
    fallback: title,
    back: call('chat.show', { sessionId: view.session.id }),
  };
}

export interface Candidate {
  agent: Agent;
  verdict: Verdict;
  /** The refusal in words, when the agent cannot be invited. */
  reason?: string;
}

/** Picker options: eligible agents first; the others say why they cannot be invited. */
export function candidateOptions(candidates: readonly Candidate[]): Option[] {
  const ordered = [...candidates.filter((c) => c.verdict.ok), ...candidates.filter((c) => !c.verdict.ok)];
  return ordered.map(({ agent, verdict, reason }) => ({
    value: agent.id,
    label: plain(words('inviteForm.option', { name: agentName(agent), email: agent.email })),
    ...(verdict.ok ? {} : { hint: plain(words('inviteForm.cannot', { reason: reason ?? '' })), disabled: true }),
  }));
}

/** The invite form: a colleague (searched as you type, or listed), and "Invite as". */
export function inviteForm(view: SessionView, opts: { query?: string; mode?: Invite['mode']; options?: Option[] } = {}): Surface {
  const sessionId = view.session.id;
  const modes: Option[] = (['participant', 'monitor'] as const).map((m) => ({ value: m, label: plain(modeTitle(m)), hint: plain(words(`mode.${m}.hint`)) }));
  return {
    kind: 'dialog',
    title: words('inviteForm.title', { ref: view.session.ref }),
    blocks: [
      { type: 'context', text: words('inviteForm.about', { user: userName(view.session), queue: view.queue.name }) },
      // "Invite as" first: where the matches each carry their own Invite button, it must be chosen before.
      { type: 'input', field: { kind: 'choice', id: 'mode', label: words('inviteForm.mode'), options: modes, initial: opts.mode ?? 'participant' } },
      {
        type: 'input',
        field: {
          kind: 'agent', id: 'agentId', label: words('inviteForm.agent'), placeholder: plain(words('inviteForm.agent.placeholder')),
          search: call('invite.search', { sessionId }),
          ...(opts.query !== undefined ? { query: opts.query } : {}),
          ...(opts.options ? { options: opts.options } : {}),
        },
      },
    ],
    submit: action(words('action.invite'), call('invite.send', { sessionId }), { style: 'primary' }),
    back: call('chat.show', { sessionId }),
    fallback: words('inviteForm.title', { ref: view.session.ref }),
  };
}
