import type { Queue } from '../../domain/directory.js';
import { call } from '../verbs.js';
import type { SessionView } from '../views.js';
import { plain, words } from '../wording/index.js';
import { agentPicker, noteField } from './invites.js';
import { agentName, userName } from './names.js';
import { action, type Option, type Surface } from './surface.js';

/** The dialogs of a chat's life: transfer, ask for help, promote. */

/** What older transfer forms sent for "no queue: to the colleague". */
const NO_QUEUE = '-';

/**
 * Transfer: a note, then a colleague of the queue (searched as you type) or another queue.
 * Where the form's choices carry their own buttons, a colleague's Transfer offers the chat to
 * them and the queue's button moves it, whatever else is filled in; the one submit of a modal
 * sends what was chosen (a colleague or a queue, not both).
 */
export function transferForm(
  view: SessionView,
  queues: readonly Queue[],
  opts: { query?: string; options?: Option[]; note?: string; queueId?: string } = {},
): Surface {
  const sessionId = view.session.id;
  const others: Option[] = queues
    .filter((q) => q.id !== view.session.queueId)
    .map((q) => ({ value: q.id, label: q.name }));
  const offer = action(words('action.transfer'), call('transfer', { sessionId, to: 'agent' }), { style: 'primary' });
  const move = action(words('action.moveToQueue'), call('transfer', { sessionId, to: 'queue' }));
  const initial = opts.queueId && others.some((o) => o.value === opts.queueId) ? { initial: opts.queueId } : {};
  return {
    kind: 'dialog',
    title: words('transferForm.title', { ref: view.session.ref }),
    blocks: [
      { type: 'context', text: words('transferForm.about', { user: userName(view.session), queue: view.queue.name }) },
      noteField(words('transferForm.note'), opts.note),
      // Optional where there is another queue: a modal then sends either.
      agentPicker(call('transfer.search', { sessionId }), offer, { ...opts, optional: others.length > 0 }),
      ...(others.length > 0
        ? [
            {
              type: 'input' as const,
              field: {
                kind: 'choice' as const,
                id: 'queueId',
                label: words('transferForm.queue'),
                options: others,
                optional: true,
                placeholder: plain(words('transferForm.queue.placeholder')),
                go: move,
                ...initial,
              },
            },
          ]
        : []),
    ],
    submit: action(words('action.transfer'), call('transfer', { sessionId }), { style: 'primary' }),
    back: call('chat.show', { sessionId }),
    fallback: words('transferForm.title', { ref: view.session.ref }),
  };
}

/** The queue the transfer form chose, if any (`-` from older forms: none). */
export const chosenQueue = (queueId: string | undefined): string | undefined =>
  queueId === NO_QUEUE ? undefined : queueId;

/** Ask for help: an optional note for the supervisors. */
export function assistForm(view: SessionView, note?: string): Surface {
  const sessionId = view.session.id;
  return {
    kind: 'dialog',
    title: words('assistForm.title', { ref: view.session.ref }),
    blocks: [
      { type: 'context', text: words('assistForm.about', { queue: view.queue.name }) },
      noteField(words('assistForm.note'), note),
    ],
    submit: action(words('action.assist'), call('assist', { sessionId }), { style: 'primary' }),
    back: call('chat.show', { sessionId }),
    fallback: words('assistForm.title', { ref: view.session.ref }),
  };
}

/** Promote: which monitor becomes a participant. */
export function promoteForm(view: SessionView): Surface {
  const sessionId = view.session.id;
  const monitors = view.members
    .filter((m) => m.mode === 'monitor')
    .map((m) => ({ value: m.agentId, label: agentName(m.agent, m.agentId) }));
  return {
    kind: 'dialog',
    title: words('promoteForm.title', { ref: view.session.ref }),
    blocks: [
      { type: 'context', text: words('promoteForm.about') },
      {
        type: 'input',
        field: {
          kind: 'choice',
          id: 'agentId',
          label: words('promoteForm.member'),
          options: monitors,
          initial: monitors[0]?.value ?? '',
        },
      },
    ],
    submit: action(words('action.promote'), call('promote', { sessionId }), { style: 'primary' }),
    back: call('chat.show', { sessionId }),
    fallback: words('promoteForm.title', { ref: view.session.ref }),
  };
}

/** End a chat whose queue lists outcomes: which one (required), and an optional note. */
export function endForm(
  view: SessionView,
  filled: { outcome?: string | undefined; note?: string | undefined } = {},
): Surface {
  const sessionId = view.session.id;
  const options = (view.queue.outcomes ?? []).map((o) => ({ value: o, label: o }));
  const initial = filled.outcome && options.some((o) => o.value === filled.outcome) ? { initial: filled.outcome } : {};
  return {
    kind: 'dialog',
    title: words('endForm.title', { ref: view.session.ref }),
    blocks: [
      { type: 'context', text: words('endForm.about', { user: userName(view.session) }) },
      {
        type: 'input',
        field: {
          kind: 'choice',
          id: 'outcome',
          label: words('endForm.outcome'),
          options,
          placeholder: plain(words('endForm.outcome')),
          ...initial,
        },
      },
      noteField(words('endForm.note'), filled.note),
    ],
    submit: action(words('action.end'), call('end', { sessionId }), { style: 'danger' }),
    back: call('chat.show', { sessionId }),
    fallback: words('endForm.title', { ref: view.session.ref }),
  };
}
