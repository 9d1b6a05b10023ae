import { mayRequestHelp, mayViewInvites, mayWithdrawHelp } from '../../domain/invite.js';
import { can, mayLeave, mayUseCanned } from '../../domain/policy.js';
import type { Member } from '../../domain/session.js';
import { call, type ListScreen } from '../verbs.js';
import { memberView, type SessionView } from '../views.js';
import { at, join, link, plural, type Rich, words } from '../wording/index.js';
import { agentName, modeWord, ref, userLabel, userName } from './names.js';
import { closeConfirm } from './queue.js';
import { type Action, action, type Block, type Surface } from './surface.js';

/**
 * Who looks at a surface. A channel's copy is shared by everyone there, so it offers the
 * owner's actions (each click is still checked for whoever clicks); an agent's own copy
 * (a 1:1 mirror, a home) offers only what their role in the chat allows.
 */
export type Viewer = { shared: true } | { agentId: string; from?: ListScreen };

const roleOf = (view: SessionView, viewer: Viewer): Pick<Member, 'mode'> | undefined =>
  'shared' in viewer ? { mode: 'owner' } : memberView(view, viewer.agentId);

/** The actions a viewer may take on an active chat, per the policy. */
export function chatActions(view: SessionView, viewer: Viewer): Action[] {
  const { session } = view;
  // On a list, each button carries the list's name along with the chat.
  const sessionId = session.id;
  const on = { sessionId, ...('from' in viewer && viewer.from ? { from: viewer.from } : {}) };
  if (session.status === 'waiting') return [action(words('action.accept'), call('accept', on), { style: 'primary' })];
  // An offline message: Reply makes it the replier's chat; Close ends it unanswered.
  if (session.status === 'offline') {
    return [
      action(words('action.reply'), call('accept', on), { style: 'primary' }),
      action(words('action.close'), call('end', on), { confirm: closeConfirm(view) }),
    ];
  }
  if (session.status !== 'active') return [];
  const role = roleOf(view, viewer);
  const out: Action[] = [];
  if (can(role, 'invite')) out.push(action(words('action.invite'), call('invite.open', { sessionId })));
  const seesInvites = 'shared' in viewer || mayViewInvites(session, view.invites, viewer.agentId).ok;
  // The invites' story (answers, reasons) once there is one; how many still wait for an answer, if any.
  const waiting = view.invites.filter((i) => i.status === 'pending').length;
  if (seesInvites && view.invites.length > 0)
    out.push(
      action(
        waiting > 0 ? words('action.invites.pending', { n: waiting }) : words('action.invites'),
        call('invites', { sessionId }),
      ),
    );
  if (can(role, 'transfer')) out.push(action(words('action.transfer'), call('transfer.open', { sessionId })));
  // Slash commands do not work in Slack threads: the picker opens from the card (Teams also has `canned`).
  if (mayUseCanned(session, role).ok)
    out.push(action(words('action.canned'), call('canned.open', { sessionId }), { secondary: true }));
  // The rarer ones go under More where a platform shows few buttons: Invite, Transfer and End chat stay in sight.
  if (can(role, 'release')) {
    out.push(
      action(words('action.release'), call('release', on), {
        secondary: true,
        confirm: {
          title: words('confirm.release.title'),
          text: words('confirm.release.text', { ref: session.ref, queue: view.queue.name }),
          yes: words('action.release'),
          no: words('action.cancel'),
        },
      }),
    );
  }
  // Only when someone is left to ask (the one asking may be the queue's only supervisor).
  const askerId = 'shared' in viewer ? (session.ownerId ?? '') : viewer.agentId;
  if (
    mayRequestHelp({
      session,
      member: role,
      askerId,
      members: view.members,
      invites: view.invites,
      supervisorIds: view.supervisors,
      queue: view.queue.name,
    }).ok
  )
    out.push(action(words('action.assist'), call('assist.open', { sessionId }), { secondary: true }));
  if (!('shared' in viewer) && mayWithdrawHelp(view.invites, viewer.agentId).ok)
    out.push(action(words('action.withdraw'), call('assist.withdraw', { sessionId }), { secondary: true }));
  if (can(role, 'promote') && view.members.some((m) => m.mode === 'monitor'))
    out.push(action(words('action.promote'), call('promote.open', { sessionId }), { secondary: true }));
  if (mayLeave(session, role).ok) {
    out.push(
      action(words('action.leave'), call('leave', on), {
        confirm: {
          title: words('confirm.leave.title'),
          text: words('confirm.leave.text', { ref: session.ref }),
          yes: words('action.leave'),
          no: words('action.cancel'),
        },
      }),
    );
  }
  // A queue with outcomes asks for one (and a note) in a form, which is the confirmation too.
  if (can(role, 'end') && (view.queue.outcomes ?? []).length > 0)
    out.push(action(words('action.end'), call('end.open', { sessionId }), { style: 'danger' }));
  else if (can(role, 'end')) {
    out.push(
      action(words('action.end'), call('end', on), {
        style: 'danger',
        confirm: {
          title: words('confirm.end.title'),
          text: words('confirm.end.text', { ref: session.ref }),
          yes: words('action.end'),
          no: words('action.cancel'),
        },
      }),
    );
  }
  return out;
}

