import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { type Harness, json, startHarness } from '../support/harness.js';

const directory = parseDirectory(
  `
queues:
  - { id: always, name: Always Open }
  - id: office
    name: Office
    hours:
      timezone: Europe/Berlin
      open: [{ days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00" }]
      closedMessage: We are back at 8:00.
  - id: never
    name: Old Line
    hours: { timezone: Europe/Berlin, open: [], closedMessage: This line is closed; write to help@example.com. }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [always, office, never] }
`,
  'hours.yaml',
  DIRECTORY_SECTIONS,
);

/** The service's clock, moved by each test. Wednesday 2026-12-02 10:00 in Berlin. */
let now = Date.parse('2026-12-02T09:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ directory, now: () => now });
});
afterAll(async () => {
  await h.stop();
});

const queues = async () => (await json(`${h.url}/api/v1/queues`)).body.queues as Array<Record<string, unknown>>;
const start = (queue: string) =>
  json(`${h.url}/api/v1/sessions`, { method: 'POST', body: { queue, user: { name: 'Zed' }, text: 'hello' } });

describe('business hours on the end-user API', () => {
  it('GET /queues says which queues are open, and for closed ones when they open and what they say', async () => {
    now = Date.parse('2026-12-02T09:00:00Z');
    expect(await queues()).toEqual([
      { id: 'always', name: 'Always Open', open: true },
      { id: 'office', name: 'Office', open: true },
      { id: 'never', name: 'Old Line', open: false, closedMessage: 'This line is closed; write to help@example.com.' },
    ]);
    // Saturday 2026-12-05: the office opens on Monday at 08:00 Berlin time (07:00 UTC in winter).
    now = Date.parse('2026-12-05T12:00:00Z');
    expect((await queues())[1]).toEqual({
      id: 'office',
      name: 'Office',
      open: false,
      opensAt: '2026-12-07T07:00:00.000Z',
      closedMessage: 'We are back at 8:00.',
    });
  });

  it('POST /sessions to a closed queue answers 409 queue_closed with when it opens, and stores nothing', async () => {
    now = Date.parse('2026-12-05T12:00:00Z');
    const r = await start('office');
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('queue_closed');
    expect(r.body.error.message).toBe('Office is closed now. It opens Monday 7 December, 08:00 (Europe/Berlin).');
    // Machine-readable beside the message (ISO 8601).
    expect(r.body.error.opensAt).toBe('2026-12-07T07:00:00.000Z');
    const never = await start('never');
    expect(never.status).toBe(409);
    expect(never.body.error).toEqual({ code: 'queue_closed', message: 'Old Line is closed.' });
    expect(await h.service.ctx.store.lists.read('waiting', 'office')).toEqual([]);
    expect(h.recording.calls).toEqual([]);
    // An open queue takes the chat meanwhile; an unknown one is still 404.
    expect((await start('always')).status).toBe(201);
    expect((await start('nope')).status).toBe(404);
  });

  it('the same queue takes chats once it opens', async () => {
    now = Date.parse('2026-12-07T07:00:00Z');
    const r = await start('office');
    expect(r.status).toBe(201);
    expect(await h.service.ctx.store.lists.read('waiting', 'office')).toEqual([r.body.session.id]);
    // 18:00 Berlin: closed again, until Tuesday 08:00.
    now = Date.parse('2026-12-07T17:00:00Z');
    expect((await start('office')).body.error.message).toBe(
      'Office is closed now. It opens Tuesday 8 December, 08:00 (Europe/Berlin).',
    );
  });
});
