import type { Queue } from '../domain/directory.js';
import { type HoursState, hoursAt } from '../domain/hours.js';
import { Refused } from './errors.js';
import { words } from './wording/index.js';

/** A queue's hours now: a queue without hours is always open. */
export const queueHours = (queue: Queue, now: number): HoursState =>
  queue.hours ? hoursAt(queue.hours, now) : { open: true };

/** "Monday 30 March, 08:00 (Europe/Berlin)": when a closed queue opens, on its own clock. */
function opensAtText(queue: Queue, at: number): string {
  const tz = queue.hours?.timezone ?? 'UTC';
  // Assembled from parts: ICU versions join date and time differently.
  const p: Record<string, string> = {};
  for (const x of new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at))
    p[x.type] = x.value;
  return `${p.weekday} ${p.day} ${p.month}, ${p.hour}:${p.minute} (${tz})`;
}

/** New chats are refused while the queue is closed (409 queue_closed), saying when it opens. */
export function assertOpen(queue: Queue, now: number): void {
  const h = queueHours(queue, now);
  if (h.open) return;
  throw h.opensAt === undefined
    ? new Refused('queue_closed', words('refusal.queue_closed.never', { queue: queue.name }), 409)
    : new Refused(
        'queue_closed',
        words('refusal.queue_closed', { queue: queue.name, when: opensAtText(queue, h.opensAt) }),
        409,
      ).with({ opensAt: new Date(h.opensAt).toISOString() });
}
