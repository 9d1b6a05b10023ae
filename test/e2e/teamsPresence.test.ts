import nock from 'nock';
import { type Logger, pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { teamsModule } from '../../adapters/teams/index.js';
import { TeamsPresence } from '../../adapters/teams/presence.js';
import { teamsOfAgent } from '../../adapters/teams/settings.js';
import { availabilities } from '../../src/app/availability.js';
import type { AppContext } from '../../src/app/context.js';
import { inviteCandidates } from '../../src/app/invites.js';
import { PresencePoller } from '../../src/app/presence.js';
import { DEFAULT_ONLINE } from '../../src/domain/availability.js';
import { loadEnv, parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { type Harness, json, startHarness, waitFor } from '../support/harness.js';
import { startTeamsWorld, TENANT, type TeamsWorld } from '../support/teamsWorld.js';

/**
 * Availability from Teams presence (README "Availability"): Microsoft Graph's token endpoint
 * and getPresencesByUserId served by nock, the rest of Teams by the fake connector, on a clock
 * the test moves.
 */
const GRAPH = 'https://graph.test';
const LOGIN = 'https://login.test';
const SECRET = 'app-secret-never-logged';

/** What the fake Graph says of each AAD id (absent: Available), and what it was asked. */
let presence: Map<string, string>;
let asked: string[][];
let tokens: number;
let auth: string[];
beforeEach(() => {
  presence = new Map();
  asked = [];
  tokens = 0;
  auth = [];
});
afterEach(() => {
  nock.cleanAll();
});

function serveGraph(o: { token?: () => [number, unknown]; presences?: () => [number, unknown] | undefined } = {}) {
  nock(LOGIN)
    .persist()
    .post(`/${TENANT}/oauth2/v2.0/token`)
    .reply((_uri, body) => {
      tokens++;
      const form = new URLSearchParams(String(body));
      expect([form.get('grant_type'), form.get('client_id'), form.get('client_secret'), form.get('scope')]).toEqual([
        'client_credentials',
        'app-id',
        SECRET,
        'https://graph.microsoft.com/.default',
      ]);
      return o.token?.() ?? [200, { token_type: 'Bearer', expires_in: 3599, access_token: 'graph-token' }];
    });
  nock(GRAPH)
    .persist()
    .post('/v1.0/communications/getPresencesByUserId')
    .reply(function (_uri, body) {
      auth.push(String(this.req.headers.authorization));
      const ids = (body as { ids: string[] }).ids;
      asked.push(ids);
      return (
        o.presences?.() ?? [
          200,
          { value: ids.map((id) => ({ id, availability: presence.get(id) ?? 'Available', activity: 'Available' })) },
        ]
      );
    });
}

const poller = (ctx: AppContext, o: { clock?: () => number; log?: Logger } = {}) =>
  new PresencePoller(
    { ...ctx, now: o.clock ?? ctx.now, log: o.log ?? ctx.log },
    new TeamsPresence(
      {
        appId: 'app-id',
        appPassword: SECRET,
        tenantId: TENANT,
        graphUrl: `${GRAPH}/v1.0/`,
        authorityUrl: `${LOGIN}/`,
        online: DEFAULT_ONLINE,
        perMinute: 600,
      },
      async (a) => teamsOfAgent(a)?.aadObjectId,
      (a) => teamsOfAgent(a) !== undefined,
    ),
    'test-poller',
  );

/** Log lines, as objects. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino(
    { level: 'info' },
    { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  );
  return { log, lines };
}

let stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.reverse()) await s();
  stops = [];
});

const autoDirectory = (serviceUrl: string) =>
  parseDirectory(
    `
queues:
  - id: it-support
    name: IT Support
    routing: auto
    teams: { channelId: "19:itsupport@thread.tacv2", serviceUrl: "${serviceUrl}", tenantId: ${TENANT} }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support], maxChats: 1, teams: { aadObjectId: aad-alice } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support], maxChats: 1, teams: { aadObjectId: aad-bob } }
`,
    'teams-presence.yaml',
    DIRECTORY_SECTIONS,
  );

async function world(): Promise<{ w: TeamsWorld; skew: { ms: number } }> {
  const w = await startTeamsWorld({
    env: { AVAILABILITY_MODE: 'presence', PRESENCE_GRACE_SECONDS: '120' },
    directory: autoDirectory,
  });
  stops.push(() => w.stop());
  return { w, skew: { ms: 0 } };
}

const ownerOf = async (h: Harness, id: string) => (await h.service.ctx.store.sessions.get(id))?.ownerId;
const newChat = async (h: Harness, name: string) => {
  const r = await json(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name }, text: 'hello' },
  });
  expect(r.status).toBe(201);
  return r.body.session.id as string;
};
const teamsRecord = async (ctx: AppContext, id: string) =>
  (await ctx.store.presence.read()).presence.get(id)?.find((r) => r.platform === 'teams');

describe('availability from Teams presence (Microsoft Graph)', () => {
  it('offline in Teams: out of the picker, chats go to a colleague; back: the oldest waiting chat comes to you', async () => {
    serveGraph();
    const { w, skew } = await world();
    const ctx = w.h.service.ctx;
    const p = poller(ctx, { clock: () => Date.now() + skew.ms });
    stops.push(() => p.stop());
    p.start();
    await waitFor(async () => (await teamsRecord(ctx, 'alice'))?.online, 5000, 'Alice seen online');
    expect((await availabilities(ctx)).of('alice')).toEqual({ state: 'available', source: 'teams' });
    // One batch for both, one token for every call.
    expect(asked[0]!.sort()).toEqual(['aad-alice', 'aad-bob']);

    presence.set('aad-alice', 'Offline');
    await waitFor(async () => (await teamsRecord(ctx, 'alice'))?.online === false, 5000, 'Alice seen offline');
    expect((await availabilities(ctx)).of('alice').state).toBe('available');
    skew.ms += 121_000;
    await waitFor(async () => (await availabilities(ctx)).of('alice').state === 'away', 5000, 'Alice Away (Teams)');

    const first = await newChat(w.h, 'Una');
    await waitFor(async () => (await ownerOf(w.h, first)) === 'bob', 5000, 'routed to Bob');
    const alice = (await inviteCandidates(ctx, first, 'bob', 'ali')).find((c) => c.agent.id === 'alice')!;
    expect(alice.reason).toBe('Alice is Away (Teams).');
    const second = await newChat(w.h, 'Vic');
    const third = await newChat(w.h, 'Wes');
    await new Promise((r) => setTimeout(r, 300));
    expect([await ownerOf(w.h, second), await ownerOf(w.h, third)]).toEqual([undefined, undefined]);

    // Busy is online (the documented default): the oldest waiting chat goes to her at once.
    presence.set('aad-alice', 'Busy');
    await waitFor(async () => (await ownerOf(w.h, second)) === 'alice', 4000, 'the oldest waiting chat to Alice');
    expect(await ownerOf(w.h, third)).toBeUndefined();
    expect(tokens).toBe(1);
    expect(new Set(auth)).toEqual(new Set(['Bearer graph-token']));
  });

  it('without consent the agents stay manual and the log says why (never the secret); a 429 marks nobody Away', async () => {
    let refuse = true;
    serveGraph({
      token: () =>
        refuse
          ? [
              400,
              {
                error: 'invalid_client',
                error_description:
                  "AADSTS65001: The user or administrator has not consented to use the application with ID 'app-id'.\r\nTrace ID: x",
                error_codes: [65001],
              },
            ]
          : [200, { token_type: 'Bearer', expires_in: 3599, access_token: 'graph-token' }],
    });
    const { w } = await world();
    const ctx = w.h.service.ctx;
    // Alice was Away by Teams presence before the consent went.
    await ctx.store.presence.write(
      'teams',
      new Map([
        [
          'alice',
          { platform: 'teams', online: false, offlineSince: 0, seenAt: ctx.now(), validUntil: ctx.now() + 600_000 },
        ],
      ]),
    );
    expect((await availabilities(ctx)).of('alice')).toEqual({ state: 'away', source: 'teams' });
    const { log, lines } = capture();
    const p = poller(ctx, { log });
    stops.push(() => p.stop());
    p.start();
    const said = await waitFor(
      () => lines.find((l) => /presence cannot be read/.test(String(l.msg))),
      5000,
      'the log line',
    );
    expect(String(said.reason)).toMatch(/AADSTS65001/);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
    await waitFor(async () => (await availabilities(ctx)).of('alice').source === 'manual', 5000, 'Alice manual');
    expect((await availabilities(ctx)).of('alice')).toEqual({ state: 'available', source: 'manual' });
    expect(asked).toHaveLength(0);

    // Graph itself refusing (consent without Presence.Read.All) is the same.
    refuse = false;
    nock.cleanAll();
    serveGraph({
      presences: () => [
        403,
        {
          error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
        },
      ],
    });
    const { log: log2, lines: lines2 } = capture();
    const p2 = poller(ctx, { log: log2 });
    stops.push(() => p2.stop());
    p2.start();
    const said2 = await waitFor(
      () => lines2.find((l) => /presence cannot be read/.test(String(l.msg))),
      5000,
      'the log line',
    );
    expect(String(said2.reason)).toMatch(/Authorization_RequestDenied.*Presence\.Read\.All/);
    await p.stop();
    await p2.stop();

    // 429: nothing observed, nobody Away, and the next call waits for Retry-After.
    nock.cleanAll();
    asked = [];
    let limited = 0;
    serveGraph({
      presences: () =>
        limited++ === 0
          ? ([429, { error: { code: 'TooManyRequests' } }, { 'Retry-After': '2' }] as unknown as [number, unknown])
          : undefined,
    });
    await ctx.store.presence.write(
      'teams',
      new Map([
        [
          'alice',
          {
            platform: 'teams',
            online: false,
            offlineSince: ctx.now(),
            seenAt: ctx.now(),
            validUntil: ctx.now() + 600_000,
          },
        ],
      ]),
    );
    const p3 = poller(ctx, { clock: () => Date.now() + 200_000 });
    stops.push(() => p3.stop());
    p3.start();
    await waitFor(() => limited >= 1, 5000, 'a 429');
    expect((await availabilities(ctx)).of('alice').state).toBe('available');
    const at = Date.now();
    await waitFor(() => asked.length >= 2, 5000, 'asked again');
    expect(Date.now() - at).toBeGreaterThanOrEqual(1_800);
  });

  it('the Teams module offers presence with the app credentials and a tenant, and says at start-up why not without them', async () => {
    const h = await startHarness({
      env: { AVAILABILITY_MODE: 'presence' },
      directory: autoDirectory('https://smba.example/'),
    });
    stops.push(() => h.stop());
    const env = (extra: Record<string, string>) =>
      loadEnv({ TEAMS_ENABLED: 'true', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT, ...extra });
    const withCreds = await teamsModule(env({ MicrosoftAppId: 'app-id', MicrosoftAppPassword: SECRET }))(h.service.ctx);
    expect(withCreds.presence?.platform).toBe('teams');
    const { log, lines } = capture();
    const without = await teamsModule(env({ MicrosoftAppId: '', MicrosoftAppPassword: '' }), log)(h.service.ctx);
    expect(without.presence).toBeUndefined();
    expect(lines.find((l) => /Teams presence is off/.test(String(l.msg)))?.reason).toMatch(
      /MicrosoftAppId and MicrosoftAppPassword/,
    );
  });

  it('asks Graph for at most 650 agents a call', async () => {
    serveGraph();
    const agents = Array.from(
      { length: 700 },
      (_, i) =>
        `  - { id: a${i}, firstName: A, lastName: N${i}, email: a${i}@example.com, permissions: [ESChat_Agent], queues: [q], teams: { aadObjectId: aad-${i} } }`,
    ).join('\n');
    const h = await startHarness({
      env: { AVAILABILITY_MODE: 'presence' },
      directory: parseDirectory(
        `queues:\n  - { id: q, name: Q }\nagents:\n${agents}\n`,
        'many.yaml',
        DIRECTORY_SECTIONS,
      ),
    });
    stops.push(() => h.stop());
    const p = poller(h.service.ctx);
    stops.push(() => p.stop());
    p.start();
    await waitFor(() => asked.length >= 2, 5000, 'two calls');
    expect(asked.slice(0, 2).map((ids) => ids.length)).toEqual([650, 50]);
    await waitFor(async () => (await h.service.ctx.store.presence.read()).presence.size === 700, 5000, 'everyone seen');
  });
});
