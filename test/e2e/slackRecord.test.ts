import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, waitFor } from '../support/harness.js';
import { archived, backendName, type TestDatabase, testDatabase } from '../support/record.js';
import { type SlackWorld, startSlackWorld } from './slackSetup.js';

/** The record in Slack, through the real Bolt receiver: history on the root and by command, the rating's line, Today on the App Home, /chat report. */
let w: SlackWorld;
let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
  w = await startSlackWorld({}, undefined, { record: db.target });
  w.fake.addUser({ id: 'U0ERIN', email: 'erin@example.com', name: 'erin' });
  await w.h.service.ctx.record.ready();
}, 60_000);
afterAll(async () => {
  await w?.stop();
  await db?.drop();
});

const CHANNEL = 'C0ITSUPPORT';
const cmd = async (user: string, text: string) => {
  const r = (await w.slack.command(user, '/chat', text)).json as { text?: string; blocks?: unknown[] };
  return `${r.text ?? ''}\n${JSON.stringify(r.blocks ?? [])}`;
};
async function chat(text: string) {
  const r = await json(`${w.h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed', email: 'zed@example.com' }, text },
  });
  const id = r.body.session.id as string;
  const root = await w.fake.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.args.channel === CHANNEL &&
      !c.args.thread_ts &&
      JSON.stringify(c.args.blocks).includes(id),
  );
  return { id, ref: r.body.session.ref as string, token: r.body.token as string, root };
}

describe(`the record in Slack (${backendName})`, () => {
  let first: Awaited<ReturnType<typeof chat>>;

  it("puts the end user's rating in the thread, and their history on the next chat's root", async () => {
    first = await chat('my printer is on fire');
    const ts = w.fake.messages(CHANNEL).find((m) => !m.thread_ts && JSON.stringify(m.blocks).includes(first.id))!.ts;
    await w.slack.click('U0ALICE', 'accept', { sessionId: first.id }, { channel: CHANNEL, ts });
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(first.id))?.status === 'active',
      5000,
      'accepted',
    );
    await json(`${w.h.url}/api/v1/sessions/${first.id}/agent-messages`, {
      method: 'POST',
      apiKey: 'test-key',
      body: { agentId: 'alice', text: 'Unplug it, now' },
    });
    await json(`${w.h.url}/api/v1/sessions/${first.id}/end`, { method: 'POST', token: first.token });
    expect(
      (
        await json(`${w.h.url}/api/v1/sessions/${first.id}/rating`, {
          method: 'POST',
          token: first.token,
          body: { score: 5, comment: 'saved my office' },
        })
      ).status,
    ).toBe(201);
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === ts &&
        /Zed rated the chat 5\/5: “saved my office”/.test(String(c.args.text)),
      15_000,
    );
    await archived(w.h);
    const second = await chat('again?');
    expect(JSON.stringify(second.root.args.blocks)).toContain(`Has chatted once before: ${first.ref}`);
  });

  it('shows an ended chat with /chat history <ref> to agents of its queue, and refuses the others', async () => {
    const shown = await cmd('U0ALICE', `history ${first.ref}`);
    expect(shown).toContain(`Chat ${first.ref} with Zed`);
    expect(shown).toMatch(/my printer is on fire/);
    expect(shown).toMatch(/Unplug it, now/);
    expect(await cmd('U0ERIN', `history ${first.ref}`)).toContain(
      `Chat ${first.ref} belongs to a queue you are not in.`,
    );
    expect(await cmd('U0ALICE', 'history')).toMatch(/did not understand/);
  });

  it("gives supervisors today's numbers: /chat report, and Today on the App Home", async () => {
    // The second chat (the previous test's last step) is counted once the archive has it.
    await archived(w.h);
    const report = await cmd('U0CAROL', 'report');
    expect(report).toContain('Today in your queues');
    expect(report).toMatch(/IT Support\*?: 2 offered · 1 answered/);
    expect(await cmd('U0ALICE', 'report')).toContain('Only supervisors have reports.');
    await w.slack.event({ type: 'app_home_opened', user: 'U0CAROL', channel: 'D0CAROL', tab: 'home', event_ts: '1.1' });
    const home = await w.fake.waitFor(
      (c) =>
        c.method === 'views.publish' && c.args.user_id === 'U0CAROL' && JSON.stringify(c.args.view).includes('"Today"'),
      10_000,
    );
    expect(JSON.stringify(home.args.view)).toMatch(/IT Support\*: \d+ offered/);
    // Help lists the new commands.
    expect(await cmd('U0ALICE', 'help')).toMatch(/history &lt;ref&gt;|history <ref>/);
  });
});
