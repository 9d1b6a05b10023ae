import { randomBytes } from 'node:crypto';
import type { RecordTarget } from '../../adapters/postgres/index.js';
import { teamsModule } from '../../adapters/teams/index.js';
import { MAX_ACTIONS } from '../../adapters/teams/render/adaptiveCard.js';
import type { PlatformFactory } from '../../src/app/platformKit/module.js';
import { loadEnv, parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { adaptiveCardValidator } from './adaptiveCardSchema.js';
import { type ConnectorCall, FakeConnector } from './fakeConnector.js';
import { type Harness, json, startHarness } from './harness.js';

export const TENANT = 'tenant-1';
export const CHANNEL = '19:itsupport@thread.tacv2';
export const TEAM = '19:team@thread.tacv2';
export const BOT = { id: '28:switchboard', name: 'Switchboard' };
export const CARD = 'application/vnd.microsoft.card.adaptive';

/** The Teams users of the test directory. */
export const USERS = {
  alice: { id: '29:alice', name: 'Alice Ng', aadObjectId: 'aad-alice' },
  bob: { id: '29:bob', name: 'Bob Martin', aadObjectId: 'aad-bob' },
  dan: { id: '29:dan', name: 'Dan Ortiz', aadObjectId: 'aad-dan' },
  carol: { id: '29:carol', name: 'Carol Lefèvre', aadObjectId: 'aad-carol' },
  erin: { id: '29:erin', name: 'Erin Quinn', aadObjectId: 'aad-erin' },
  zoe: { id: '29:zoe', name: 'Zoe Outsider', aadObjectId: 'aad-zoe' },
} as const;
export type User = (typeof USERS)[keyof typeof USERS];

/** A directory whose queue posts into a Teams channel served by the fake connector. */
export const teamsDirectory = (serviceUrl: string, o: { tenant?: boolean } = {}) =>
  parseDirectory(
    `
queues:
  - id: it-support
    name: IT Support
    teams: { channelId: "${CHANNEL}", serviceUrl: "${serviceUrl}"${o.tenant === false ? '' : `, tenantId: ${TENANT}`} }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support], teams: { aadObjectId: aad-alice } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support], teams: { aadObjectId: aad-bob } }
  - { id: dan, firstName: Dan, lastName: Ortiz, email: dan@example.com, permissions: [ESChat_Agent], queues: [it-support], teams: { aadObjectId: aad-dan } }
  - { id: carol, firstName: Carol, lastName: Lefèvre, email: carol@example.com, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [it-support], teams: { aadObjectId: aad-carol } }
  - { id: erin, firstName: Erin, lastName: Quinn, email: erin@example.com, permissions: [ESChat_Agent], queues: [it-support] }
`,
    'teams.yaml',
    DIRECTORY_SECTIONS,
  );

export const TEAMS_ENV = { TEAMS_ENABLED: 'true', MicrosoftAppId: '' };

export interface TeamsWorld {
  fake: FakeConnector;
  h: Harness;
  teams: TeamsActivities;
  stop(): Promise<void>;
}

/** The whole service with the real CloudAdapter (auth off), its connector calls going to a fake. */
export async function startTeamsWorld(
  o: {
    env?: Record<string, string>;
    tenant?: boolean;
    platforms?: PlatformFactory[];
    directory?: (serviceUrl: string) => ReturnType<typeof parseDirectory>;
    record?: RecordTarget;
  } = {},
): Promise<TeamsWorld> {
  const fake = await FakeConnector.start();
  const env = { ...TEAMS_ENV, ...o.env };
  const directory = o.directory ? o.directory(fake.url) : teamsDirectory(fake.url, { tenant: o.tenant ?? true });
  const h = await startHarness({
    env,
    directory,
    platforms: [...(o.platforms ?? []), teamsModule(loadEnv(env))],
    recording: false,
    ...(o.record ? { record: o.record, historyLookupMs: 5_000 } : {}),
  });
  return {
    fake,
    h,
    teams: new TeamsActivities(h.url, fake.url),
    async stop() {
      await h.stop();
      await fake.close();
    },
  };
}

const newId = (): string => `${Date.now()}${randomBytes(3).toString('hex')}`;

/** Builds Bot Framework activities as Teams sends them and posts them to /api/messages. */
export class TeamsActivities {
  /** Every card the bot answered an invoke with. */
  readonly answered: Array<Record<string, unknown>> = [];

  constructor(
    private readonly url: string,
    private readonly serviceUrl: string,
  ) {}

  async post(activity: Record<string, unknown>) {
    const r = await json(`${this.url}/api/messages`, { method: 'POST', body: activity });
    if (r.body?.type === CARD) this.answered.push(r.body.value as Record<string, unknown>);
    return r;
  }

  private base(from: User, conversation: Record<string, unknown>, channelData: Record<string, unknown>) {
    return {
      id: newId(),
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      timestamp: new Date().toISOString(),
      from,
      recipient: BOT,
      conversation: { tenantId: TENANT, ...conversation },
      channelData: { tenant: { id: TENANT }, ...channelData },
    };
  }

  channel(from: User, threadId: string) {
    return this.base(
      from,
      { id: threadId, conversationType: 'channel', isGroup: true },
      { teamsChannelId: CHANNEL, teamsTeamId: TEAM, channel: { id: CHANNEL }, team: { id: TEAM } },
    );
  }
  personal(from: User, conversationId: string) {
    return this.base(from, { id: conversationId, conversationType: 'personal' }, {});
  }

  /** A message in a channel thread; `mention` adds the bot's @mention in front, as Teams does. */
  threadMessage(from: User, threadId: string, text: string, o: { mention?: boolean; id?: string } = {}) {
    const at = `<at>${BOT.name}</at>`;
    return {
      ...this.channel(from, threadId),
      type: 'message',
      textFormat: 'plain',
      ...(o.id ? { id: o.id } : {}),
      text: o.mention ? `${at} ${text}` : text,
      entities: o.mention ? [{ type: 'mention', text: at, mentioned: BOT }] : [],
    };
  }
  personalMessage(from: User, conversationId: string, text: string) {
    return { ...this.personal(from, conversationId), type: 'message', textFormat: 'plain', text };
  }

  /** An Action.Execute click: `adaptiveCard/action` with the button's verb and data. */
  invoke(
    from: User,
    conversation: ReturnType<TeamsActivities['personal']>['conversation'] | string,
    verb: string,
    data: Record<string, unknown>,
    replyToId?: string,
  ) {
    const where =
      typeof conversation === 'string'
        ? conversation.includes(';messageid=')
          ? this.channel(from, conversation)
          : this.personal(from, conversation)
        : this.base(from, conversation, {});
    return {
      ...where,
      type: 'invoke',
      name: 'adaptiveCard/action',
      ...(replyToId ? { replyToId } : {}),
      value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' },
    };
  }

  install(from: User, conversationId: string) {
    return { ...this.personal(from, conversationId), type: 'installationUpdate', action: 'add' };
  }
}

// ---- reading what the bot sent ----

let validator: ReturnType<typeof adaptiveCardValidator> | null = null;

/**
 * Schema errors of every card the bot sent (posts, updates, invoke answers), as
 * `[where, errors]`; empty when all are valid. Undefined when ../shared/specs is absent.
 */
export function cardSchemaErrors(w: TeamsWorld): Array<[string, unknown]> | undefined {
  validator ??= adaptiveCardValidator();
  const validate = validator;
  if (!validate) return undefined;
  const cards: Array<[string, unknown]> = [
    ...w.fake
      .calls()
      .flatMap((c) => cardsIn(c).map((card): [string, unknown] => [`#${c.seq} ${c.method} ${c.path}`, card])),
    ...w.teams.answered.map((card, i): [string, unknown] => [`invoke answer ${i + 1}`, card]),
  ];
  if (cards.length === 0) return [['no cards at all', null]];
  return cards.flatMap(([where, card]): Array<[string, unknown]> => {
    if (!validate(card)) return [[where, validate.errors?.slice(0, 3)]];
    // Hosts show at most five buttons in a row (the official renderer warns TooManyActions past that).
    const crowded = rows(card).filter((n) => n > MAX_ACTIONS);
    return crowded.length > 0 ? [[where, `a row of ${crowded.join(', ')} buttons`]] : [];
  });
}

/** Every node of a card, depth first, without the actions' fallbacks and the card's refresh. */
function nodesOf(card: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(card))
    card.forEach((x) => {
      nodesOf(x, out);
    });
  else if (card && typeof card === 'object') {
    out.push(card as Record<string, unknown>);
    for (const [k, v] of Object.entries(card)) if (k !== 'fallback' && k !== 'refresh') nodesOf(v, out);
  }
  return out;
}