/** The chat's root message: in its queue's channel, or atop an agent's 1:1 copy. */
export function rootSurface(view: SessionView, viewer: Viewer): Surface {
  const { session } = view;
  const status = words(
    session.endReason === 'unanswered'
      ? 'status.unanswered'
      : session.endReason === 'idle'
        ? 'status.idle'
        : `status.${session.status}`,
  );
  const facts: Array<[Rich, Rich]> = [
    [words('root.fact.user'), [userLabel(session)]],
    [words('root.fact.queue'), [view.queue.name]],
    [words('root.fact.status'), status],
    [words('root.fact.ref'), ref(session)],
  ];
  if (session.status !== 'waiting' && session.status !== 'offline')
    facts.push([words('root.fact.owner'), session.ownerId ? [agentName(view.owner, session.ownerId)] : words('none')]);
  facts.push(...endUserFacts(view));
  if (session.outcome) facts.push([words('root.fact.outcome'), [session.outcome]]);

  const title = session.status === 'offline' ? 'root.title.offline' : 'root.title';
  const blocks: Block[] = [
    { type: 'header', text: words(title, { user: userName(session) }) },
    { type: 'facts', facts },
  ];
  if (session.status === 'offline')
    blocks.push({
      type: 'context',
      // Without SMTP_URL nothing is emailed: the answer waits in the chat for its end user.
      text: words(view.emails ? 'root.offline' : 'root.offline.noEmail', { email: session.endUser.email ?? '' }),
    });
  // Replied to, it is a chat like any other, but its end user may well be gone.
  else if (session.offline && session.status === 'active')
    blocks.push({
      type: 'context',
      text: words(view.emails ? 'root.wasOffline' : 'root.wasOffline.noEmail', { email: session.endUser.email ?? '' }),
    });
  if (session.history)
    blocks.push({
      type: 'context',
      text: plural('root.history', session.history.count, {
        ref: session.history.lastRef,
        time: at(session.history.lastAt),
      }),
    });
  const others = view.members.filter((m) => m.mode !== 'owner');
  if (others.length > 0 && session.status === 'active') {
    const members = join(
      others.map((m) => words('root.member', { name: agentName(m.agent, m.agentId), mode: modeWord(m.mode) })),
      ', ',
    );
    blocks.push({ type: 'context', text: words('root.with', { members }) });
  }
  const times: Rich[] = [words('root.opened', { time: at(session.createdAt) })];
  if (session.acceptedAt) times.push(words('root.accepted', { time: at(session.acceptedAt) }));
  if (session.status === 'ended' && session.endedAt) {
    const by =
      session.endedBy && session.endedBy !== 'user'
        ? view.members.find((m) => m.agentId === session.endedBy)?.agent
        : undefined;
    const ended =
      session.endReason === 'unanswered'
        ? 'root.unanswered'
        : session.endReason === 'idle'
          ? 'root.idle'
          : 'root.ended';
    times.push(
      by
        ? words('root.endedBy', { time: at(session.endedAt), name: agentName(by) })
        : words(ended, { time: at(session.endedAt) }),
    );
  }
  blocks.push({ type: 'context', text: join(times) });
  if (session.outcomeNote)
    blocks.push({ type: 'context', text: words('root.outcomeNote', { note: session.outcomeNote }) });
  if (!('shared' in viewer)) {
    const me = memberView(view, viewer.agentId);
    if (me) blocks.push({ type: 'context', text: words('root.youAre', { mode: modeWord(me.mode) }) });
  }
  const actions = chatActions(view, viewer);
  if (actions.length > 0) blocks.push({ type: 'actions', actions });

  const owner = session.status === 'active' ? [' · ', agentName(view.owner, session.ownerId)] : [];
  // The channel's copy offers the owner's buttons; where a platform can, each member sees their
  // own, and the queue's other agents none (nothing there is theirs to do).
  const viewers =
    'shared' in viewer && session.status === 'active'
      ? {
          viewers: {
            call: call('chat.show', { sessionId: session.id }),
            agentIds: [
              ...new Set([
                ...(session.ownerId ? [session.ownerId] : []),
                ...view.members.map((m) => m.agentId),
                ...view.agents,
              ]),
            ],
          },
        }
      : {};
  return {
    blocks,
    fallback: words('root.fallback', {
      ref: session.ref,
      user: userName(session),
      queue: view.queue.name,
      status: [...status, ...owner],
    }),
    meta: { kind: 'root', id: session.id },
    ...viewers,
  };
}

/**
 * Who the end user is and where they are (README "Verified end users", "Context"): verified or
 * not (where identities are checked), the page as a link, and the attributes the queue lists.
 * Values are the end user's words: literal text, escaped by each renderer.
 */
export function endUserFacts(view: SessionView): Array<[Rich, Rich]> {
  const { session } = view;
  const out: Array<[Rich, Rich]> = [];
  if (session.verified === true)
    out.push([words('root.fact.identity'), words('root.identity', { id: session.endUser.id ?? '' })]);
  else if (session.verified === false) out.push([words('root.fact.identity'), words('root.unverified')]);
  const c = session.context;
  if (c?.pageUrl) out.push([words('root.fact.page'), [link(c.pageUrl, c.pageUrl)]]);
  for (const key of view.queue.context ?? []) {
    const value = c?.attributes?.[key];
    if (value !== undefined && value !== '') out.push([[key], [value]]);
  }
  return out;
}
