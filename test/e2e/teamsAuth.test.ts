import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TeamsReferences } from '../../adapters/teams/references.js';
import { startTeamsWorld, TENANT, type TeamsWorld, USERS } from '../support/teamsWorld.js';

/**
 * Bot Framework authentication for real: botbuilder fetches the OpenID metadata and signing
 * keys from Microsoft's endpoints, which nock serves here with a test RSA key. Tokens signed
 * with it, right or wrong in one respect each, are posted to /api/messages.
 */
const APP_ID = '00000000-0000-0000-0000-0000000000aa';
const KID = 'switchboard-test-key';
/** What botbuilder's channel validation expects of a Bot Connector token. */
const CHANNEL_ISSUER = 'https://api.botframework.com';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function jwt(claims: Record<string, unknown>, o: { privateKey?: KeyObject; kid?: string; alg?: string } = {}): string {
  const head = `${b64({ alg: o.alg ?? 'RS256', typ: 'JWT', kid: o.kid ?? KID })}.${b64(claims)}`;
  if (o.alg === 'none') return `${head}.`;
  const signature = createSign('RSA-SHA256')
    .update(head)
    .sign(o.privateKey ?? key.privateKey)
    .toString('base64url');
  return `${head}.${signature}`;
}
const now = () => Math.floor(Date.now() / 1000);

/** Microsoft's metadata and keys, served by nock: the Bot Connector's, and Entra's (botbuilder's "emulator" path). */
function serveMicrosoftKeys(): void {
  const jwk = { ...key.publicKey.export({ format: 'jwk' }), kid: KID, use: 'sig' };
  nock('https://login.botframework.com')
    .persist()
    .get('/v1/.well-known/openidconfiguration')
    .reply(200, {
      issuer: CHANNEL_ISSUER,
      jwks_uri: 'https://login.botframework.com/v1/.well-known/keys',
      id_token_signing_alg_values_supported: ['RS256'],
    })
    .get('/v1/.well-known/keys')
    .reply(200, { keys: [{ ...jwk, endorsements: ['msteams'] }] });
  nock('https://login.microsoftonline.com')
    .persist()
    .get('/common/v2.0/.well-known/openid-configuration')
    .reply(200, {
      issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
      jwks_uri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
    })
    .get('/common/discovery/v2.0/keys')
    .reply(200, { keys: [jwk] });
}

beforeAll(() => {
  serveMicrosoftKeys();
  // Nothing leaves the machine; the service and the fake connector are on 127.0.0.1.
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  // botbuilder prints refused tokens with console.error.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  // Unpatch http, https and fetch for whatever this worker runs next.
  nock.restore();
  vi.restoreAllMocks();
});

let w: TeamsWorld;
afterEach(async () => w?.stop());

/** A line in a channel thread that is no chat's: handled (the sender is learned), answered by nothing. */
function activity(tenant = TENANT) {
  const a = w.teams.threadMessage(USERS.alice, '19:elsewhere@thread.tacv2;messageid=1', 'just talking');
  return {
    ...a,
    conversation: { ...a.conversation, tenantId: tenant },
    channelData: { ...a.channelData, tenant: { id: tenant } },
  };
}
async function post(body: ReturnType<typeof activity>, token?: string) {
  const r = await fetch(`${w.h.url}/api/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const isJson = r.headers.get('content-type')?.includes('json');
  return { status: r.status, body: isJson ? ((await r.json()) as { error?: { code: string } }) : undefined };
}
const learned = async () => new TeamsReferences(w.h.service.ctx.store.links).user(USERS.alice.aadObjectId);

/** A Bot Connector token for this activity, as Teams' channel sends it. */
const channelToken = (serviceUrl: string, claims: Record<string, unknown> = {}, o: Parameters<typeof jwt>[1] = {}) =>
  jwt(
    {
      iss: CHANNEL_ISSUER,
      aud: APP_ID,
      serviceurl: serviceUrl,
      nbf: now() - 10,
      iat: now() - 10,
      exp: now() + 3600,
      ...claims,
    },
    o,
  );
/** An Entra ID v2 token issued to the app itself in a tenant (botbuilder's emulator and skill path). */
const entraToken = (tenant: string, claims: Record<string, unknown> = {}) =>
  jwt({
    iss: `https://login.microsoftonline.com/${tenant}/v2.0`,
    tid: tenant,
    ver: '2.0',
    azp: APP_ID,
    aud: APP_ID,
    nbf: now() - 10,
    iat: now() - 10,
    exp: now() + 3600,
    ...claims,
  });

