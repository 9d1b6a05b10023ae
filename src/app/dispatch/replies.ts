import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Agent } from '../../domain/directory.js';
import { searchAgents } from '../../domain/search.js';
import type { Session } from '../../domain/session.js';
import { actingFrom } from '../acting.js';
import type { AppContext } from '../context.js';
import { Refused } from '../errors.js';
import { commandWord, isAnyone, type Mention, parseCommand } from '../grammar.js';
import type { Intent, Outcome } from '../intents.js';
import { agentReply, agentRevision } from '../sessions.js';
import { MESSAGE_LINK_SECONDS } from '../store.js';
import { askSurface } from '../surfaces/help.js';
import { words } from '../wording/index.js';
import { commandLine } from './commands.js';
import { chatsAt, resolveQueue } from './resolve.js';

type Reply = Extract<Intent, { kind: 'reply' }>;
type Revise = Extract<Intent, { kind: 'revise' }>;

const REF_PREFIX = /^#?([A-HJ-NP-Z2-9]{6})\b[:\s]*([\s\S]*)$/i;
const LINE_SECONDS = 15 * 60;
const lineKey = (id: string) => `line:${id}`;
const entryKey = (link: string) => `entry:${link}`;

const PendingLine = z.object({
  agentId: z.string(),
  place: z.string(),
  text: z.string(),
  link: z.string().optional(),
  mentions: z.array(z.object({ text: z.string(), agentId: z.string() })),
});

/**
 * The chat a line in `place` is for: the only one there, or (a 1:1 holding several) the one
 * whose ref starts the line, else the newest active one.
 */
async function target(
  ctx: AppContext,
  place: string,
  text: string,
): Promise<{ session: Session; text: string } | undefined> {
  const ids = await chatsAt(ctx, place);
  const all = (await Promise.all(ids.map((id) => ctx.store.sessions.get(id)))).filter(
    (s): s is Session => s !== undefined,
  );
  if (all.length === 1 && ids.length === 1) return { session: all[0]!, text };
  const active = all.filter((s) => s.status === 'active');
  const m = REF_PREFIX.exec(text);
  const named = m ? active.find((s) => s.ref === m[1]!.toUpperCase()) : undefined;
  if (named) return { session: named, text: m![2]!.trim() };
  const newest = active.at(-1);
  return newest ? { session: newest, text } : undefined;
}

/** Whether a line in a 1:1 is a command word whose arguments fit, a message, or could be either. */
function classify(ctx: AppContext, text: string, mentions: readonly Mention[]): 'command' | 'reply' | 'ask' {
  const word = commandWord(text);
  if (!word) return 'reply';
  const parsed = parseCommand(text, mentions);
  if (!parsed.ok) return word.bare ? 'reply' : 'ask';
  const c = parsed.command;
  // Free words after the command could as well be meant for the customer.
  if (c.kind === 'assist') return c.note ? 'ask' : 'command';
  if (c.kind === 'canned' && c.op === 'search' && c.query) return 'ask';
  if ((c.kind === 'invite' || c.kind === 'transfer' || c.kind === 'promote') && 'query' in c.who) {
    const q = c.who.query;
    const dir = ctx.directory.get();
    const known =
      (q.includes('@') && dir.byEmail(q)) ||
      searchAgents(dir.agents, q, 2).length === 1 ||
      (c.kind === 'invite' && isAnyone(c.who)) ||
      (c.kind === 'transfer' && resolveQueue(ctx, c.who) !== undefined);
    return known ? 'command' : 'ask';
  }
  return 'command';
}

/**
 * A message in a mirrored chat; in a 1:1, maybe a command: one when it starts with `/`,
 * or when it has no chat to go to, or when it parses fully as one; asked about when it
 * could be either.
 */
