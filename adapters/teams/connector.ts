import type { Activity, CloudAdapter, ConversationParameters, ConversationReference } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';

/** A message we posted: enough to update it later from any process. */
export interface PostedRef {
  conversationId: string;
  activityId: string;
  serviceUrl: string;
}

/** The HTTP status of a connector error that is not transient (those become RetryLaterError). */
export const statusOf = (err: unknown): number | undefined => {
  const e = err as { statusCode?: number; response?: { status?: number } };
  return e.statusCode ?? e.response?.status;
};

/**
 * Proactive calls to the Bot Framework connector, outside any inbound turn: each runs in a
 * continuation turn (which builds an authenticated ConnectorClient for the serviceUrl).
 */
export class TeamsConnector {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
  ) {}

  private async client<T>(
    serviceUrl: string,
    conversationId: string,
    work: (c: ConnectorClient) => Promise<T>,
  ): Promise<T> {
    let out: T | undefined;
    const ref: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: conversationId, isGroup: false, conversationType: '', name: '' },
    };
    await this.adapter.continueConversationAsync(this.appId, ref, async (tc) => {
      out = await work(tc.turnState.get<ConnectorClient>(tc.adapter.ConnectorClientKey));
    });
    return out as T;
  }

  /** A new conversation: a channel thread (its id carries `;messageid=`) or a 1:1 chat. */
  async create(
    serviceUrl: string,
    params: Partial<ConversationParameters>,
    about: string,
  ): Promise<{ id: string; activityId: string | undefined }> {
    const r = await this.client(serviceUrl, about, (c) =>
      c.conversations.createConversation(params as ConversationParameters),
    );
    return { id: r.id ?? '', activityId: r.activityId };
  }

  async send(serviceUrl: string, conversationId: string, activity: Partial<Activity>): Promise<PostedRef> {
    const r = await this.client(serviceUrl, conversationId, (c) =>
      c.conversations.sendToConversation(conversationId, { type: 'message', ...activity } as Activity),
    );
    return { conversationId, activityId: r.id ?? '', serviceUrl };
  }

  async update(ref: PostedRef, activity: Partial<Activity>): Promise<void> {
    await this.client(ref.serviceUrl, ref.conversationId, (c) =>
      c.conversations.updateActivity(ref.conversationId, ref.activityId, {
        type: 'message',
        id: ref.activityId,
        ...activity,
      } as Activity),
    );
  }

  /**
   * The Authorization header the bot sends to a serviceUrl (its Bot Framework token), for
   * downloading attachments there; undefined without credentials (auth off, local use).
   */
  async authorization(serviceUrl: string): Promise<string | undefined> {
    return this.client(serviceUrl, 'attachments', async (c) => {
      const credentials = (c as unknown as { credentials?: { signRequest?(r: unknown): Promise<unknown> } })
        .credentials;
      let header: string | undefined;
      const resource = {
        headers: {
          set: (name: string, value: string) => {
            if (name.toLowerCase() === 'authorization') header = value;
          },
          get: () => undefined,
        },
      };
      await credentials?.signRequest?.(resource);
      return header;
    });
  }

  async delete(ref: PostedRef): Promise<void> {
    await this.client(ref.serviceUrl, ref.conversationId, (c) =>
      c.conversations.deleteActivity(ref.conversationId, ref.activityId),
    );
  }
}
