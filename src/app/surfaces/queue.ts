import { call, type ListScreen } from '../verbs.js';
import type { SessionView } from '../views.js';
import { at, type Rich, words } from '../wording/index.js';
import { messageQuote } from './entryLines.js';
import { agentName, ref, userLabel, userName } from './names.js';
import { action, type Block, type Confirm, type Surface } from './surface.js';

/** What supervisors see of a queue's waiting chats: the escalation card, and the Waiting list. */

const acceptAction = (v: SessionView, from?: ListScreen) =>
  action(words('action.accept'), call('accept', { sessionId: v.session.id, ...(from ? { from } : {}) }), {
    style: 'primary',
  });
/** A chat on a list: its ref, its end user and its queue. */
export const chatLine = (v: SessionView): Rich =>
  words('home.chat', { ref: v.session.ref, user: userName(v.session), queue: v.queue.name });

/** To each supervisor of the queue when a chat waits too long: Accept while it waits, then who took it. */
export function escalationCard(view: SessionView): Surface {
  const { session } = view;
  const blocks: Block[] = [
    {
      type: 'text',
      text: words('escalation.card', { user: userName(session), queue: view.queue.name, time: at(session.createdAt) }),
    },
    {
      type: 'facts',
      facts: [
        [words('root.fact.user'), [userLabel(session)]],
        [words('root.fact.queue'), [view.queue.name]],
        [words('root.fact.ref'), ref(session)],
      ],
    },
  ];
  const quote = messageQuote(view);
  if (quote) blocks.push(quote);
  if (session.status === 'waiting') blocks.push({ type: 'actions', actions: [acceptAction(view)] });
  else if (session.status === 'active')
    blocks.push({
      type: 'notice',
      tone: 'good',
      text: words('escalation.card.taken', {
        name: agentName(view.owner, session.ownerId ?? ''),
        time: at(session.acceptedAt ?? session.createdAt),
      }),
    });
  else
    blocks.push({
      type: 'notice',
      tone: 'info',
      text: words('escalation.card.ended', { time: at(session.endedAt ?? session.createdAt) }),
    });
  return {
    blocks,
    fallback: words('escalation.card.fallback', { ref: session.ref, user: userName(session), queue: view.queue.name }),
    meta: { kind: 'escalation', id: session.id },
  };
}

/** A waiting chat on a supervisor's list: since when, escalated or not, and Accept. */
function waitingItem(v: SessionView, from: ListScreen): Block[] {
  const since = words(v.session.escalatedAt ? 'waiting.since.escalated' : 'waiting.since', {
    time: at(v.session.createdAt, 'time'),
  });
  return [
    { type: 'text', text: chatLine(v) },
    { type: 'context', text: since },
    { type: 'actions', actions: [acceptAction(v, from)] },
  ];
}

/** The Waiting list of a supervisor's queues, oldest first. */
export const waitingList = (waiting: readonly SessionView[], from: ListScreen): Block => ({
  type: 'list',
  title: words('home.waiting', { n: waiting.length }),
  items: waiting.map((v) => waitingItem(v, from)),
  empty: words('home.waiting.none'),
});

/** Close an offline message: it ends without an answer. */
export const closeConfirm = (v: SessionView): Confirm => ({
  title: words('confirm.close.title'),
  text: words('confirm.close.text', { ref: v.session.ref }),
  yes: words('action.close'),
  no: words('action.cancel'),
});

/** An offline message on a supervisor's list: when it was left, Reply and Close. */
function offlineItem(v: SessionView, from: ListScreen): Block[] {
  const on = { sessionId: v.session.id, from };
  return [
    { type: 'text', text: chatLine(v) },
    { type: 'context', text: words('offline.since', { time: at(v.session.createdAt) }) },
    {
      type: 'actions',
      actions: [
        action(words('action.reply'), call('accept', on), { style: 'primary' }),
        // As on the message's own card: Close ends it unanswered, so it asks first.
        action(words('action.close'), call('end', on), { confirm: closeConfirm(v) }),
      ],
    },
  ];
}

/** The offline messages of a supervisor's queues, apart from the live chats waiting, oldest first. */
export const offlineList = (offline: readonly SessionView[], from: ListScreen): Block => ({
  type: 'list',
  title: words('home.offline', { n: offline.length }),
  items: offline.map((v) => offlineItem(v, from)),
});
