import { NOTE_MAX } from '../../domain/invite.js';
import type { Queue } from '../../domain/directory.js';
import { call } from '../verbs.js';
import { plain, words } from '../wording/index.js';
import type { SessionView } from '../views.js';
import { agentPicker } from './invites.js';
import { agentName, userName } from './names.js';
import { action, type Option, type Surface } from './surface.js';

/** The dialogs of a chat's life: transfer, ask for help, promote. */

const NO_QUEUE = '-';

/** Transfer: a colleague of the queue (searched as you type), or another queue; a note either way. */
export function transferForm(view: SessionView, queues: readonly Queue[], opts: { query?: string; options?: Option[] } = {}): Surface {
  const sessionId = view.session.id;
  const others: Option[] = queues.filter((q) => q.id !== view.session.queueId).map((q) => ({ value: q.id, label: q.name }));
  return {
    kind: 'dialog',
    title: words('transferForm.title', { ref: view.session.ref }),
    blocks: [
      { type: 'context', text: words('transferForm.about', { user: userName(view.session), queue: view.queue.name }) },
      agentPicker(call('transfer.search', { sessionId }), opts),
      ...(others.length > 0
        ? [{ type: 'input' as const, field: { kind: 'choice' as const, id: 'queueId', label: words('transferForm.queue'), options: [{ value: NO_QUEUE, label: plain(words('transferForm.queue.keep')) }, ...others], initial: NO_QUEUE } }]
        : []),
      { type: 'input', field: { kind: 'text', id: 'note', label: words('inviteForm.note'), max: NOTE_MAX, optional: true } },
    ],
    submit: action(words('action.transfer'), call('transfer', { sessionId }), { style: 'primary' }),
    back: call('chat.show', { sessionId }),
    fallback: words('transferForm.title', { ref: view.session.ref }),
  };
}

/** What the transfer form's queue choice means: `-` is "no, to the colleague". */
export const chosenQueue = (queueId: string | undefined): string | undefined => (queueId === NO_QUEUE ? undefined : queueId);

/** Ask for help: an optional note for the supervisors. */
export function assistForm(view: SessionView): Surface {
  const sessionId = view.session.id;
  return {
    kind: 'dialog',
    title: words('assistForm.title', { ref: view.session.ref }),
    blocks: [
      { type: 'context', text: words('assistForm.about', { queue: view.queue.name }) },
      { type: 'input', field: { kind: 'text', id: 'note', label: words('assistForm.note'), max: NOTE_MAX, optional: true } },
    ],
    submit: action(words('action.assist'), call('assist', { sessionId }), { style: 'primary' }),
    back: call('chat.show', { sessionId }),
    fallback: words('assistForm.title', { ref: view.session.ref }),
  };
}

/** Promote: which monitor becomes a participant. */
export function promoteForm(view: SessionView): Surface {
  const sessionId = view.session.id;
  const monitors = view.members.filter((m) => m.mode === 'monitor').map((m) => ({ value: m.agentId, label: agentName(m.agent, m.agentId) }));
  return {
    kind: 'dialog',
    title: words('promoteForm.title', { ref: view.session.ref }),
    blocks: [
      { type: 'context', text: words('promoteForm.about') },
      { type: 'input', field: { kind: 'choice', id: 'agentId', label: words('promoteForm.member'), options: monitors, initial: monitors[0]?.value ?? '' } },
    ],
    submit: action(words('action.promote'), call('promote', { sessionId }), { style: 'primary' }),
    back: call('chat.show', { sessionId }),
    fallback: words('promoteForm.title', { ref: view.session.ref }),
  };
}
