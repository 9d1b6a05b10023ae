import type { Agent } from '../../domain/directory.js';
import { answersFor, type Invite, mayResend, NOTE_MAX, resendable } from '../../domain/invite.js';
import type { Verdict } from '../../domain/policy.js';
import { call, type ListScreen, type VerbCall } from '../verbs.js';
import type { InviteView, SessionView } from '../views.js';
import { at, plain, plural, type Rich, words } from '../wording/index.js';
import { messageQuote } from './entryLines.js';
import { agentName, modeTitle, modeWord, ref, userLabel, userName } from './names.js';
import { type Action, action, type Block, line, type Option, type Surface } from './surface.js';

const ids = (inv: Invite) => ({ inviteId: inv.id });

const ANSWER_BUTTONS = {
  participate: () => words('action.participate'),
  monitor: () => words('action.monitor'),
  accept: () => words('action.accept'),
} as const;

/**
 * The buttons an invitee may press while the invite is pending: its accepting answers (the
 * mode's; both to help; Accept for an offer), then Reject an invite (which asks why), or
 * Decline an offer or a help request. On a list (`from`), each names the list, so the list is
 * what is drawn again after the click.
 */
export function answerActions(inv: Invite, from?: ListScreen): Action[] {
  const data = { ...ids(inv), ...(from ? { from } : {}) };
  const yes = answersFor(inv).map((a, i) =>
    action(
      ANSWER_BUTTONS[a as keyof typeof ANSWER_BUTTONS](),
      call(a === 'accept' ? 'accept.offer' : (a as 'participate' | 'monitor'), data),
      i === 0 ? { style: 'primary' } : {},
    ),
  );
  // Both ask for an optional reason first (the owner and the inviter see it).
  const no = action(words(inv.kind === 'invite' ? 'action.reject' : 'action.decline'), call('reject.open', data), {
    style: 'danger',
  });
  return [...yes, no];
}

/** Whether the card still offers answers: pending and not past its expiry. */
export const answerable = (inv: Invite, now: number): boolean => inv.status === 'pending' && now < inv.expiresAt;

function outcome(iv: InviteView, now: number): Block {
  const inv = iv.invite;
  const time = at(inv.respondedAt ?? inv.expiresAt);
  const offer = inv.kind === 'transfer';
  switch (inv.status) {
    case 'accepted':
      return {
        type: 'notice',
        tone: 'good',
        text: offer
          ? words('offer.card.accepted', { time })
          : words('invite.card.accepted', { mode: modeWord(joinedMode(iv) ?? inv.mode), time }),
      };
    case 'rejected': {
      const said = words(offer ? 'offer.card.rejected' : 'invite.card.rejected', { time });
      // The one who rejected sees the reason they gave (the owner and inviter see it in the invite details).
      return {
        type: 'notice',
        tone: 'info',
        text: inv.reason ? [...said, ...words('invite.card.reason', { reason: inv.reason })] : said,
      };
    }
    case 'cancelled': {
      if (inv.takenBy)
        return {
          type: 'notice',
          tone: 'info',
          text: words('invite.card.taken', { name: agentName(iv.agent(inv.takenBy), inv.takenBy), time }),
        };
      return {
        type: 'notice',
        tone: 'info',
        text: words(
          offer ? 'offer.card.cancelled' : inv.kind === 'help' ? 'help.card.cancelled' : 'invite.card.cancelled',
          { time },
        ),
      };
    }
    case 'expired':
    case 'pending':
      return {
        type: 'notice',
        tone: 'attention',
        text: words(offer ? 'offer.card.expired' : 'invite.card.expired', {
          time: at(inv.status === 'pending' ? Math.min(now, inv.expiresAt) : (inv.respondedAt ?? inv.expiresAt)),
        }),
      };
  }
}

/** The mode the invitee joined in (a help request leaves it to them). */
const joinedMode = (iv: InviteView) => iv.view.members.find((m) => m.agentId === iv.invite.inviteeId)?.mode;

function cardHead(iv: InviteView, inviter: string): Rich {
  const inv = iv.invite;
  if (inv.kind === 'transfer') return words('offer.card', { inviter });
  if (inv.kind === 'help') return words('help.card', { inviter });
  return words(`invite.card.${inv.mode}`, { inviter });
}

