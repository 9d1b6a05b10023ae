import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { webApi } from '@slack/bolt';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_SCOPES } from '../../adapters/slack/installs/scopes.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { haveSpecs, readSpec, repoRoot } from '../support/specs.js';

const RAW = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas';
const manifestPath = resolve(repoRoot, 'manifests/slack.yaml');
const loadManifest = (): Record<string, any> => parse(readFileSync(manifestPath, 'utf8')) as Record<string, any>;

/** The dispatcher schema is draft-07 (Ajv's default class); its $refs are mapped to the local copies. */
function compileManifestSchema(): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:\S*$/i);
  ajv.addSchema(readSpec('slack-manifest.schema.1.0.0.json') as object, `${RAW}/manifest.schema.1.0.0.json`);
  ajv.addSchema(readSpec('slack-manifest.schema.2.0.0.json') as object, `${RAW}/manifest.schema.2.0.0.json`);
  return ajv.compile(readSpec('slack-manifest.schema.json') as object);
}

describe.skipIf(!haveSpecs)('Slack manifest (validated against shared/specs/slack-manifest.schema.json)', () => {
  const validate = haveSpecs ? compileManifestSchema() : (undefined as unknown as ValidateFunction);

  it("uses draft-07, the schema of Ajv's default class", () => {
    expect(readSpec<{ $schema: string }>('slack-manifest.schema.json').$schema).toContain('draft-07');
  });

  it('manifests/slack.yaml is valid', () => {
    const ok = validate(loadManifest());
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the validator rejects broken manifests (so the test above can fail)', () => {
    const m = loadManifest();
    delete m.display_information;
    expect(validate(m)).toBe(false);
    const m2 = loadManifest();
    m2.features.slash_commands[0].command = 'chat';
    expect(validate(m2)).toBe(false);
    const m3 = loadManifest();
    m3.settings.interactivity.unknown_field = true;
    expect(validate(m3)).toBe(false);
  });
});

