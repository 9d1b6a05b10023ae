import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '../../adapters/redis/connection.js';
import { RedisKeyValue } from '../../adapters/redis/keyValue.js';
import { Sealer } from '../../adapters/slack/installs/seal.js';
import { InstallationRecords, type StoredInstallation } from '../../adapters/slack/installs/store.js';
import { InstalledWorkspaces } from '../../adapters/slack/workspaces.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { cleanup, uniquePrefix } from '../support/harness.js';
import { testRedis } from '../support/redis.js';

const KEY = 'installation-key-for-tests-0123456789abcdef';
const CLIENT = { clientId: '1111.2222', clientSecret: 'client-secret' };

let fake: FakeSlack;
const conns: RedisClient[] = [];
const prefix = uniquePrefix();
beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await Promise.all(conns.map((c) => c.quit()));
  await cleanup(prefix);
  await fake.close();
});

/** One Switchboard instance's view of the installations: its own Redis connection, its own caches. */
async function instance(now = Date.now) {
  const redis = await testRedis();
  conns.push(redis);
  const kv = new RedisKeyValue(redis, prefix);
  const store = new InstallationRecords(kv, new Sealer(KEY));
  const ws = new InstalledWorkspaces({
    store,
    kv,
    ...CLIENT,
    clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    rotation: true,
    log: pino({ level: 'silent' }),
    now,
  });
  return { store, ws };
}

/** An installation whose rotating token expires within the hour, as oauth.v2.access gave it. */
async function installRotating(store: InstallationRecords, team: string, token: string): Promise<StoredInstallation> {
  fake.grant(`code-${team}`, { team, token, expiresIn: 3600 });
  const r = await new WebClient(undefined, { slackApiUrl: fake.url }).oauth.v2.access({
    code: `code-${team}`,
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
  });
  const installation = {
    team: { id: team },
    enterprise: undefined,
    isEnterpriseInstall: false,
    user: { id: 'U0INSTALLER', token: undefined, scopes: undefined },
    bot: {
      token: r.access_token!,
      refreshToken: r.refresh_token!,
      expiresAt: Math.floor(Date.now() / 1000) + r.expires_in!,
      scopes: ['chat:write'],
      id: 'B0',
      userId: 'U0BOT',
    },
  } as StoredInstallation;
  await store.storeInstallation(installation);
  return installation;
}

const refreshes = () => fake.calls('oauth.v2.access').filter((c) => c.args.grant_type === 'refresh_token');

describe('Slack token rotation', () => {
  it('refreshes a token inside its last two hours exactly once when two instances need it at the same moment', async () => {
    const [one, two] = [await instance(), await instance()];
    const before = await installRotating(one.store, 'T0ROT', 'xoxb-rot');
    // Both instances (several calls each, as events and workers would) at once.
    const got = await Promise.all([
      one.ws.forTeam('T0ROT'),
      two.ws.forTeam('T0ROT'),
      one.ws.forTeam('T0ROT'),
      two.ws.forTeam('T0ROT'),
    ]);
    expect(refreshes()).toHaveLength(1);
    expect(refreshes()[0]!.args.refresh_token).toBe(before.bot!.refreshToken);
    expect(fake.calls('oauth.v2.access').filter((c) => c.error === 'invalid_grant')).toEqual([]);
    const fresh = got[0]!.token;
    expect(fresh).not.toBe('xoxb-rot');
    expect(got.map((g) => g?.token)).toEqual([fresh, fresh, fresh, fresh]);
    // Stored for every instance, good for twelve more hours; the next call refreshes nothing.
    const stored = await two.store.get('T0ROT');
    expect(stored?.bot?.token).toBe(fresh);
    expect(stored!.bot!.expiresAt! * 1000 - Date.now()).toBeGreaterThan(2 * 3_600_000);
    expect(stored!.bot!.refreshToken).not.toBe(before.bot!.refreshToken);
    await one.ws.forTeam('T0ROT');
    expect(refreshes()).toHaveLength(1);
  });

  it('leaves a token with more than two hours to live alone, and refreshes once the clock reaches its last two', async () => {
    let now = Date.now();
    const { store, ws } = await instance(() => now);
    fake.reset();
    await installRotating(store, 'T0LATER', 'xoxb-later');
    // The fake's token lives an hour: three hours earlier it had four left.
    now -= 3 * 3_600_000;
    expect((await ws.forTeam('T0LATER'))?.token).toBe('xoxb-later');
    expect(refreshes()).toHaveLength(0);
    now += 3 * 3_600_000;
    expect((await ws.forTeam('T0LATER'))?.token).not.toBe('xoxb-later');
    expect(refreshes()).toHaveLength(1);
  });

  it('seals what it stores: another key cannot open it, and a value moved to another installation fails', async () => {
    const { store } = await instance();
    await installRotating(store, 'T0SEAL', 'xoxb-seal');
    const redis = conns[0]!;
    const sealed = (await redis.get(`${prefix}:slack:installation:T0SEAL`))!;
    expect(sealed).not.toContain('xoxb-seal');
    expect(() => new Sealer('another-installation-key-0123456789abcdef').open(sealed, 'T0SEAL')).toThrow();
    expect(() => new Sealer(KEY).open(sealed, 'T0OTHER')).toThrow();
    expect(JSON.parse(new Sealer(KEY).open(sealed, 'T0SEAL')).team.id).toBe('T0SEAL');
  });
});