/** The invitee's card. Buttons only while the invite can still be answered. */
export function inviteCard(iv: InviteView, now: number): Surface {
  const { invite: inv, view } = iv;
  const inviter = agentName(iv.inviter, inv.inviterId);
  const blocks: Block[] = [{ type: 'text', text: cardHead(iv, inviter) }];
  if (inv.note) blocks.push({ type: 'context', text: words('invite.card.note', { note: inv.note }) });
  if (inv.attempt > 1) blocks.push({ type: 'context', text: words('invite.card.attempt', { attempt: inv.attempt }) });
  if (inv.group)
    blocks.push({
      type: 'context',
      text: words(inv.kind === 'help' ? 'help.card.group' : 'invite.card.group', { queue: view.queue.name }),
    });
  const facts: Array<[Rich, Rich]> = [
    [words('root.fact.user'), [userLabel(view.session)]],
    [words('root.fact.queue'), [view.queue.name]],
  ];
  if (inv.kind === 'invite') facts.push([words('invite.card.fact.mode'), modeTitle(inv.mode)]);
  facts.push([words('root.fact.ref'), ref(view.session)]);
  blocks.push({ type: 'facts', facts });
  const quote = messageQuote(view, iv.agent);
  if (quote) blocks.push(quote);
  if (answerable(inv, now)) {
    // "Only you can answer" holds for one person's invite, not for a group's (the first of them takes it).
    const expires =
      inv.kind === 'transfer' ? 'offer.card.expires' : inv.group ? 'invite.card.expires.group' : 'invite.card.expires';
    blocks.push({ type: 'context', text: words(expires, { time: at(inv.expiresAt) }) });
    blocks.push({ type: 'actions', actions: answerActions(inv) });
  } else {
    blocks.push(outcome(iv, now));
  }
  const about = {
    inviter,
    mode: modeWord(inv.mode),
    ref: view.session.ref,
    user: userName(view.session),
    queue: view.queue.name,
  };
  return {
    blocks,
    fallback:
      inv.kind === 'transfer'
        ? words('offer.card.fallback', about)
        : inv.kind === 'help'
          ? words('help.card.fallback', about)
          : words('invite.card.fallback', about),
    meta: { kind: 'invite', id: inv.id },
  };
}

function lineText(iv: InviteView, invitee: string, inviter: string): Rich {
  const inv = iv.invite;
  if (inv.unreached)
    return words(
      inv.kind === 'transfer' ? 'offer.unreached' : inv.kind === 'help' ? 'help.unreached' : 'invite.unreached',
      { name: invitee },
    );
  if (inv.kind === 'transfer')
    return words(`offer.line.${inv.status === 'pending' ? 'sent' : inv.status}`, { inviter, invitee });
  const mode = modeWord(joinedMode(iv) ?? inv.mode);
  if (inv.kind === 'help' && inv.status === 'accepted') return words('help.line.accepted', { invitee, mode });
  switch (inv.status) {
    case 'pending':
      return inv.attempt > 1
        ? words('invite.line.resent', { inviter, invitee, mode, attempt: inv.attempt })
        : words('invite.line.sent', { inviter, invitee, mode });
    case 'accepted':
      return words('invite.line.accepted', { invitee, mode });
    case 'rejected':
      return words('invite.line.rejected', { invitee, mode });
    case 'expired':
      return words('invite.line.expired', { invitee, mode });
    case 'cancelled':
      return words('invite.line.cancelled', { invitee, mode });
  }
}

/** The line in the chat's thread about an invite: sent, resent, joined, rejected or expired (with Resend), cancelled. */
export function inviteLine(iv: InviteView): Surface {
  const inv = iv.invite;
  const inviter = agentName(iv.inviter, inv.inviterId);
  const text = lineText(iv, agentName(iv.invitee, inv.inviteeId), inviter);
  const meta = { kind: 'invite-line', id: `${inv.id}:${inv.status}` };
  const over = inv.status === 'rejected' || inv.status === 'expired';
  if (resendable(inv, iv.view.session, iv.maxResends).ok) {
    return {
      blocks: [
        { type: 'text', text, accessory: action(words('action.resend'), call('resend', ids(inv))) },
        {
          type: 'context',
          text: plural(
            inv.inviterId === iv.view.session.ownerId ? 'invite.line.ownerResends' : 'invite.line.canResend',
            iv.maxResends - inv.attempt + 1,
            { inviter },
          ),
        },
      ],
      fallback: text,
      meta,
    };
  }
  const limit = over && !inv.resentAs && iv.view.session.status === 'active' && inv.attempt > iv.maxResends;
  return {
    blocks: [
      { type: 'context', text },
      ...(limit ? [{ type: 'context' as const, text: words('invite.line.limit', { max: iv.maxResends }) }] : []),
    ],
    fallback: text,
    meta,
  };
}

/**
 * What the thread says about an invite now, with a stable id (said once per mirror however
 * often planned): one line per invite state (a resent invite announces itself once). An
 * invite of a group speaks for the group: sent (once), taken, or nobody answered.
 */
