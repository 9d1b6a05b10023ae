import { type TurnContext, TurnContext as TC } from 'botbuilder';
import type { Mention } from '../../../src/app/grammar.js';
import { commandWord } from '../../../src/app/grammar.js';
import { isChannelThread, isPersonal, mentionsBot, plainText } from '../activity.js';
import { placeKey } from '../client.js';
import { present, PREFIX, run, type TeamsDeps } from './present.js';

/** The people an activity @mentions (other than the bot), as the plain text reads them. */
async function mentions(d: TeamsDeps, tc: TurnContext): Promise<Mention[]> {
  const others = TC.getMentions(tc.activity).filter((m) => m.mentioned?.id && m.mentioned.id !== tc.activity.recipient?.id);
  const found = await Promise.all(others.map(async (m) => ({
    text: (m.mentioned.name ?? m.text?.replace(/<\/?at>/g, '') ?? '').trim(),
    agentId: (await d.people.agentFor(tc, m.mentioned))?.id ?? '',
  })));
  return found.filter((m) => m.text && m.agentId);
}

/**
 * A message to the bot: a reply in a chat's channel thread, a line in an agent's 1:1 (a reply
 * or a command: the core decides), or a command by @mention anywhere else.
 */
export async function onMessage(d: TeamsDeps, tc: TurnContext): Promise<void> {
  const a = tc.activity;
  const text = plainText(a);
  const place = placeKey(a.conversation.id);
  const agent = await d.people.agentOf(tc);
  const link = a.id ? `${place}:${a.id}` : undefined;
  if (isPersonal(a)) {
    return present(tc, await run(d, { kind: 'reply', agent, place, text, commandable: true, mentions: await mentions(d, tc), ...(link ? { link } : {}) }));
  }
  const inChat = isChannelThread(a) && (await d.ctx.store.links.mirrorChats(place)).length > 0;
  if (inChat && !(mentionsBot(a) && commandWord(text))) {
    if (!text) return; // e.g. only an image: files are not relayed from Teams
    return present(tc, await run(d, { kind: 'reply', agent, place, text, ...(link ? { link } : {}) }));
  }
  if (!mentionsBot(a) && !isPersonal(a) && isChannelThread(a)) return; // channel talk that is not about a chat
  return present(tc, await run(d, { kind: 'command', agent, text, mentions: await mentions(d, tc), ...(inChat ? { place } : {}), prefix: PREFIX }));
}

/** An agent edited or deleted a message they had sent. */
export async function onRevision(d: TeamsDeps, tc: TurnContext, deleted: boolean): Promise<void> {
  const a = tc.activity;
  if (!a.id) return;
  const place = placeKey(a.conversation.id);
  await run(d, { kind: 'revise', agent: await d.people.agentOf(tc), link: `${place}:${a.id}`, text: deleted ? null : plainText(a) });
}
