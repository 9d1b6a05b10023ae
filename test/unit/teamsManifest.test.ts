import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type ConversationReference,
  type TurnContext,
} from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/app/grammar.js';
import { say } from '../../src/app/wording/index.js';
import { FakeConnector } from '../support/fakeConnector.js';
import { repoRoot } from '../support/specs.js';

const dir = resolve(repoRoot, 'manifests/teams');
const manifest = JSON.parse(readFileSync(resolve(dir, 'manifest.json'), 'utf8')) as Record<string, any>;

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  pixels: Buffer;
}

/** Reads the IHDR and, for 8-bit RGBA with filter 0 rows (what make-icons writes), the pixels. */
function readPng(file: string): Png {
  const buf = readFileSync(file);
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(buf.toString('ascii', 12, 16)).toBe('IHDR');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const bitDepth = buf[24]!;
  const colourType = buf[25]!;
  const idat: Buffer[] = [];
  let off = 8;
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    if (type === 'IDAT') idat.push(buf.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  return { width, height, bitDepth, colourType, pixels: inflateSync(Buffer.concat(idat)) };
}

const pixelsOf = (p: Png): number[][] => {
  const out: number[][] = [];
  const stride = 1 + p.width * 4;
  for (let y = 0; y < p.height; y++) {
    expect(p.pixels[y * stride]).toBe(0);
    for (let x = 0; x < p.width; x++) out.push([...p.pixels.subarray(y * stride + 1 + x * 4, y * stride + 5 + x * 4)]);
  }
  return out;
};

describe('Teams app manifest', () => {
  it('uses the v1.22 schema with a matching manifestVersion', () => {
    expect(manifest.$schema).toBe(
      'https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json',
    );
    expect(manifest.manifestVersion).toBe('1.22');
  });

  it('has the required fields', () => {
    for (const k of ['manifestVersion', 'version', 'id', 'developer', 'name', 'description', 'icons', 'accentColor'])
      expect(manifest, k).toHaveProperty(k);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    for (const k of ['name', 'websiteUrl', 'privacyUrl', 'termsOfUseUrl'])
      expect(manifest.developer[k], k).toBeTruthy();
    for (const k of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) expect(manifest.developer[k]).toMatch(/^https:\/\//);
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.name.full.length).toBeLessThanOrEqual(100);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
    expect(manifest.accentColor).toMatch(/^#[0-9A-Fa-f]{6}$/);
    expect(manifest.validDomains.length).toBeGreaterThan(0);
    for (const d of manifest.validDomains) expect(d).not.toMatch(/^https?:|\//);
  });

  it('declares the bot in personal and team scopes with command lists for both', () => {
    expect(manifest.bots).toHaveLength(1);
    const bot = manifest.bots[0];
    expect(bot.botId).toMatch(/^[0-9a-f-]{36}$/i);
    expect(bot.scopes).toEqual(expect.arrayContaining(['personal', 'team']));
    // Agents send files to a chat from their 1:1 with the bot (Teams hands them over with a download link).
    expect(bot.supportsFiles).toBe(true);
    const names = COMMANDS.map((c) => c.kind);
    expect(names).toEqual([
      'invite',
      'transfer',
      'release',
      'leave',
      'assist',
      'promote',
      'available',
      'away',
      'monitor',
      'report',
      'history',
      'canned',
      'help',
    ]);
    // Both lists are at Teams' cap: these are typed only (the help lists them).
    const typedOnly = ['canned'];
    // Teams shows at most 10 commands a scope: each list is commands of the grammar, in its order, and together they name them all.
    const listed = new Set<string>();
    for (const scope of ['personal', 'team']) {
      const list = bot.commandLists.find((l: any) => l.scopes.includes(scope));
      expect(list, scope).toBeDefined();
      const titles = list.commands.map((c: any) => c.title) as string[];
      expect(titles.length).toBeLessThanOrEqual(10);
      expect(titles).toEqual(names.filter((n) => titles.includes(n)));
      titles.forEach((t) => {
        listed.add(t);
      });
      for (const c of list.commands) {
        expect(c.title.length).toBeLessThanOrEqual(32);
        expect(c.description.length).toBeLessThanOrEqual(128);
        // The command menu says what the help says.
        expect(c.description).toBe(say(COMMANDS.find((x) => x.kind === c.title)!.help));
      }
    }
    expect([...listed].sort()).toEqual(names.filter((n) => !typedOnly.includes(n)).sort());
  });

  it('asks for ChannelMessage.Read.Group (resource-specific consent) with webApplicationInfo', () => {
    expect(manifest.webApplicationInfo.id).toBe(manifest.bots[0].botId);
    expect(manifest.webApplicationInfo.resource).toMatch(/^api:\/\//);
    expect(manifest.authorization.permissions.resourceSpecific).toContainEqual({
      name: 'ChannelMessage.Read.Group',
      type: 'Application',
    });
  });

  it('has a 192x192 full-colour icon', () => {
    expect(manifest.icons.color).toBe('color.png');
    const file = resolve(dir, manifest.icons.color);
    expect(existsSync(file)).toBe(true);
    const png = readPng(file);
    expect([png.width, png.height]).toEqual([192, 192]);
    expect(png.bitDepth).toBe(8);
    const px = pixelsOf(png);
    expect(px.every((p) => p[3] === 255)).toBe(true); // opaque
    expect(new Set(px.map((p) => p.join(','))).size).toBeGreaterThan(1);
  });

  it('has a 32x32 outline icon, white on transparent', () => {
    expect(manifest.icons.outline).toBe('outline.png');
    const png = readPng(resolve(dir, manifest.icons.outline));
    expect([png.width, png.height]).toEqual([32, 32]);
    expect(png.colourType).toBe(6); // RGBA
    const px = pixelsOf(png);
    for (const [r, g, b, a] of px) {
      if (a === 0) continue;
      expect([r, g, b]).toEqual([255, 255, 255]);
    }
    expect(px.some((p) => p[3] === 0)).toBe(true);
    expect(px.some((p) => p[3] === 255)).toBe(true);
  });
});

/** The fake connector, driven by botbuilder's own client (auth disabled: no app id). */
describe('fake Bot Framework connector', () => {
  let fake: FakeConnector;
  let adapter: CloudAdapter;
  const threadId = '19:itsupport@thread.tacv2;messageid=1700000000001';

  beforeAll(async () => {
    fake = await FakeConnector.start();
    // No app id: botbuilder skips auth and talks to any serviceUrl.
    adapter = new CloudAdapter(
      new ConfigurationBotFrameworkAuthentication({}, new ConfigurationServiceClientCredentialFactory({})),
    );
  });
  afterAll(async () => fake.close());
  beforeEach(() => fake.reset());

  const ref = (activityId?: string): Partial<ConversationReference> => ({
    channelId: 'msteams',
    serviceUrl: fake.url,
    conversation: { id: threadId, isGroup: true, conversationType: 'channel', name: '' },
    bot: { id: '28:bot', name: 'Switchboard' },
    ...(activityId ? { activityId } : {}),
  });
  const run = (r: Partial<ConversationReference>, logic: (ctx: TurnContext) => Promise<void>) =>
    adapter.continueConversationAsync('', r, logic);

  it('has a serviceUrl with a trailing slash on 127.0.0.1', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('records send, reply, update and delete with decoded ids', async () => {
    let sentId = '';
    let continuationId = '';
    await run(ref(), async (ctx) => {
      continuationId = ctx.activity.id ?? '';
      // Straight through botbuilder's ConnectorClient: sendToConversation.
      const client = ctx.turnState.get<ConnectorClient>(ctx.adapter.ConnectorClientKey);
      sentId =
        (await client.conversations.sendToConversation(threadId, { type: 'message', text: 'hello' } as Activity)).id ??
        '';
      // TurnContext.sendActivity replies to the (continuation) activity: replyToActivity.
      await ctx.sendActivity('a reply');
      await ctx.updateActivity({ id: sentId, type: 'message', text: 'edited' });
      await ctx.deleteActivity(sentId);
    });
    const calls = fake.calls();
    expect(calls.map((c) => [c.op, c.method])).toEqual([
      ['sendToConversation', 'POST'],
      ['replyToActivity', 'POST'],
      ['updateActivity', 'PUT'],
      ['deleteActivity', 'DELETE'],
    ]);
    for (const c of calls) expect(c.conversationId).toBe(threadId);
    expect(calls[0]!.path).toBe(`/v3/conversations/${encodeURIComponent(threadId)}/activities`);
    expect(calls[0]!.body.text).toBe('hello');
    expect(calls[1]!.activityId).toBe(continuationId);
    expect(calls[1]!.body.text).toBe('a reply');
    expect(calls[2]!.activityId).toBe(sentId);
    expect(calls[2]!.body.text).toBe('edited');
    // ids are unique and increasing
    const ids = calls.map((c) => c.responseId).filter((x): x is string => !!x);
    expect(ids).toHaveLength(3);
    expect(Number(ids[1])).toBeGreaterThan(Number(ids[0]));
    expect(fake.activities.get(threadId)?.has(sentId)).toBe(false);
  });

  it('creates a conversation (a channel thread id carries ;messageid=)', async () => {
    const res = await fetch(`${fake.url}v3/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        isGroup: true,
        channelData: { channel: { id: '19:itsupport@thread.tacv2' } },
        activity: { type: 'message', text: 'root' },
      }),
    });
    const body = (await res.json()) as { id: string; activityId: string };
    expect(body.id).toBe(`19:itsupport@thread.tacv2;messageid=${body.activityId}`);
    expect(fake.calls({ op: 'createConversation' })).toHaveLength(1);
  });

  it('answers members from the registry', async () => {
    fake.setMembers('19:itsupport@thread.tacv2', [
      { id: '29:bob', name: 'Bob Li', aadObjectId: 'aad-bob', email: 'bob@example.com' },
    ]);
    const get = async (path: string) => {
      const r = await fetch(`${fake.url}${path}`);
      return [r.status, await r.json()] as const;
    };
    const conv = encodeURIComponent(threadId);
    expect(await get(`v3/conversations/${conv}/members`)).toEqual([200, [expect.objectContaining({ id: '29:bob' })]]);
    expect((await get(`v3/conversations/${conv}/members/${encodeURIComponent('29:bob')}`))[1]).toMatchObject({
      name: 'Bob Li',
    });
    expect((await get(`v3/conversations/${conv}/members/nobody`))[0]).toBe(404);
    expect(fake.calls({ op: 'getMember' }).map((c) => c.memberId)).toEqual(['29:bob', 'nobody']);
  });

  it('injects failures with Retry-After, then recovers', async () => {
    fake.failNext({ status: 429, retryAfter: 7 });
    const conv = encodeURIComponent(threadId);
    const r1 = await fetch(`${fake.url}v3/conversations/${conv}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":"message"}',
    });
    expect(r1.status).toBe(429);
    expect(r1.headers.get('retry-after')).toBe('7');
    const r2 = await fetch(`${fake.url}v3/conversations/${conv}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":"message"}',
    });
    expect(r2.status).toBe(200);
    expect(fake.calls().map((c) => c.status)).toEqual([429, 200]);
  });

  it('a 412 on update reaches botbuilder as an error', async () => {
    fake.failNext({ status: 412, match: (c) => c.op === 'updateActivity' });
    await expect(
      run(ref(), async (ctx) => {
        await ctx.updateActivity({ id: '1', type: 'message', text: 'x' });
      }),
    ).rejects.toThrow();
    expect(fake.calls({ op: 'updateActivity' })[0]?.status).toBe(412);
  });

  it('botbuilder retries a 429 or 5xx by itself; inject `times` to make it give up', async () => {
    fake.failNext({ status: 429, retryAfter: 0 });
    await run(ref(), async (ctx) => {
      await ctx.sendActivity('retried');
    });
    expect(fake.calls().map((c) => c.status)).toEqual([429, 200]);
  });

  it('waitFor resolves on a later call and times out with the call list', async () => {
    const waiting = fake.waitFor((c) => c.op === 'replyToActivity' && c.body?.text === 'later', 2_000);
    setTimeout(
      () =>
        void run(ref(), async (ctx) => {
          await ctx.sendActivity('later');
        }),
      20,
    );
    await expect(waiting).resolves.toMatchObject({ op: 'replyToActivity' });
    await expect(fake.waitFor((c) => c.op === 'deleteActivity', 50)).rejects.toThrow(/no matching call/);
  });
});
