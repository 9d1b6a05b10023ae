import { expect } from 'vitest';
import type { ConnectorCall } from './fakeConnector.js';
import { json } from './harness.js';
import { CARD, CHANNEL, type TeamsWorld, USERS } from './teamsWorld.js';

export interface TeamsChat {
  id: string;
  token: string;
  /** The channel thread's conversation id, and its root card's activity id. */
  thread: string;
  root: string;
}

/** An end user's chat, posted in the channel and accepted by Alice from the card. */
export async function acceptedChat(w: TeamsWorld, text?: string): Promise<TeamsChat> {
  const r = await json(`${w.h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Jane' }, ...(text ? { text } : {}) },
  });
  expect(r.status).toBe(201);
  const id = r.body.session.id as string;
  const created = await w.fake.waitFor(
    (c) =>
      c.op === 'createConversation' &&
      c.body?.channelData?.channel?.id === CHANNEL &&
      JSON.stringify(c.body).includes(id),
  );
  const root = created.responseId!;
  const thread = `${CHANNEL};messageid=${root}`;
  const accepted = await w.teams.post(w.teams.invoke(USERS.alice, thread, 'accept', { sessionId: id }, root));
  expect(accepted.body.type).toBe(CARD);
  const chat = { id, token: r.body.token as string, thread, root };
  // Settled: the thread has said who took the chat.
  await w.fake.waitFor((c) => inThreadOf(chat)(c) && /Alice Ng joined as owner/.test(String(c.body?.text)));
  return chat;
}

export const inThreadOf = (chat: TeamsChat) => (c: ConnectorCall) =>
  c.conversationId === chat.thread && (c.op === 'sendToConversation' || c.op === 'replyToActivity');
