import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { json, waitFor } from '../support/harness.js';
import { type SlackWorld, startSlackWorld } from './slackSetup.js';

const CHANNEL = 'C0ITSUPPORT';
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('a small screenshot'),
]);
const dir = mkdtempSync(join(tmpdir(), 'sb-slack-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let w: SlackWorld;
afterEach(async () => w?.stop());

async function chat() {
  const r = await json(`${w.h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed <!channel>' }, text: 'see my screen' },
  });
  await w.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === CHANNEL && !c.args.thread_ts);
  const ts = w.fake.messages(CHANNEL).find((m) => !m.thread_ts)!.ts;
  return { id: r.body.session.id as string, token: r.body.token as string, ts };
}

function send(c: { id: string; token: string }, name: string, bytes: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  return fetch(`${w.h.url}/api/v1/sessions/${c.id}/files`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${c.token}` },
  });
}

describe("an end user's file on Slack", () => {
  it("is uploaded into the chat's thread: an upload URL, the bytes, then complete with channel_id and thread_ts", async () => {
    w = await startSlackWorld({ FILES_DIR: dir });
    const c = await chat();
    expect((await send(c, 'screen.png', PNG)).status).toBe(201);
    const done = await w.fake.waitFor((x) => x.method === 'files.completeUploadExternal');
    const asked = w.fake.calls('files.getUploadURLExternal')[0]!;
    expect(asked.args).toMatchObject({ filename: 'screen.png', length: String(PNG.length) });
    expect(done.args).toMatchObject({
      channel_id: CHANNEL,
      thread_ts: c.ts,
      files: [{ id: expect.stringMatching(/^F\d+$/), title: 'screen.png' }],
    });
    // The comment is the line, escaped like any end-user words: no channel ping.
    expect(String(done.args.initial_comment)).toContain('Zed &lt;!channel&gt;');
    expect(w.fake.shared).toEqual([
      expect.objectContaining({ channel: CHANNEL, thread_ts: c.ts, title: 'screen.png', bytes: PNG }),
    ]);
    // The bot token went to the upload URL only because it is on the Slack API's origin.
    expect([...w.fake.uploads.values()][0]!.token).toBe('xoxb-test');
    // Not posted a second time as a plain line.
    await new Promise((r) => setTimeout(r, 200));
    expect(
      w.fake
        .calls('chat.postMessage')
        .filter((x) => x.args.thread_ts === c.ts && /screen\.png/.test(String(x.args.text))),
    ).toEqual([]);
    expect(w.fake.violations).toEqual([]);
  });

  it('a failed upload is tried again, and shows once', async () => {
    w = await startSlackWorld({ FILES_DIR: dir });
    const c = await chat();
    w.fake.failNext('files.getUploadURLExternal', { status: 503 });
    w.fake.failNext('files.completeUploadExternal', { error: 'internal_error' });
    expect((await send(c, 'again.png', PNG)).status).toBe(201);
    await waitFor(() => w.fake.shared.length > 0, 10_000, 'the file shared after the retries');
    await new Promise((r) => setTimeout(r, 300));
    expect(w.fake.shared.map((f) => f.title)).toEqual(['again.png']);
    expect(w.fake.calls('files.completeUploadExternal').length).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