describe('Bot Framework authentication (MicrosoftAppId set)', () => {
  it('accepts a token signed with the published key for this app, and refuses each bad one with 401 and no effect', async () => {
    w = await startTeamsWorld({ env: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-secret' } });
    const a = activity();
    const refused: Array<[string, string | undefined]> = [
      ['no token', undefined],
      ['not a JWT', 'garbage'],
      ['wrong audience', channelToken(a.serviceUrl, { aud: '00000000-0000-0000-0000-0000000000bb' })],
      ['no audience', channelToken(a.serviceUrl, { aud: undefined })],
      ['wrong issuer', channelToken(a.serviceUrl, { iss: 'https://api.botframework.example' })],
      ['signed by another key', channelToken(a.serviceUrl, {}, { privateKey: otherKey.privateKey })],
      ['an unknown key id', channelToken(a.serviceUrl, {}, { kid: 'someone-elses' })],
      ['unsigned (alg none)', channelToken(a.serviceUrl, {}, { alg: 'none' })],
      ['expired an hour ago', channelToken(a.serviceUrl, { exp: now() - 3600, nbf: now() - 7200, iat: now() - 7200 })],
      ['not valid for an hour yet', channelToken(a.serviceUrl, { nbf: now() + 3600 })],
      ['issued for another serviceUrl', channelToken('https://smba.trafficmanager.net/evil/')],
      ['an Entra token issued to another app', entraToken(TENANT, { azp: '00000000-0000-0000-0000-0000000000bb' })],
    ];
    for (const [name, token] of refused) {
      const r = await post(a, token);
      expect(r.status, name).toBe(401);
      expect(r.body?.error?.code, name).toBe('unauthorized');
    }
    expect(await learned()).toBeUndefined();
    expect(w.fake.calls()).toHaveLength(0);

    const ok = await post(a, channelToken(a.serviceUrl));
    expect(ok.status).toBe(200);
    expect(await learned()).toMatchObject({ userId: USERS.alice.id });
  });

  it('a SingleTenant app refuses a token or an activity of another tenant', async () => {
    w = await startTeamsWorld({
      env: {
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'not-a-secret',
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: TENANT,
      },
    });
    const home = activity();
    const away = activity('tenant-2');
    // Authenticated, but from a tenant not served here: 403 (README "Install into several workspaces").
    const refused = await post(away, channelToken(away.serviceUrl));
    expect(refused.status).toBe(403);
    expect(refused.body?.error?.code).toBe('tenant_not_allowed');
    expect((await post(home, entraToken('tenant-2'))).status).toBe(403);
    expect(await learned()).toBeUndefined();
    expect((await post(home, entraToken(TENANT))).status).toBe(200);
    expect((await post(home, channelToken(home.serviceUrl))).status).toBe(200);
    expect(await learned()).toMatchObject({ userId: USERS.alice.id });
  });

  it("a MultiTenant app takes either tenant (botbuilder's rule, for contrast)", async () => {
    w = await startTeamsWorld({ env: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-secret' } });
    const away = activity('tenant-2');
    expect((await post(away, channelToken(away.serviceUrl))).status).toBe(200);
    expect((await post(away, entraToken('tenant-2'))).status).toBe(200);
  });
});
