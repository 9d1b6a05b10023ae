import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorCall } from '../support/fakeConnector.js';
import { json, waitFor } from '../support/harness.js';
import { haveSpecs } from '../support/specs.js';
import {
  CHANNEL,
  cardSchemaErrors,
  cardsIn,
  cardText,
  startTeamsWorld,
  type TeamsWorld,
  USERS,
} from '../support/teamsWorld.js';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('the customer screenshot'),
]);
const FIX = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('the agent screenshot'),
]);
const dir = mkdtempSync(join(tmpdir(), 'sb-teams-files-'));

let w: TeamsWorld;
beforeAll(async () => {
  w = await startTeamsWorld({ env: { FILES_DIR: dir } });
});
afterAll(async () => {
  await w?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const chat = { id: '', token: '', thread: '', root: '' };
const inThread = (c: ConnectorCall) => c.conversationId === chat.thread && c.op === 'sendToConversation';
/** Links are made with PUBLIC_URL; the test's service listens elsewhere. */
const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, w.h.url);
/** The url of every Action.OpenUrl in a card. */
function openUrls(card: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'Action.OpenUrl' && typeof o.url === 'string') out.push(o.url);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}
const userFiles = async () =>
  (
    (await json(`${w.h.url}/api/v1/sessions/${chat.id}/messages`, { token: chat.token })).body.messages as Array<{
      text?: string;
      file?: { name: string; url: string; type?: string };
    }>
  ).filter((m) => m.file);

describe('files on Teams', () => {
  it('a chat starts and Alice accepts it in the channel', async () => {
    const r = await json(`${w.h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Jane' }, text: 'My screen is blank' },
    });
    chat.id = r.body.session.id;
    chat.token = r.body.token;
    const created = await w.fake.waitFor(
      (c) => c.op === 'createConversation' && c.body?.channelData?.channel?.id === CHANNEL,
    );
    chat.root = created.responseId!;
    chat.thread = `${CHANNEL};messageid=${chat.root}`;
    expect(
      (await w.teams.post(w.teams.invoke(USERS.alice, chat.thread, 'accept', { sessionId: chat.id }, chat.root)))
        .status,
    ).toBe(200);
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(chat.id))?.status === 'active',
      5000,
      'accepted',
    );
  });

  it("the end user's file reaches the thread as a card with a signed, expiring link that opens without the end user's token", async () => {
    const form = new FormData();
    form.append('file', new Blob([PNG]), 'blank.png');
    const up = await fetch(`${w.h.url}/api/v1/sessions/${chat.id}/files`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${chat.token}` },
    });
    expect(up.status).toBe(201);
    const posted = await w.fake.waitFor((c) => inThread(c) && /blank\.png/.test(cardText(cardsIn(c)[0])));
    const [url] = openUrls(cardsIn(posted)[0]);
    expect(url).toMatch(new RegExp(`/api/v1/sessions/${chat.id}/files/[A-Za-z0-9_-]{22}\\?exp=(\\d+)&sig=`));
    expect(url).not.toContain(chat.token);
    const exp = Number(new URL(url!).searchParams.get('exp'));
    expect(exp * 1000 - Date.now()).toBeGreaterThan(6 * 86_400_000);
    expect(exp * 1000 - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
    const res = await fetch(local(url!));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
  });

  it('an image Alice pastes in the thread reaches the end user, fetched from the connector', async () => {
    const contentUrl = w.fake.setAttachment('att-fix', FIX, 'image/png');
    await w.teams.post({
      ...w.teams.threadMessage(USERS.alice, chat.thread, ''),
      attachments: [
        { contentType: 'text/html', content: '<p><img src="…" itemid="att-fix"></p>' },
        { contentType: 'image/png', contentUrl, name: 'fix.png' },
      ],
    });
    const msg = await waitFor(
      async () => (await userFiles()).find((m) => m.file?.name === 'fix.png'),
      5000,
      'the image reaches the end user',
    );
    expect(msg.file).toMatchObject({ type: 'image/png' });
    const res = await fetch(`${w.h.url}/api/v1/sessions/${chat.id}/${msg.file!.url}?token=${chat.token}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(FIX);
    expect(w.fake.calls((c) => c.op === 'getAttachment' && c.attachmentId === 'att-fix')).toHaveLength(1);
    // Not echoed back into the thread it came from.
    await new Promise((r) => setTimeout(r, 200));
    expect(w.fake.calls((c) => inThread(c) && /fix\.png/.test(JSON.stringify(c.body)))).toEqual([]);
  });

  it('a file Teams hands over with a download link reaches the end user, with no bot token sent there', async () => {
    let seen: IncomingHttpHeaders = {};
    const files = createServer((req, res) => {
      seen = req.headers;
      res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7 manual');
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    try {
      const downloadUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/personal/alice/manual.pdf?tempauth=xyz`;
      await w.teams.post({
        ...w.teams.threadMessage(USERS.alice, chat.thread, 'the manual'),
        attachments: [
          {
            contentType: 'application/vnd.microsoft.teams.file.download.info',
            contentUrl: 'https://contoso.sharepoint.com/manual.pdf',
            name: 'manual.pdf',
            content: { downloadUrl, uniqueId: 'u-1', fileType: 'pdf' },
          },
        ],
      });
      const msg = await waitFor(
        async () => (await userFiles()).find((m) => m.file?.name === 'manual.pdf'),
        5000,
        'the file reaches the end user',
      );
      expect(msg.text).toBe('the manual');
      const res = await fetch(`${w.h.url}/api/v1/sessions/${chat.id}/${msg.file!.url}?token=${chat.token}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('%PDF-1.7 manual');
      expect(seen.authorization).toBeUndefined();
    } finally {
      files.close();
    }
  });
});

describe.skipIf(!haveSpecs)('files on Teams: cards', () => {
  it('every card sent is Adaptive Card 1.5', () => {
    expect(cardSchemaErrors(w)).toEqual([]);
  });
});
