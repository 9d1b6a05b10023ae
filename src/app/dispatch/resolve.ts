import { type Agent, fullName } from '../../domain/directory.js';
import { can, mayLeave } from '../../domain/policy.js';
import { searchAgents } from '../../domain/search.js';
import type { Member, Session } from '../../domain/session.js';
import type { AppContext } from '../context.js';
import { Refused } from '../errors.js';
import type { Command, Who } from '../grammar.js';
import { activeChatsOf, loadSession } from '../sessions.js';

/** The commands about one open chat (`history` names an ended one by its ref). */
type ChatKind = Exclude<Extract<Command, { ref: string | undefined }>, { kind: 'history' }>['kind'];

/** Whether the agent's role in a chat lets them run this command there (per the policy). */
const FITS: Record<ChatKind, (s: Session, m: Member) => boolean> = {
  invite: (_s, m) => can(m, 'invite'),
  assist: (_s, m) => can(m, 'assist'),
  transfer: (_s, m) => can(m, 'transfer'),
  release: (_s, m) => can(m, 'release'),
  promote: (_s, m) => can(m, 'promote'),
  leave: (s, m) => mayLeave(s, m).ok,
  canned: (_s, m) => can(m, 'canned'),
};

/**
 * The chat a command is about: the one with this ref, the one it was typed in, or the one of
 * the agent's active chats the command fits (`release` looks among the chats they own), else
 * their only active chat (which then says why it does not fit).
 */
export async function resolveChat(
  ctx: AppContext,
  agentId: string,
  ref: string | undefined,
  place?: string,
  kind?: ChatKind,
): Promise<Session> {
  if (ref) {
    const id = await ctx.store.sessions.idByRef(ref);
    if (!id) throw Refused.of('no_such_ref', { ref });
    return loadSession(ctx, id);
  }
  const here = place ? await chatsAt(ctx, place) : [];
  if (here.length === 1) return loadSession(ctx, here[0]!);
  const all = await activeChatsOf(ctx, agentId);
  const fitting = kind ? all.filter((c) => FITS[kind](c.session, c.member)) : all;
  const mine = (fitting.length > 0 ? fitting : all).map((c) => c.session);
  if (mine.length === 1) return mine[0]!;
  if (mine.length === 0) throw Refused.of('no_chat');
  throw Refused.of('ambiguous_chat', {
    n: mine.length,
    refs: mine.map((s) => s.ref).join(', '),
    example: mine[0]!.ref,
  });
}

/** The chats mirrored at a place (a thread holds one; a 1:1 may hold several), oldest first. */
export const chatsAt = (ctx: AppContext, place: string): Promise<string[]> => ctx.store.links.mirrorChats(place);

/** Someone a command names: @mentioned, or by email, or by a name that fits exactly one agent of `among`. */
export function resolveAgent(ctx: AppContext, who: Who, among: readonly Agent[]): Agent {
  const dir = ctx.directory.get();
  if ('agentId' in who) {
    const a = dir.agent(who.agentId);
    if (!a) throw Refused.of('unknown_agent');
    return a;
  }
  const byEmail = who.query.includes('@') ? dir.byEmail(who.query) : undefined;
  if (byEmail) return byEmail;
  const matches = searchAgents(among, who.query, 5);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw Refused.of('unknown_agent', { who: who.query }, 'unknown_agent.named');
  throw Refused.of('ambiguous_agent', { who: who.query, names: matches.map(fullName).join(', ') });
}

/** A queue a command names, by id or by name (any case); undefined when none is named so. */
export function resolveQueue(ctx: AppContext, who: Who): string | undefined {
  if (!('query' in who)) return undefined;
  const q = who.query.trim().toLowerCase();
  return ctx.directory.get().queues.find((x) => x.id.toLowerCase() === q || x.name.toLowerCase() === q)?.id;
}
