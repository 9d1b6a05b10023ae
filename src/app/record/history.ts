import type { Agent } from '../../domain/directory.js';
import { mayReadHistory } from '../../domain/policy.js';
import type { Session } from '../../domain/session.js';
import type { TranscriptEntry } from '../../domain/transcript.js';
import type { AppContext } from '../context.js';
import { Refused } from '../errors.js';
import { ask } from './ask.js';
import type { ChatRecord } from './port.js';

/** After the record failed or was slow, new chats do not ask it for this long. */
const BACK_OFF_MS = 10_000;
let quietUntil = 0;

/**
 * The end user's earlier chats (by email), for the new chat's root card: asked with a short
 * timeout, never failing the chat. A record that is down or slow is not asked again for a while.
 */
export async function pastChats(ctx: AppContext, email: string | undefined, now: number): Promise<Session['history']> {
  if (!email || ctx.record.backend === 'none' || Date.now() < quietUntil) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>(
    (resolve) => (timer = setTimeout(() => resolve('late'), ctx.settings.historyLookupMs)),
  );
  try {
    const found = await Promise.race([ctx.record.pastChats(email, now), late]);
    if (found === 'late') {
      quietUntil = Date.now() + BACK_OFF_MS;
      return undefined;
    }
    return found;
  } catch (err) {
    quietUntil = Date.now() + BACK_OFF_MS;
    ctx.log.debug({ err: (err as Error).message }, 'record: no history for a new chat');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** An ended chat and what agents may read of it: everything but private notes. */
export interface ChatHistory {
  chat: ChatRecord;
  entries: TranscriptEntry[];
}

/** `history <ref>`: an ended chat from the record, for an agent of its queue (the policy says who). */
export async function chatHistory(ctx: AppContext, agent: Agent, ref: string): Promise<ChatHistory> {
  const chat = await ask(() => ctx.record.chatByRef(ref));
  if (!chat) throw Refused.of('no_such_ref', { ref: ref.toUpperCase() });
  const v = mayReadHistory(agent, chat.session);
  if (!v.ok) throw Refused.from(v);
  const entries = (await ask(() => ctx.record.entries(chat.session.id))).filter((e) => e.visibility !== 'private');
  return { chat, entries };
}