describe('Slack manifest content', () => {
  const m = loadManifest();

  it('declares the bot, App Home, /chat, interactivity and events on one URL', () => {
    const url = 'https://switchboard.example.com/slack/events';
    expect(m.display_information.name).toBe('Switchboard');
    expect(m.features.bot_user.display_name).toBe('Switchboard');
    expect(m.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(m.features.slash_commands).toHaveLength(1);
    expect(m.features.slash_commands[0]).toMatchObject({ command: '/chat', url });
    expect(m.features.slash_commands[0].usage_hint).toContain('invite');
    expect(m.settings.interactivity).toEqual({ is_enabled: true, request_url: url, message_menu_options_url: url });
    expect(m.settings.event_subscriptions.request_url).toBe(url);
    expect([...m.settings.event_subscriptions.bot_events].sort()).toEqual([
      'app_home_opened',
      'app_uninstalled',
      'message.channels',
      'message.groups',
      'message.im',
      'team_access_granted',
      'team_access_revoked',
      'tokens_revoked',
    ]);
    expect(m.settings.socket_mode_enabled).toBe(false);
  });

  it('sends installers back to /slack/oauth_redirect, allows org-wide installs, and asks for the scopes an install asks for', () => {
    expect(m.oauth_config.redirect_urls).toEqual(['https://switchboard.example.com/slack/oauth_redirect']);
    expect(m.settings.org_deploy_enabled).toBe(true);
    expect([...m.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
  });

  it('asks for exactly the bot scopes the bot uses', () => {
    expect([...m.oauth_config.scopes.bot].sort()).toEqual([
      'channels:history',
      'channels:write.invites',
      'chat:write',
      'commands',
      'files:read',
      'files:write',
      'groups:history',
      'groups:write.invites',
      'im:history',
      'im:write',
      'metadata.message:read',
      'users:read',
      'users:read.email',
    ]);
  });

  it.skipIf(!haveSpecs)('covers the bot scopes of the methods the bot calls', () => {
    const index = readSpec<Record<string, { bot_scopes: string[] | null }>>('slack-methods/index.json');
    // Every Web API method the adapter calls (`grep -o 'client\.[a-z]*\.[a-zA-Z]*(' adapters/slack`).
    const used = [
      'chat.postMessage',
      'chat.update',
      'chat.delete',
      'chat.postEphemeral',
      'conversations.open',
      'conversations.invite',
      'conversations.replies',
      'users.info',
      'users.lookupByEmail',
      'views.open',
      'views.publish',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ];
    const scopes = new Set<string>(m.oauth_config.scopes.bot);
    for (const method of used) {
      const need = index[method]?.bot_scopes;
      if (need)
        expect(
          need.some((s) => scopes.has(s)),
          `${method} needs one of ${need.join(', ')}`,
        ).toBe(true);
    }
  });
});

describe.skipIf(!haveSpecs)('fakeSlack', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await FakeSlack.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  const client = (retries = 0) =>
    new webApi.WebClient('xoxb-test', {
      slackApiUrl: fake.url,
      retryConfig: { retries, factor: 1, minTimeout: 10, maxTimeout: 20 },
      logLevel: webApi.LogLevel.ERROR,
    });

  it('records calls with decoded form fields and answers plausibly', async () => {
    fake.reset();
    const web = client();
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hi &amp; bye' } }];
    const a = await web.chat.postMessage({ channel: 'C0ITSUPPORT', text: 'hi', blocks });
    const b = await web.chat.postMessage({ channel: 'C0ITSUPPORT', text: 'reply', thread_ts: a.ts! });
    expect(a.ok).toBe(true);
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    const [first] = fake.calls('chat.postMessage');
    expect(first?.args.blocks).toEqual(blocks);
    expect(first?.token).toBe('xoxb-test');
    await web.chat.update({ channel: 'C0ITSUPPORT', ts: a.ts!, text: 'changed', blocks: [] });
    expect(fake.message('C0ITSUPPORT', a.ts!)?.text).toBe('changed');
    await expect(web.chat.update({ channel: 'C0ITSUPPORT', ts: '1.000000', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });

    const open = await web.conversations.open({ users: 'U0BOB' });
    expect(open.channel?.id).toBe('D0BOB');
    await expect(web.users.lookupByEmail({ email: 'bob@example.com' })).rejects.toMatchObject({
      data: { error: 'users_not_found' },
    });
    fake.addUser({ id: 'U0BOB', email: 'bob@example.com', name: 'bob' });
    expect((await web.users.lookupByEmail({ email: 'BOB@example.com' })).user?.id).toBe('U0BOB');
    expect((await web.auth.test()).user_id).toBeTruthy();
    await web.views.publish({ user_id: 'U0BOB', view: { type: 'home', blocks: [] } });
    expect(fake.homes.get('U0BOB')).toMatchObject({ type: 'home' });
    expect(fake.violations).toEqual([]);
  });

  it('parses JSON bodies too', async () => {
    fake.reset();
    const res = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-json' },
      body: JSON.stringify({ channel: 'C1', blocks: [{ type: 'divider' }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C1' });
    expect(fake.calls()[0]).toMatchObject({
      method: 'chat.postMessage',
      token: 'xoxb-json',
      args: { channel: 'C1', blocks: [{ type: 'divider' }] },
    });
    expect(fake.violations).toEqual([]);
  });

  it('records a violation when a required argument is missing or the method is unknown', async () => {
    fake.reset();
    const web = client();
    await web.apiCall('chat.update', { channel: 'C1', text: 'no ts' }).catch(() => undefined);
    await web.apiCall('conversations.invite', { channel: 'C1' }).catch(() => undefined);
    await web.apiCall('chat.postMessage', { channel: 'C1' }).catch(() => undefined);
    await web.apiCall('chat.frobnicate', {}).catch(() => undefined);
    expect(fake.violations).toEqual([
      'chat.update: missing required argument "ts"',
      'conversations.invite: missing required argument "users"',
      'chat.postMessage: one of text, blocks or attachments is required',
      'chat.frobnicate: unknown method (not in slack-methods/index.json)',
    ]);
  });

  it('injects a 429 with Retry-After, which the Slack client honours and retries', async () => {
    fake.reset();
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const web = client(2);
    const started = Date.now();
    const res = await web.chat.postMessage({ channel: 'C1', text: 'after the limit' });
    expect(res.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.calls('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.violations).toEqual([]);
  });

  it('injects 500s and Slack errors, and waitFor finds calls or times out', async () => {
    fake.reset();
    const web = client();
    fake.failNext('chat.postMessage', { status: 500 });
    await expect(web.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
    });
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    await expect(web.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    const later = web.chat.postMessage({ channel: 'C2', text: 'found me' });
    const hit = await fake.waitFor((c) => c.args.channel === 'C2', 2000);
    expect(hit.args.text).toBe('found me');
    await later;
    await expect(fake.waitFor((c) => c.method === 'views.open', 50)).rejects.toThrow(/no matching call/);
  });
});