export function threadLine(iv: InviteView): { id: string; surface: Surface } | undefined {
  const invite = iv.invite;
  // Never delivered: said for each one, of a group too (the others may still answer).
  if (invite.unreached) return { id: `outcome:${invite.id}:unreached`, surface: inviteLine(iv) };
  if (!invite.group) {
    if (invite.status === 'pending' && invite.attempt === 1) return undefined;
    return { id: `outcome:${invite.id}:${invite.status}`, surface: inviteLine(iv) };
  }
  const group = iv.view.invites.filter((i) => i.group === invite.group);
  const inviter = agentName(iv.inviter, invite.inviterId);
  if (invite.status === 'accepted') return { id: `outcome:${invite.id}:accepted`, surface: inviteLine(iv) };
  // A help request is announced by its own entry; an anyone-available invite here, once.
  if (invite.status === 'pending') {
    return invite.kind === 'invite'
      ? {
          id: `group:${invite.group}:sent`,
          surface: line(plural('invite.line.anyone', group.length, { inviter, mode: modeWord(invite.mode) })),
        }
      : undefined;
  }
  const finished = group.every((i) => i.status !== 'pending');
  const nobody = group.every((i) => i.status === 'rejected' || i.status === 'expired');
  if (!finished || !nobody) return undefined;
  return {
    id: `group:${invite.group}:nobody`,
    surface: line(words(invite.kind === 'help' ? 'help.line.nobody' : 'invite.line.nobody')),
  };
}

function response(inv: Invite, agents: (id: string) => Agent | undefined, joined: string | undefined): Rich {
  if (inv.status === 'accepted')
    return words(
      `invites.response.accepted.${inv.kind === 'transfer' ? 'owner' : joined === 'monitor' ? 'monitor' : inv.kind === 'help' ? 'participant' : inv.mode}`,
    );
  if (inv.takenBy) return words('invites.response.taken', { name: agentName(agents(inv.takenBy), inv.takenBy) });
  if (inv.unreached) return words('invites.response.unreached');
  return words(`invites.response.${inv.status}`);
}

function itemTitle(inv: Invite, invitee: string): Rich {
  if (inv.kind === 'transfer') return words('invites.item.offer', { invitee });
  if (inv.kind === 'help') return words('invites.item.help', { invitee });
  const mode = modeWord(inv.mode);
  return inv.attempt > 1
    ? words('invites.item.attempt', { invitee, mode, attempt: inv.attempt })
    : words('invites.item', { invitee, mode });
}

