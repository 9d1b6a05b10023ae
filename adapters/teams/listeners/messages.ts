import type { TurnContext } from 'botbuilder';
import { parseCommand } from '../../../src/app/commands.js';
import { Refused } from '../../../src/app/errors.js';
import * as sessions from '../../../src/app/sessions.js';
import { MESSAGE_LINK_SECONDS } from '../../../src/app/store.js';
import type { Session } from '../../../src/domain/session.js';
import { isChannelThread, isPersonal, mentionsBot, plainText } from '../activity.js';
import { mirrorKey } from '../platform.js';
import { runCommand } from './commands.js';
import { NOT_AN_AGENT, replyText, type TeamsDeps } from './deps.js';

const BARE_COMMANDS = new Set(['available', 'away', 'monitor', 'help']);
const REF_PREFIX = /^#?([A-HJ-NP-Z2-9]{6})\b[:\s]*([\s\S]*)$/i;

/**
 * A message to the bot: a reply in a chat's channel thread, a reply in an agent's 1:1 mirror,
 * or a command. Replies go through the domain (who sees them is its call); the author gets
 * the notice or refusal as a reply.
 */
export async function onMessage(d: TeamsDeps, tc: TurnContext): Promise<void> {
  const a = tc.activity;
  const text = plainText(a);
  const conversationId = a.conversation.id;

  if (isChannelThread(a)) {
    const sessionId = await d.ctx.store.lookup(`mirror:${mirrorKey(conversationId)}`);
    const cmd = mentionsBot(a) ? parseCommand(text) : undefined;
    if (cmd && cmd.kind !== 'unknown') return runCommand(d, tc, cmd, sessionId);
    if (sessionId) return reply(d, tc, sessionId, text, mirrorKey(conversationId));
    if (cmd) return runCommand(d, tc, cmd, undefined); // @mention outside a chat's thread: help
    return; // channel talk that is not about a chat
  }

  if (isPersonal(a)) {
    // A 1:1 can mirror several chats over time. A line that starts with a chat's ref goes to
    // that chat; otherwise to the newest active one. Commands there are `/cmd …` or a bare word.
    const target = await directTarget(d, conversationId, text);
    const slash = text.startsWith('/');
    const bare = BARE_COMMANDS.has(text.toLowerCase());
    if (!target || slash || bare) return runCommand(d, tc, parseCommand(slash ? text.slice(1) : text), undefined);
    return reply(d, tc, target.session.id, target.text, mirrorKey(conversationId));
  }

  // A group chat or anything else: commands only.
  return runCommand(d, tc, parseCommand(text), undefined);
}

async function reply(d: TeamsDeps, tc: TurnContext, sessionId: string, text: string, origin: string): Promise<void> {
  if (!text) return; // e.g. only an image: files are not relayed from Teams
  const agent = await d.people.agentOf(tc);
  if (!agent) return replyText(tc, NOT_AN_AGENT);
  const { entry, notice } = await sessions.agentReply(d.ctx, { sessionId, agent, text, origin });
  // So a later edit or delete of this Teams message can revise the entry.
  if (tc.activity.id) await d.ctx.store.remember(entryKey(tc.activity.conversation.id, tc.activity.id), `${sessionId} ${entry.id}`, MESSAGE_LINK_SECONDS);
  if (notice) await replyText(tc, notice);
}

const entryKey = (conversationId: string, activityId: string) => `teams:msg:${conversationId}:${activityId}`;

/** An agent edited or deleted a reply they had sent: the end user and the other mirrors see it. */
export async function onRevision(d: TeamsDeps, tc: TurnContext, deleted: boolean): Promise<void> {
  const a = tc.activity;
  const known = a.id ? await d.ctx.store.lookup(entryKey(a.conversation.id, a.id)) : undefined;
  if (!known) return;
  const [sessionId = '', entryId = ''] = known.split(' ');
  const agent = await d.people.agentOf(tc);
  if (!agent) return;
  const ref = (await d.ctx.store.getSession(sessionId))?.ref;
  // In a 1:1, the author may have named the chat in front of the line: not part of the reply.
  const text = deleted ? null : plainText(a).replace(REF_PREFIX, (whole, r: string, rest: string) => (r.toUpperCase() === ref ? rest.trim() : whole));
  await sessions.agentRevision(d.ctx, sessionId, agent.id, entryId, mirrorKey(a.conversation.id), text).catch((err: unknown) => {
    if (!(err instanceof Refused)) throw err; // e.g. not theirs: nothing to revise
  });
}

async function directTarget(d: TeamsDeps, conversationId: string, text: string): Promise<{ session: Session; text: string } | undefined> {
  const ids = await d.refs.directSessions(conversationId);
  if (ids.length === 0) return undefined;
  const all = (await Promise.all(ids.map((id) => d.ctx.store.getSession(id)))).filter((s): s is Session => s?.status === 'active');
  const m = REF_PREFIX.exec(text);
  const named = m ? all.find((s) => s.ref === m[1]!.toUpperCase()) : undefined;
  if (named) return { session: named, text: m![2]!.trim() };
  const newest = all.at(-1);
  return newest ? { session: newest, text } : undefined;
}
