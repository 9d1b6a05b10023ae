import {
  type CannedReply,
  CannedReply as CannedSchema,
  fillCanned,
  MAX_PERSONAL_CANNED,
  type Offered,
  offeredReplies,
  Shortcut,
} from '../domain/canned.js';
import type { Agent } from '../domain/directory.js';
import { mayUseCanned } from '../domain/policy.js';
import type { Session } from '../domain/session.js';
import type { AppContext } from './context.js';
import { Refused } from './errors.js';
import { agentReply, loadMember, loadSession } from './sessions.js';

/**
 * Canned replies (README "Agents' tools"): the chat's queue's, from the directory, and the
 * agent's own, from the store. Sending one is the agent's own reply: the same rules,
 * transcript entry and relay as a reply typed in the thread.
 */

/** The replies an agent may send in a chat, theirs first where shortcuts collide. */
export async function offeredIn(ctx: AppContext, session: Session, agentId: string): Promise<Offered[]> {
  const queue = ctx.directory.get().queue(session.queueId);
  return offeredReplies(queue?.canned ?? [], await ctx.store.canned.list(agentId));
}

/** Checks the agent may send canned replies in the chat (before showing them the picker); the chat. */
export async function assertMayUse(ctx: AppContext, sessionId: string, agentId: string): Promise<Session> {
  const session = await loadSession(ctx, sessionId);
  const v = mayUseCanned(session, await loadMember(ctx, sessionId, agentId));
  if (!v.ok) throw Refused.from(v);
  return session;
}

/** Fills a reply's placeholders for a chat and its sender. */
export function filled(ctx: AppContext, reply: CannedReply, session: Session, agent: Agent): string {
  const queue = ctx.directory.get().queue(session.queueId);
  return fillCanned(reply.text, {
    user: session.endUser.name,
    agent: agent.firstName,
    queue: queue?.name ?? session.queueId,
  });
}

/** Sends a canned reply by its shortcut, as the agent's own reply. `origin`: where it was chosen (it is echoed to every mirror but that one). */
export async function sendCanned(
  ctx: AppContext,
  input: { sessionId: string; agent: Agent; shortcut: string; origin: string },
) {
  const session = await assertMayUse(ctx, input.sessionId, input.agent.id);
  const shortcut = input.shortcut.trim().toLowerCase().replace(/^\//, '');
  const reply = (await offeredIn(ctx, session, input.agent.id)).find((c) => c.shortcut === shortcut);
  if (!reply) throw Refused.of('canned_not_found', { shortcut: input.shortcut });
  const text = filled(ctx, reply, session, input.agent);
  // A canned text is words for the customer, never a private note, whatever it starts with.
  const sent = await agentReply(ctx, {
    sessionId: session.id,
    agent: input.agent,
    text,
    origin: input.origin,
    verbatim: true,
  });
  return { ...sent, reply, session };
}

/** Adds or replaces one of the agent's own canned replies. */
export async function savePersonal(
  ctx: AppContext,
  agentId: string,
  input: { shortcut?: string | undefined; title?: string | undefined; text?: string | undefined },
): Promise<CannedReply> {
  const r = CannedSchema.safeParse(input);
  if (!r.success)
    throw Refused.of('canned_invalid', {
      detail: r.error.issues.map((i) => `${i.path.join('.') || 'reply'}: ${i.message}`).join('; '),
    });
  if (!(await ctx.store.canned.save(agentId, r.data, MAX_PERSONAL_CANNED)))
    throw Refused.of('canned_limit', { max: MAX_PERSONAL_CANNED });
  return r.data;
}

/** Removes one of the agent's own canned replies. */
export async function removePersonal(ctx: AppContext, agentId: string, shortcut: string): Promise<void> {
  const s = Shortcut.safeParse(shortcut);
  if (!s.success || !(await ctx.store.canned.remove(agentId, s.data)))
    throw Refused.of('canned_not_found', { shortcut });
}