/** The "+N" details: every invite of the chat, newest first, with Resend where the viewer may. */
export function inviteDetailsSurface(
  view: SessionView,
  agents: (id: string) => Agent | undefined,
  viewerId: string,
  maxResends: number,
): Surface {
  const invites = [...view.invites].sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
  const items = invites.map((inv): Block[] => {
    const invitee = agentName(agents(inv.inviteeId), inv.inviteeId);
    const joined = view.members.find((m) => m.agentId === inv.inviteeId)?.mode;
    const item: Block[] = [
      { type: 'text', text: itemTitle(inv, invitee) },
      { type: 'context', text: words('invites.item.by', { inviter: agentName(agents(inv.inviterId), inv.inviterId) }) },
      {
        type: 'facts',
        facts: [
          [
            words('invites.fact.status'),
            [...words(`invite.status.${inv.status}`), ...(inv.resentAs ? [' · ', ...words('invites.resent')] : [])],
          ],
          [words('invites.fact.response'), response(inv, agents, joined)],
          ...(inv.note ? [[words('invites.fact.note'), [inv.note]] as [Rich, Rich]] : []),
          ...(inv.reason ? [[words('invites.fact.reason'), [inv.reason]] as [Rich, Rich]] : []),
          [words('invites.fact.sent'), [at(inv.createdAt)]],
          inv.respondedAt !== undefined
            ? [
                words(inv.status === 'expired' ? 'invites.fact.expired' : 'invites.fact.answered'),
                [at(inv.respondedAt)],
              ]
            : inv.status === 'pending'
              ? [words('invites.fact.expires'), [at(inv.expiresAt)]]
              : [words('invites.fact.answered'), words('none')],
        ],
      },
    ];
    if (mayResend(inv, view.session, viewerId, maxResends).ok)
      item.push({ type: 'actions', actions: [action(words('action.resend'), call('resend', ids(inv)))] });
    return item;
  });
  const title = words('invites.title', { ref: view.session.ref });
  return {
    kind: 'dialog',
    title: words('invites.dialogTitle', { ref: view.session.ref }),
    blocks: [
      { type: 'header', text: title },
      {
        type: 'context',
        text: plural('invites.summary', invites.length, { user: userName(view.session), queue: view.queue.name }),
      },
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

/** Picker options: eligible agents first; the others say why they cannot be invited, or take the chat over. */
export function candidateOptions(candidates: readonly Candidate[], kind: 'invite' | 'transfer' = 'invite'): Option[] {
  const ordered = [...candidates.filter((c) => c.verdict.ok), ...candidates.filter((c) => !c.verdict.ok)];
  return ordered.map(({ agent, verdict, reason }) => ({
    value: agent.id,
    label: plain(words('inviteForm.option', { name: agentName(agent), email: agent.email })),
    ...(verdict.ok
      ? {}
      : {
          hint: plain(
            words(kind === 'transfer' ? 'transferForm.cannot' : 'inviteForm.cannot', { reason: reason ?? '' }),
          ),
          disabled: true,
        }),
  }));
}

/** A colleague, searched as you type (or listed with a `pick` button each, where the platform cannot search). */
export function agentPicker(
  search: VerbCall,
  pick: Action,
  opts: { query?: string; options?: Option[]; optional?: boolean },
): Block {
  return {
    type: 'input',
    field: {
      kind: 'agent',
      id: 'agentId',
      label: words('inviteForm.agent'),
      placeholder: plain(words('inviteForm.agent.placeholder')),
      search,
      pick,
      ...(opts.optional ? { optional: true } : {}),
      ...(opts.query !== undefined ? { query: opts.query } : {}),
      ...(opts.options ? { options: opts.options } : {}),
    },
  };
}

/** The optional note a form passes on (to an invitee, a colleague, the supervisors), with what was typed before. */
export const noteField = (label: Rich, initial?: string): Block => ({
  type: 'input',
  field: { kind: 'text', id: 'note', label, max: NOTE_MAX, optional: true, ...(initial ? { initial } : {}) },
});

/** The first choice of the invite picker: everyone available in the queue. */
export const anyoneOption = (view: SessionView): Option => ({
  value: '*',
  label: plain(words('inviteForm.anyone', { queue: view.queue.name })),
  hint: plain(words('inviteForm.anyone.hint')),
});

/**
 * The invite form: "Invite as", a note, then a colleague (searched as you type, or listed) or
 * anyone available. What goes with the invite comes first: where the matches each carry their
 * own Invite button, it is filled in before one is pressed.
 */
export function inviteForm(
  view: SessionView,
  opts: { query?: string; mode?: Invite['mode']; note?: string; options?: Option[] } = {},
): Surface {
  const sessionId = view.session.id;
  const modes: Option[] = (['participant', 'monitor'] as const).map((m) => ({
    value: m,
    label: plain(modeTitle(m)),
    hint: plain(words(`mode.${m}.hint`)),
  }));
  const send = action(words('action.invite'), call('invite.send', { sessionId }), { style: 'primary' });
  return {
    kind: 'dialog',
    title: words('inviteForm.title', { ref: view.session.ref }),
    blocks: [
      { type: 'context', text: words('inviteForm.about', { user: userName(view.session), queue: view.queue.name }) },
      {
        type: 'input',
        field: {
          kind: 'choice',
          id: 'mode',
          label: words('inviteForm.mode'),
          options: modes,
          initial: opts.mode ?? 'participant',
        },
      },
      noteField(words('inviteForm.note'), opts.note),
      agentPicker(call('invite.search', { sessionId }), send, opts),
    ],
    submit: send,
    back: call('chat.show', { sessionId }),
    fallback: words('inviteForm.title', { ref: view.session.ref }),
  };
}

const NO_FORM = { invite: 'rejectForm', transfer: 'declineForm', help: 'helpDeclineForm' } as const;

/** Reject an invite (decline an offer or a help request), with an optional reason for the one who asked. */
export function rejectForm(iv: InviteView, opts: { from?: ListScreen; reason?: string } = {}): Surface {
  const inviter = agentName(iv.inviter, iv.invite.inviterId);
  const form = NO_FORM[iv.invite.kind];
  const title = words(`${form}.title`);
  const data = { ...ids(iv.invite), ...(opts.from ? { from: opts.from } : {}) };
  return {
    kind: 'dialog',
    title,
    blocks: [
      { type: 'context', text: words(`${form}.about`, { inviter, ref: iv.view.session.ref }) },
      {
        type: 'input',
        field: {
          kind: 'text',
          id: 'reason',
          label: words('rejectForm.reason', { inviter }),
          max: NOTE_MAX,
          optional: true,
          ...(opts.reason ? { initial: opts.reason } : {}),
        },
      },
    ],
    submit: action(words(iv.invite.kind === 'invite' ? 'action.reject' : 'action.decline'), call('reject', data), {
      style: 'danger',
    }),
    back: opts.from ? call('list', { name: opts.from }) : call('invite.refresh', ids(iv.invite)),
    fallback: title,
  };
}
