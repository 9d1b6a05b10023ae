import { z } from 'zod';

/**
 * Canned replies: texts an agent sends with a shortcut, per queue (the directory) and per
 * agent (their own, kept in the store). Placeholders are filled when one is sent.
 */
export const Shortcut = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,31}$/, 'a shortcut: letters, digits, ., - and _ (at most 32)');
export const CANNED_TEXT_MAX = 2000;
export const CannedReply = z
  .object({
    shortcut: Shortcut,
    title: z.string().trim().min(1).max(80),
    text: z.string().trim().min(1).max(CANNED_TEXT_MAX),
  })
  .strict();
export type CannedReply = z.infer<typeof CannedReply>;

/** How many personal canned replies an agent keeps at most. */
export const MAX_PERSONAL_CANNED = 50;

/** A canned reply as offered in a chat: the agent's own win over the queue's with the same shortcut. */
export interface Offered extends CannedReply {
  source: 'queue' | 'personal';
}

export function offeredReplies(queue: readonly CannedReply[], personal: readonly CannedReply[]): Offered[] {
  const mine = new Set(personal.map((c) => c.shortcut));
  return [
    ...personal.map((c) => ({ ...c, source: 'personal' as const })),
    ...queue.filter((c) => !mine.has(c.shortcut)).map((c) => ({ ...c, source: 'queue' as const })),
  ].sort((a, b) => a.shortcut.localeCompare(b.shortcut));
}

/** The replies a query finds, by shortcut and title (every word must match one of them). */
export function searchCanned<T extends CannedReply>(replies: readonly T[], query: string | undefined): T[] {
  const words = (query ?? '').toLowerCase().replace(/^\//, '').split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...replies];
  return replies.filter((c) => words.every((w) => c.shortcut.includes(w) || c.title.toLowerCase().includes(w)));
}

export interface Placeholders {
  user: string;
  agent: string;
  queue: string;
}

/** Fills `{user.name}`, `{agent.name}` and `{queue.name}`; any other braces stay as written. */
export function fillCanned(text: string, p: Placeholders): string {
  return text.replace(/\{(user|agent|queue)\.name\}/g, (_m, k: keyof Placeholders) => p[k]);
}
