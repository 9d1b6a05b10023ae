import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepFiles } from '../../src/app/files.js';
import type { Block } from '../../src/app/surfaces/surface.js';
import { type Harness, json, startHarness, waitFor } from '../support/harness.js';

const MAX = 4096;
const dir = mkdtempSync(join(tmpdir(), 'sb-files-'));
/** The service's clock: moved forward to expire signed links. */
let skew = 0;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { FILES_DIR: dir, MAX_FILE_BYTES: String(MAX) }, now: () => Date.now() + skew });
});
afterAll(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

export const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('IHDR fake image bytes'),
]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');

async function chat() {
  const r = await json(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' } },
  });
  return { id: r.body.session.id as string, token: r.body.token as string };
}

async function upload(
  c: { id: string; token?: string },
  name: string,
  bytes: Buffer | string,
  o: { field?: string; type?: string } = {},
) {
  const form = new FormData();
  form.append(o.field ?? 'file', new Blob([bytes], { type: o.type ?? 'application/octet-stream' }), name);
  const res = await fetch(`${h.url}/api/v1/sessions/${c.id}/files`, {
    method: 'POST',
    body: form,
    headers: c.token ? { authorization: `Bearer ${c.token}` } : {},
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** What the chat keeps: the files on disk (temporary ones included) and its messages. */
async function kept(id: string) {
  const files = (() => {
    try {
      return readdirSync(join(dir, id));
    } catch {
      return [];
    }
  })();
  const messages = (await h.service.ctx.store.transcript.read(id, undefined, 1000)).filter(
    (e) => e.kind === 'message',
  ).length;
  return { files, messages };
}

/** The file block of the line the agents' platform got for a chat. */
const fileBlock = (id: string) =>
  h.recording
    .of('post')
    .flatMap((c) => c.surface?.blocks ?? [])
    .find((b): b is Extract<Block, { type: 'file' }> => b.type === 'file' && b.local?.sessionId === id);

describe('POST /api/v1/sessions/:id/files', () => {
  it('keeps an image under FILES_DIR, adds it to the chat, and serves it back to the token', async () => {
    const c = await chat();
    const r = await upload(c, 'screen.png', PNG, { type: 'text/html' });
    expect(r.status).toBe(201);
    expect(r.body.file).toMatchObject({
      name: 'screen.png',
      type: 'image/png',
      size: PNG.length,
      url: `files/${r.body.file.id}`,
    });
    expect(r.body.file.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(readFileSync(join(dir, c.id, r.body.file.id))).toEqual(PNG);
    // The end user sees it in the conversation, with its type for a thumbnail.
    const messages = (await json(`${h.url}/api/v1/sessions/${c.id}/messages`, { token: c.token })).body
      .messages as Array<Record<string, any>>;
    expect(messages.find((m) => m.file)).toMatchObject({
      id: r.body.file.messageId,
      author: 'user',
      file: { name: 'screen.png', url: `files/${r.body.file.id}`, type: 'image/png', size: PNG.length },
    });
    const res = await fetch(`${h.url}/api/v1/sessions/${c.id}/${r.body.file.url}?token=${c.token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toContain('attachment; filename="screen.png"');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
    // The agents' line carries the file, with a signed link and what an upload needs.
    const block = await waitFor(() => fileBlock(c.id), 5000, 'the line with the file');
    expect(block.local).toEqual({ sessionId: c.id, fileId: r.body.file.id, size: PNG.length });
    expect(block.url).toMatch(
      new RegExp(`/api/v1/sessions/${c.id}/files/${r.body.file.id}\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`),
    );
  });

  it('takes PDF and plain text by content; a name without an extension gets the right one', async () => {
    const c = await chat();
    expect((await upload(c, 'invoice.pdf', PDF)).body.file).toMatchObject({
      type: 'application/pdf',
      name: 'invoice.pdf',
    });
    expect((await upload(c, 'crash.log', 'line one\nligne deux é\n')).body.file).toMatchObject({
      type: 'text/plain',
      name: 'crash.log',
    });
    expect((await upload(c, 'short', 'ok')).body.file).toMatchObject({ type: 'text/plain', name: 'short.txt' });
    expect((await upload(c, 'C:\\Users\\zed\\shot', PNG)).body.file).toMatchObject({
      type: 'image/png',
      name: 'shot.png',
    });
    // Exactly MAX_FILE_BYTES is allowed; one byte more is not (the refusals below).
    expect((await upload(c, 'exact.txt', 'a'.repeat(MAX))).body.file).toMatchObject({ size: MAX });
    expect((await upload(c, 'over.txt', 'a'.repeat(MAX + 1))).status).toBe(413);
    expect((await kept(c.id)).files).toHaveLength(5);
  });

  it('names a non-ASCII file for every browser', async () => {
    const c = await chat();
    const r = await upload(c, 'Lefèvre 日本.txt', 'bonjour');
    const res = await fetch(`${h.url}/api/v1/sessions/${c.id}/${r.body.file.url}?token=${c.token}`);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Lef_vre __.txt"; filename*=UTF-8''${encodeURIComponent('Lefèvre 日本.txt')}`,
    );
  });
});

describe('a refused file leaves nothing behind', () => {
  const refused: Array<
    [
      string,
      (c: { id: string; token: string }) => Promise<{ status: number; body: Record<string, any> }>,
      number,
      string,
    ]
  > = [
    ['no token', (c) => upload({ id: c.id }, 'a.png', PNG), 401, 'unauthorized'],
    ['too large', (c) => upload(c, 'big.png', Buffer.concat([PNG, Buffer.alloc(MAX)])), 413, 'file_too_large'],
    [
      'far too large: refused on its Content-Length, unread',
      (c) => upload(c, 'huge.png', Buffer.concat([PNG, Buffer.alloc(2_000_000)])),
      413,
      'file_too_large',
    ],
    ['a PDF named .png', (c) => upload(c, 'photo.png', PDF), 415, 'file_type'],
    [
      'HTML named .png',
      (c) => upload(c, 'evil.png', '<html><script>alert(1)</script></html>', { type: 'image/png' }),
      415,
      'file_type',
    ],
    [
      'an executable',
      (c) => upload(c, 'setup.exe', Buffer.concat([Buffer.from('MZ\x90\x00\x03'), Buffer.alloc(200)])),
      415,
      'file_type',
    ],
    [
      'binary in a .txt after a text start',
      (c) => upload(c, 'notes.txt', Buffer.concat([Buffer.from('a'.repeat(300)), Buffer.from([0, 1, 2, 0xff])])),
      415,
      'file_type',
    ],
    [
      'SVG (it can carry script)',
      (c) => upload(c, 'logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      415,
      'file_type',
    ],
    ['an empty file', (c) => upload(c, 'empty.txt', ''), 400, 'file_empty'],
    ['another field', (c) => upload(c, 'a.png', PNG, { field: 'attachment' }), 400, 'file_missing'],
    [
      'JSON instead of multipart',
      async (c) =>
        json(`${h.url}/api/v1/sessions/${c.id}/files`, { method: 'POST', token: c.token, body: { file: 'x' } }),
      400,
      'file_missing',
    ],
  ];

  it.each(refused)('%s', async (_what, send, status, code) => {
    const c = await chat();
    const before = await kept(c.id);
    const r = await send(c);
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message.length).toBeGreaterThan(5);
    expect(await kept(c.id)).toEqual({ files: [], messages: before.messages });
  });

  it("another chat's token is 403", async () => {
    const [a, b] = [await chat(), await chat()];
    const r = await upload({ id: a.id, token: b.token }, 'a.png', PNG);
    expect(r.status).toBe(403);
    expect(await kept(a.id)).toEqual({ files: [], messages: 0 });
  });

  it('an ended chat takes no file', async () => {
    const c = await chat();
    await json(`${h.url}/api/v1/sessions/${c.id}/end`, { method: 'POST', token: c.token });
    const r = await upload(c, 'a.png', PNG);
    expect(r.status).toBe(409);
    expect((await kept(c.id)).files).toEqual([]);
  });

  it('a too-large upload is cut off as it streams: the answer comes before the body ends', async () => {
    const c = await chat();
    const boundary = 'sbboundary';
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${h.url}/api/v1/sessions/${c.id}/files`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${c.token}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'transfer-encoding': 'chunked',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.write(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.png"\r\ncontent-type: image/png\r\n\r\n`,
      );
      req.write(PNG);
      // Twice the limit, and the body is never ended: only a server that counts as it reads can answer.
      req.write(Buffer.alloc(2 * MAX, 1));
    });
    expect(status).toBe(413);
    await waitFor(async () => (await kept(c.id)).files.length === 0, 2000, 'the partial file removed');
  });
});

describe('an upload the client abandons', () => {
  it('leaves nothing behind either', async () => {
    const c = await chat();
    const boundary = 'sbboundary';
    const req = request(`${h.url}/api/v1/sessions/${c.id}/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${c.token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'transfer-encoding': 'chunked',
      },
    });
    req.on('error', () => undefined);
    req.write(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="half.png"\r\ncontent-type: image/png\r\n\r\n`,
    );
    req.write(PNG);
    // The partial file is being written, then the client goes away.
    await waitFor(
      () => readdirSync(dir).includes(c.id) && readdirSync(join(dir, c.id)).length > 0,
      2000,
      'the upload under way',
    );
    req.destroy();
    await waitFor(async () => (await kept(c.id)).files.length === 0, 3000, 'the partial file removed');
    expect((await kept(c.id)).messages).toBe(0);
  });
});

describe('GET /api/v1/sessions/:id/files/:fileId with a signed link (agents)', () => {
  it("opens without the end user's token; a changed, foreign or expired link does not", async () => {
    const c = await chat();
    const r = await upload(c, 'screen.png', PNG);
    const link = (await waitFor(() => fileBlock(c.id), 5000, 'the line with the file')).url;
    const ok = await fetch(link.replace(/^https?:\/\/[^/]+/, h.url));
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(PNG);
    const path = new URL(link);
    const at = (p: string, q: string) => fetch(`${h.url}${p}?${q}`);
    // Tampered signature, longer expiry, another chat's path, another file's id.
    const sig = path.searchParams.get('sig')!;
    const exp = path.searchParams.get('exp')!;
    expect((await at(path.pathname, `exp=${exp}&sig=${sig.slice(0, -2)}AA`)).status).toBe(403);
    expect((await at(path.pathname, `exp=${Number(exp) + 60}&sig=${sig}`)).status).toBe(403);
    const other = await chat();
    expect((await at(path.pathname.replace(c.id, other.id), path.search.slice(1))).status).toBe(403);
    const second = await upload(c, 'second.png', PNG);
    expect((await at(path.pathname.replace(r.body.file.id, second.body.file.id), path.search.slice(1))).status).toBe(
      403,
    );
    // No signature and no token: 401, as before.
    expect((await fetch(`${h.url}${path.pathname}`)).status).toBe(401);
    // Eight days on, the link has expired.
    skew = 8 * 86_400_000;
    try {
      const late = await at(path.pathname, path.search.slice(1));
      expect(late.status).toBe(403);
      expect(((await late.json()) as { error: { code: string } }).error.code).toBe('link_expired');
    } finally {
      skew = 0;
    }
  });
});

describe('files of chats that are gone', () => {
  it('are removed from FILES_DIR; live chats keep theirs', async () => {
    const [live, gone] = [await chat(), await chat()];
    await upload(live, 'a.png', PNG);
    await upload(gone, 'b.png', PNG);
    const exists = async (id: string) => id !== gone.id && (await h.service.ctx.store.sessions.get(id)) !== undefined;
    // Touched just now: left alone (a chat being created may have no keys yet).
    expect(await sweepFiles(h.service.ctx.files.store, exists, Date.now() - 3_600_000)).toEqual([]);
    expect(await sweepFiles(h.service.ctx.files.store, exists, Date.now() + 1000)).toEqual([gone.id]);
    expect((await kept(gone.id)).files).toEqual([]);
    expect((await kept(live.id)).files).toHaveLength(1);
  });
});
