import type { Agent } from '../domain/directory.js';
import { fullName } from '../domain/directory.js';
import { InviteMode } from '../domain/invite.js';
import { searchAgents } from '../domain/search.js';
import type { Session } from '../domain/session.js';
import type { AppContext } from './context.js';
import { Refused } from './errors.js';
import { activeChatsOf, loadSession } from './sessions.js';

/** The agent commands both platforms share: `/chat …` in Slack, an @mention in Teams. */
export type Command =
  | { kind: 'invite'; who: string; mode: InviteMode; ref: string | undefined }
  | { kind: 'available' }
  | { kind: 'away' }
  | { kind: 'monitor' }
  | { kind: 'help' }
  | { kind: 'unknown'; text: string };

const REF = /^[A-HJ-NP-Z2-9]{6}$/;

export function parseCommand(text: string): Command {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [verb = 'help', ...rest] = words;
  switch (verb.toLowerCase()) {
    case 'available': case 'online': return { kind: 'available' };
    case 'away': case 'offline': return { kind: 'away' };
    case 'monitor': case 'monitoring': return { kind: 'monitor' };
    case 'help': case '?': return { kind: 'help' };
    case 'invite': {
      let ref: string | undefined;
      let mode: InviteMode = 'participant';
      if (rest.length > 1 && REF.test(rest.at(-1)!.toUpperCase())) ref = rest.pop()!.toUpperCase();
      const m = InviteMode.safeParse(rest.at(-1)?.toLowerCase());
      if (rest.length > 1 && m.success) {
        mode = m.data;
        rest.pop();
      }
      if (rest.length === 0) return { kind: 'unknown', text };
      return { kind: 'invite', who: rest.join(' '), mode, ref };
    }
    default: return { kind: 'unknown', text };
  }
}

/** The chat a command is about: the one with this ref, or the agent's only active chat. */
export async function resolveChat(ctx: AppContext, agentId: string, ref: string | undefined): Promise<Session> {
  if (ref) {
    const id = await ctx.store.sessionIdByRef(ref);
    if (!id) throw new Refused('not_found', `No chat with reference ${ref}.`, 404);
    return loadSession(ctx, id);
  }
  const mine = await activeChatsOf(ctx, agentId);
  if (mine.length === 1) return mine[0]!;
  if (mine.length === 0) throw new Refused('no_chat', 'You are not in any active chat. Add the chat reference, e.g. K7Q2XD.', 409);
  throw new Refused('ambiguous_chat', `You are in ${mine.length} chats (${mine.map((s) => s.ref).join(', ')}): add the reference of the one you mean.`, 409);
}

/** An invitee named by email or by name: exactly one agent of the chat's queue must match. */
export function resolveInvitee(ctx: AppContext, session: Session, who: string): Agent {
  const dir = ctx.directory.get();
  const email = who.replace(/^<mailto:([^|>]+)(\|[^>]*)?>$/, '$1');
  const byEmail = email.includes('@') ? dir.byEmail(email) : undefined;
  if (byEmail) return byEmail;
  const matches = searchAgents(dir.agents.filter((a) => a.queues.includes(session.queueId)), who, 5);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new Refused('unknown_agent', `No agent of this chat's queue matches "${who}".`, 404);
  throw new Refused('ambiguous_agent', `"${who}" matches ${matches.map(fullName).join(', ')}: be more precise or use an email.`, 409);
}
