/** Reading what the recording platform was asked to show, for the core's tests. */
import type { Recorded, RecordingPlatform } from '../../adapters/recording/platform.js';

/** The chat lines posted in a chat's mirrors, as `Who: text`. */
export const lines = (p: RecordingPlatform, sessionId?: string): Recorded[] =>
  p.calls.filter(
    (c) => c.op === 'post' && c.meta?.kind === 'entry' && (sessionId === undefined || c.to.includes(sessionId)),
  );

/** The texts of one author's messages in a chat, in the order they were shown. */
export const textsBy = (p: RecordingPlatform, sessionId: string, author: string): string[] =>
  lines(p, sessionId).flatMap((c) => {
    const m = new RegExp(`^${author}: (.*)$`, 's').exec(c.text.split('\n')[0] ?? '');
    return m ? [m[1]!] : [];
  });

/** An invite's card, each time it was sent or updated, with the state it showed. */
export const cards = (p: RecordingPlatform, inviteId: string) =>
  p.calls
    .filter((c) => c.meta?.kind === 'invite' && c.meta.id === inviteId)
    .map((c) => ({ ...c, update: c.op === 'update', status: cardState(c.text) }));

function cardState(text: string): string {
  if (/You joined/.test(text)) return 'accepted';
  if (/You rejected/.test(text)) return 'rejected';
  if (/was cancelled/.test(text)) return 'cancelled';
  if (/expired/.test(text)) return 'expired';
  return 'pending';
}

/** The thread lines about invites: which invite, in which state. */
export const outcomes = (p: RecordingPlatform) =>
  p
    .about('invite-line')
    .filter((c) => c.op === 'post')
    .map((c) => {
      const i = (c.meta?.id ?? '').lastIndexOf(':');
      return { inviteId: c.meta!.id.slice(0, i), status: c.meta!.id.slice(i + 1), text: c.text };
    });