/** How many buttons each row (ActionSet, or a card's actions) of a card holds. */
const rows = (card: unknown): number[] =>
  nodesOf(card).flatMap((o) => (Array.isArray(o.actions) ? [o.actions.length] : []));

/** Every Adaptive Card in a recorded call (posts, updates, and a created conversation's first activity). */
export const cardsIn = (c: ConnectorCall): Array<Record<string, any>> => {
  const body = c.op === 'createConversation' ? c.body?.activity : c.body;
  return ((body?.attachments ?? []) as Array<{ contentType: string; content: Record<string, any> }>)
    .filter((a) => a.contentType === CARD)
    .map((a) => a.content);
};

/** Every Action.Execute verb in a card (fallbacks and refresh excluded). */
export const verbs = (card: unknown): string[] =>
  nodesOf(card)
    .filter((o) => o.type === 'Action.Execute')
    .map((o) => String(o.verb));

/** Every Action.Execute's data with a given verb. */
export const actionData = (card: unknown, verb: string): Array<Record<string, string>> =>
  nodesOf(card)
    .filter((o) => o.type === 'Action.Execute' && o.verb === verb)
    .map((o) => o.data as Record<string, string>);

/** All the text of a card's TextBlocks and facts. */
export function cardText(card: unknown): string {
  const parts: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string') parts.push(o.text);
      if (typeof o.title === 'string' && typeof o.value === 'string' && !o.type) parts.push(`${o.title}: ${o.value}`);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return parts.join('\n');
}