export async function reply(ctx: AppContext, agent: Agent, i: Reply, prefix: string): Promise<Outcome> {
  const mentions = i.mentions ?? [];
  if (i.commandable) {
    const at = { place: i.place, prefix };
    const t = i.text.startsWith('/') ? undefined : await target(ctx, i.place, i.text);
    if (!t) return commandLine(ctx, agent, i.text, mentions, at);
    const kind = classify(ctx, i.text, mentions);
    // A chat that has ended takes no more messages: a line that reads like a command is one, unasked.
    if (kind === 'command' || (kind === 'ask' && t.session.status !== 'active'))
      return commandLine(ctx, agent, i.text, mentions, at);
    if (kind === 'ask') {
      const lineId = randomBytes(9).toString('base64url');
      const line: z.infer<typeof PendingLine> = {
        agentId: agent.id,
        place: i.place,
        text: i.text,
        mentions: [...mentions],
        ...(i.link ? { link: i.link } : {}),
      };
      await ctx.store.links.remember(lineKey(lineId), JSON.stringify(line), LINE_SECONDS);
      return { open: askSurface(lineId, i.text, t.session.ref) };
    }
  }
  return send(ctx, agent, i);
}

async function send(
  ctx: AppContext,
  agent: Agent,
  i: Pick<Reply, 'place' | 'text' | 'files' | 'link'>,
): Promise<Outcome> {
  const t = await target(ctx, i.place, i.text);
  if (!t) return {}; // a thread that is not a chat, or a 1:1 with no active chat
  const files = i.files ?? [];
  let withheld = false;
  // One entry per file; the text goes with the first.
  for (let k = 0; k < Math.max(1, files.length); k++) {
    const file = files[k];
    const text = (k === 0 ? t.text.trim() : '') || (file ? file.name : '');
    if (!text && !file) continue;
    const r = await agentReply(ctx, {
      sessionId: t.session.id,
      agent,
      text,
      origin: i.place,
      ...(file ? { file } : {}),
    });
    if (k === 0 && i.link)
      await ctx.store.links.remember(entryKey(i.link), `${t.session.id} ${r.entry.id}`, MESSAGE_LINK_SECONDS);
    withheld ||= r.withheld;
  }
  return withheld ? { notice: { text: words('notice.monitorReply'), tone: 'info' } } : {};
}

/** An edit or deletion of a message that reached a chat; anything else is not ours to revise. */
export async function revise(ctx: AppContext, agent: Agent, i: Revise): Promise<Outcome> {
  const known = await ctx.store.links.lookup(entryKey(i.link));
  if (!known) return {};
  const [sessionId = '', entryId = ''] = known.split(' ');
  const session = await ctx.store.sessions.get(sessionId);
  // In a 1:1 the author may have named the chat in front of the line: not part of the message.
  const text =
    i.text === null
      ? null
      : i.text.replace(REF_PREFIX, (whole, r: string, rest: string) =>
          r.toUpperCase() === session?.ref ? rest.trim() : whole,
        );
  await agentRevision(ctx, sessionId, agent.id, entryId, text);
  return {};
}

/** The answer to "for the customer, or a command?". A command that is refused leaves the question open. */
export async function answerLine(
  ctx: AppContext,
  agent: Agent,
  lineId: string,
  as: 'send' | 'run',
  prefix: string,
): Promise<Outcome> {
  const raw = await ctx.store.links.lookup(lineKey(lineId));
  const parsed = raw ? PendingLine.safeParse(JSON.parse(raw)) : undefined;
  const claim = `used:${lineKey(lineId)}`;
  if (!parsed?.success || parsed.data.agentId !== agent.id || !(await ctx.store.links.claimOnce(claim, LINE_SECONDS))) {
    return { notice: { text: words('notice.lineGone'), tone: 'attention' } };
  }
  const line = parsed.data;
  if (as === 'send') {
    const out = await send(ctx, agent, line);
    return out.notice ? out : { notice: { text: words('notice.sentToCustomer'), tone: 'good' } };
  }
  try {
    return await actingFrom(line.place, () =>
      commandLine(ctx, agent, line.text, line.mentions, { place: line.place, prefix }, { strict: true }),
    );
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    await ctx.store.links.releaseClaim(claim);
    const t = await target(ctx, line.place, line.text);
    return {
      notice: { text: err.text, tone: 'attention' },
      ...(t ? { open: askSurface(lineId, line.text, t.session.ref) } : {}),
    };
  }
}
