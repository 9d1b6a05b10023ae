import { describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { archived, backendName, recordWorld } from '../support/record.js';

/** An offline message in the record (README "Offline messages"): kept in its status, then answered like any chat. */
const w = recordWorld({
  directory: parseDirectory(
    `
queues:
  - id: night
    name: Night Desk
    offline: true
    hours: { timezone: Europe/Berlin, open: [], closedMessage: We answer in the morning. }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [night] }
`,
    'record-offline.yaml',
    DIRECTORY_SECTIONS,
  ),
});
const { api, agent } = w;

describe(`offline messages in the record (${backendName})`, () => {
  it('keeps one while it waits, and once replied to and ended, as an answered chat of its queue', async () => {
    const c = await api('/sessions', {
      method: 'POST',
      body: { queue: 'night', offline: true, user: { name: 'Olga', email: 'olga@example.com' }, text: 'Call me' },
    });
    expect(c.status).toBe(201);
    const id = c.body.session.id as string;
    await archived(w.h);
    expect((await w.h.service.ctx.record.chat(id))?.session).toMatchObject({ status: 'offline', queueId: 'night' });

    await agent(id, 'accept', { agentId: 'alice' });
    await agent(id, 'agent-messages', { agentId: 'alice', text: 'Good morning' });
    await agent(id, 'end', { agentId: 'alice' });
    await archived(w.h);
    const kept = (await w.h.service.ctx.record.chat(id))!;
    expect(kept.session).toMatchObject({ status: 'ended', ownerId: 'alice' });
    const from = new Date(kept.session.createdAt - 1000).toISOString();
    const row = (
      (await api(`/reports/queues?from=${from}`, { apiKey: 'test-key' })).body.rows as Array<{
        queue: string;
        answered: number;
      }>
    ).find((r) => r.queue === 'night');
    expect(row).toMatchObject({ answered: 1 });
  }, 60_000);
});
