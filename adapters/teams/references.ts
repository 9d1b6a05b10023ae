import { z } from 'zod';
import type { LinkStore } from '../../src/app/store.js';

/**
 * Where Teams users and channels can be reached, learned on install and on every contact,
 * kept in the store (JSON in its look-up hash) so every instance and the worker can send
 * proactively.
 */
export const UserRef = z.object({
  aadObjectId: z.string(),
  /** The Bot Framework user id (29:…), valid for this bot. */
  userId: z.string().optional(),
  name: z.string().optional(),
  tenantId: z.string().optional(),
  serviceUrl: z.string().optional(),
  /** The bot's 1:1 (personal) conversation with the user. */
  conversationId: z.string().optional(),
});
export type UserRef = z.infer<typeof UserRef>;

export const ChannelRef = z.object({
  channelId: z.string(),
  serviceUrl: z.string(),
  tenantId: z.string().optional(),
  teamId: z.string().optional(),
});
export type ChannelRef = z.infer<typeof ChannelRef>;

/** A message of the bot's, to update later. */
export const CardRef = z.object({ conversationId: z.string(), activityId: z.string(), serviceUrl: z.string() });
export type CardRef = z.infer<typeof CardRef>;

const parse = <T>(schema: z.ZodType<T>, raw: string | undefined): T | undefined => {
  if (!raw) return undefined;
  try {
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
};

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;

export class TeamsReferences {
  /** Stable facts (agent links, channels, the bot id) this process has written: no need to write them again. */
  private readonly written = new Map<string, string>();

  constructor(private readonly store: LinkStore) {}

  user(aadObjectId: string): Promise<UserRef | undefined> {
    return this.store.lookup(`teams:user:${aadObjectId}`).then((raw) => parse(UserRef, raw));
  }

  /** Merges what an activity tells us about a user into what we knew. */
  async saveUser(next: UserRef): Promise<UserRef> {
    const known = await this.user(next.aadObjectId);
    const merged = { ...known, ...defined(next) } as UserRef;
    if (JSON.stringify(merged) !== JSON.stringify(known))
      await this.store.remember(`teams:user:${next.aadObjectId}`, JSON.stringify(merged));
    return merged;
  }

  /** A 1:1 the bot may not write in is forgotten (unless another has been learned meanwhile). */
  async forgetConversation(aadObjectId: string, conversationId: string): Promise<void> {
    const known = await this.user(aadObjectId);
    if (known?.conversationId !== conversationId) return;
    const { conversationId: _gone, ...rest } = known;
    await this.store.remember(`teams:user:${aadObjectId}`, JSON.stringify(rest));
  }

  channel(channelId: string): Promise<ChannelRef | undefined> {
    return this.store.lookup(`teams:channel:${channelId}`).then((raw) => parse(ChannelRef, raw));
  }

  saveChannel(ref: ChannelRef): Promise<void> {
    return this.write(`teams:channel:${ref.channelId}`, JSON.stringify(defined(ref)));
  }

  /** The directory agent learned for an AAD object id (by email), and the reverse. */
  agentIdFor(aadObjectId: string): Promise<string | undefined> {
    return this.store.lookup(`teams:aad:${aadObjectId}`);
  }
  aadFor(agentId: string): Promise<string | undefined> {
    return this.store.lookup(`teams:agent:${agentId}`);
  }
  async link(agentId: string, aadObjectId: string): Promise<void> {
    await this.write(`teams:aad:${aadObjectId}`, agentId);
    await this.write(`teams:agent:${agentId}`, aadObjectId);
  }

  /**
   * The card a list was last drawn on for an agent (`home:<agent>`, `monitor:<agent>`: a
   * surface's meta id), so it can be drawn again as its chats change. Kept a week.
   */
  listCard(id: string): Promise<CardRef | undefined> {
    return this.store.lookup(`teams:card:${id}`).then((raw) => parse(CardRef, raw));
  }
  saveListCard(id: string, ref: CardRef): Promise<void> {
    return this.store.remember(`teams:card:${id}`, JSON.stringify(ref), 7 * 86_400);
  }

  /** The bot's own Teams id (28:…), as the channel addresses it. */
  botId(): Promise<string | undefined> {
    return this.store.lookup('teams:bot');
  }
  saveBotId(id: string): Promise<void> {
    return this.write('teams:bot', id);
  }

  private async write(key: string, value: string): Promise<void> {
    if (this.written.get(key) === value) return;
    await this.store.remember(key, value);
    this.written.set(key, value);
  }
}
