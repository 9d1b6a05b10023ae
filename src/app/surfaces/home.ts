import { isSupervisor } from '../../domain/directory.js';
import { supervisorJoinModes } from '../../domain/policy.js';
import { call, type ListScreen } from '../verbs.js';
import { type HomeView, type InviteView, memberView, type SessionView } from '../views.js';
import { at, plural, type Rich, words } from '../wording/index.js';
import { availabilityLine } from './availability.js';
import { cannedList } from './canned.js';
import { answerActions } from './invites.js';
import { agentName, modeWord, userName } from './names.js';
import { chatLine, offlineList, waitingList } from './queue.js';
import { todayList } from './record.js';
import { chatActions } from './root.js';
import { type Action, action, type Block, type Surface } from './surface.js';

function inviteItem(iv: InviteView, from: ListScreen): Block[] {
  const inv = iv.invite;
  const who = agentName(iv.inviter, inv.inviterId);
  const ref = iv.view.session.ref;
  const head =
    inv.kind === 'help'
      ? words('home.help.item', { by: who, ref })
      : inv.kind === 'transfer'
        ? words('home.offer', { inviter: who, ref })
        : words(`home.invite.${inv.mode}`, { inviter: who, ref });
  return [
    { type: 'text', text: head },
    ...(inv.note ? [{ type: 'context' as const, text: words('invite.card.note', { note: inv.note }) }] : []),
    {
      type: 'context',
      text: words('home.invite.about', {
        user: userName(iv.view.session),
        queue: iv.view.queue.name,
        time: at(inv.expiresAt, 'time'),
      }),
    },
    { type: 'actions', actions: answerActions(inv, from) },
  ];
}

function chatItem(v: SessionView, agentId: string): Block[] {
  const me = memberView(v, agentId);
  const blocks: Block[] = [
    { type: 'text', text: chatLine(v) },
    {
      type: 'context',
      text: words('home.chat.about', {
        status: words(`status.${v.session.status}`),
        mode: me ? modeWord(me.mode) : words('none'),
      }),
    },
  ];
  const actions = chatActions(v, { agentId, from: 'home' });
  if (actions.length > 0) blocks.push({ type: 'actions', actions });
  return blocks;
}

/** Participate / Monitor for a supervisor, as the policy still allows them. */
export function joinActions(v: SessionView, agentId: string, from: ListScreen): Action[] {
  return supervisorJoinModes(v.session, memberView(v, agentId)).map((mode) =>
    action(
      words(mode === 'participant' ? 'action.participate' : 'action.monitor'),
      call('join', { sessionId: v.session.id, mode, from }),
      mode === 'participant' ? { style: 'primary' } : {},
    ),
  );
}

function monitorItem(v: SessionView, agentId: string, from: ListScreen): Block[] {
  const me = memberView(v, agentId);
  const others = v.members.filter((m) => m.mode !== 'owner').length;
  const owner = v.session.ownerId ? agentName(v.owner, v.session.ownerId) : words('none');
  const about: Rich = [
    ...(others === 0 ? words('monitoring.about.alone', { owner }) : plural('monitoring.about', others, { owner })),
    ...(me ? words('monitoring.you', { mode: modeWord(me.mode) }) : []),
  ];
  const blocks: Block[] = [
    { type: 'text', text: chatLine(v) },
    { type: 'context', text: about },
  ];
  const actions = joinActions(v, agentId, from);
  if (actions.length > 0) blocks.push({ type: 'actions', actions });
  return blocks;
}

/**
 * The agent's home: availability, pending invites, their chats, and for supervisors the chats
 * they watch over. `said`: their availability was just said above it (they changed it), so
 * the home offers the button without saying it again.
 */
export function homeSurface(home: HomeView, o: { said?: boolean } = {}): Surface {
  const id = home.agent.id;
  // Help requests have a section of their own ("Needs help"); offers and invites share one.
  const invites = home.invites.filter((iv) => iv.invite.kind !== 'help');
  const help = home.invites.filter((iv) => iv.invite.kind === 'help');
  const toggle = home.available
    ? action(words('action.setAway'), call('availability', { to: 'away' }))
    : action(words('action.setAvailable'), call('availability', { to: 'available' }), { style: 'primary' });
  const availability: Block = o.said
    ? { type: 'actions', actions: [toggle] }
    : { type: 'text', text: availabilityLine(home.available, home.availabilitySource), accessory: toggle };
  const blocks: Block[] = [
    { type: 'header', text: words('home.title') },
    availability,
    {
      type: 'list',
      title: words('home.invites', { n: invites.length }),
      items: invites.map((iv) => inviteItem(iv, 'home')),
      empty: words('home.invites.none'),
    },
    {
      type: 'list',
      title: words('home.chats', { n: home.chats.length }),
      items: home.chats.map((v) => chatItem(v, id)),
      empty: words('home.chats.none'),
    },
  ];
  if (isSupervisor(home.agent) || help.length > 0) {
    blocks.push(helpList(help, 'home'));
  }
  if (isSupervisor(home.agent)) blocks.push(waitingList(home.waiting, 'home'));
  if (home.offline?.length) blocks.push(offlineList(home.offline, 'home'));
  if (isSupervisor(home.agent) || home.monitoring.length > 0) {
    blocks.push({
      type: 'list',
      title: words('home.monitoring', { n: home.monitoring.length }),
      items: home.monitoring.map((v) => monitorItem(v, id, 'home')),
      empty: words('monitoring.none'),
    });
  }
  if (home.today) blocks.push(todayList(home.today, words('home.today')));
  if (home.canned) blocks.push(...cannedList(home.canned));
  return { kind: 'home', blocks, fallback: words('home.title'), meta: { kind: 'list', id: `home:${id}` } };
}

/** The open help requests to the agent, with their answers. */
const helpList = (help: readonly InviteView[], from: ListScreen): Block => ({
  type: 'list',
  title: words('home.help', { n: help.length }),
  items: help.map((iv) => inviteItem(iv, from)),
  empty: words('home.help.none'),
});

/**
 * A supervisor's view of their queues: the help requests to them (Needs help), the chats
 * waiting (with Accept), and the active ones (with Participate / Monitor).
 */
export function monitoringSurface(
  m: {
    active: readonly SessionView[];
    waiting?: readonly SessionView[];
    offline?: readonly SessionView[];
    help?: readonly InviteView[];
  },
  agentId: string,
): Surface {
  const active = m.active.filter((v) => v.session.status === 'active');
  const waiting = m.waiting ?? [];
  const title = words('monitoring.title', { n: active.length });
  return {
    blocks: [
      helpList(m.help ?? [], 'monitor'),
      ...(waiting.length > 0 ? [waitingList(waiting, 'monitor')] : []),
      ...(m.offline?.length ? [offlineList(m.offline, 'monitor')] : []),
      {
        type: 'list',
        title,
        items: active.map((v) => monitorItem(v, agentId, 'monitor')),
        empty: words('monitoring.none'),
      },
    ],
    fallback: active.length > 0 ? title : words('monitoring.none'),
    meta: { kind: 'list', id: `monitor:${agentId}` },
  };
}
