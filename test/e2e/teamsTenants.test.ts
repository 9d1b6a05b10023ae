import { afterEach, describe, expect, it } from 'vitest';
import { TeamsReferences } from '../../adapters/teams/references.js';
import { parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { FakeConnector } from '../support/fakeConnector.js';
import { json } from '../support/harness.js';
import { CHANNEL, startTeamsWorld, type TeamsWorld, USERS } from '../support/teamsWorld.js';

/**
 * Several Microsoft 365 organisations on one bot: TEAMS_ALLOWED_TENANTS. Each tenant's Teams is
 * behind its own serviceUrl (a fake connector each); activities go to the real CloudAdapter.
 */
const HR_CHANNEL = '19:hr@thread.tacv2';
let w: TeamsWorld | undefined;
let other: FakeConnector | undefined;
afterEach(async () => {
  await w?.stop();
  await other?.close();
  w = undefined;
  other = undefined;
});

const directory = (one: string, two: string) =>
  parseDirectory(
    `
queues:
  - { id: it-support, name: IT Support, teams: { channelId: "${CHANNEL}", serviceUrl: "${one}", tenantId: tenant-1 } }
  - { id: hr, name: HR, teams: { channelId: "${HR_CHANNEL}", serviceUrl: "${two}", tenantId: tenant-2 } }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support], teams: { aadObjectId: aad-alice } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [hr, it-support], teams: { aadObjectId: aad-bob } }
`,
    'tenants.yaml',
    DIRECTORY_SECTIONS,
  );

/** An activity as a tenant's Teams sends it: its tenant, and its own serviceUrl. */
const inTenant = <T extends { conversation: object; channelData: object }>(
  a: T,
  tenant: string,
  serviceUrl: string,
) => ({
  ...a,
  serviceUrl,
  conversation: { ...a.conversation, tenantId: tenant },
  channelData: { ...a.channelData, tenant: { id: tenant } },
});

describe('Teams for several tenants', () => {
  it('serves the allowed tenants, each at its own serviceUrl with its tenant kept, and refuses any other with 403, changing nothing', async () => {
    other = await FakeConnector.start();
    const two = other;
    w = await startTeamsWorld({
      env: { TEAMS_ALLOWED_TENANTS: 'tenant-1, tenant-2' },
      directory: (one) => directory(one, two.url),
    });
    const { fake: one, h, teams } = w;
    const refs = new TeamsReferences(h.service.ctx.store.links);

    // A chat in each tenant's queue: each thread is made at that tenant's serviceUrl, naming the tenant.
    const c1 = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' }, text: 'one' },
    });
    const c2 = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'hr', user: { name: 'Yan' }, text: 'two' },
    });
    expect([c1.status, c2.status]).toEqual([201, 201]);
    const t1 = await one.waitFor((c) => c.op === 'createConversation' && c.body?.channelData?.channel?.id === CHANNEL);
    const t2 = await two.waitFor(
      (c) => c.op === 'createConversation' && c.body?.channelData?.channel?.id === HR_CHANNEL,
    );
    expect(t1.body?.channelData?.tenant?.id).toBe('tenant-1');
    expect(t2.body?.channelData?.tenant?.id).toBe('tenant-2');
    expect(one.calls((c) => c.body?.channelData?.channel?.id === HR_CHANNEL)).toEqual([]);
    expect(two.calls((c) => c.body?.channelData?.channel?.id === CHANNEL)).toEqual([]);

    // Bob (tenant 2) adds the bot: his reference keeps his tenant and serviceUrl.
    expect(
      (await teams.post(inTenant(teams.install(USERS.bob, 'a:bob-1on1'), 'tenant-2', two.url))).status,
    ).toBeLessThan(300);
    expect(await refs.user(USERS.bob.aadObjectId)).toMatchObject({
      tenantId: 'tenant-2',
      serviceUrl: two.url,
      conversationId: 'a:bob-1on1',
    });

    // Proactive: an invite from tenant 1's chat reaches Bob through tenant 2's serviceUrl.
    const chat1 = c1.body.session.id as string;
    expect(
      (
        await json(`${h.url}/api/v1/sessions/${chat1}/accept`, {
          method: 'POST',
          apiKey: 'test-key',
          body: { agentId: 'alice' },
        })
      ).status,
    ).toBeLessThan(300);
    expect(
      (
        await json(`${h.url}/api/v1/sessions/${chat1}/invites`, {
          method: 'POST',
          apiKey: 'test-key',
          body: { agentId: 'alice', inviteeId: 'bob', mode: 'participant' },
        })
      ).status,
    ).toBe(201);
    await two.waitFor((c) => c.op === 'sendToConversation' && c.path.includes(encodeURIComponent('a:bob-1on1')));
    expect(one.calls((c) => c.path.includes(encodeURIComponent('a:bob-1on1')))).toEqual([]);

    // A third tenant: 403, nothing learned, nothing sent anywhere (once the invite's own updates are out).
    await new Promise((r) => setTimeout(r, 1500));
    const before = [one.calls().length, two.calls().length];
    const zoe = await teams.post(inTenant(teams.install(USERS.zoe, 'a:zoe-1on1'), 'tenant-3', one.url));
    expect(zoe.status).toBe(403);
    expect(zoe.body.error.code).toBe('tenant_not_allowed');
    const msg = await teams.post(
      inTenant(teams.threadMessage(USERS.alice, `${CHANNEL};messageid=1`, 'hello'), 'tenant-3', one.url),
    );
    expect(msg.status).toBe(403);
    await new Promise((r) => setTimeout(r, 300));
    expect(await refs.user(USERS.zoe.aadObjectId)).toBeUndefined();
    expect([one.calls().length, two.calls().length]).toEqual(before);
  });
});
