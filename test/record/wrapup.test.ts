import { describe, expect, it } from 'vitest';
import * as overdue from '../../src/app/overdue.js';
import { DIRECTORY_YAML, testDirectory } from '../support/harness.js';
import { archived, backendName, recordWorld } from '../support/record.js';

/** The record keeps the wrap-up (migration 0002) and the response breaches (transcript events). */
const w = recordWorld({
  directory: testDirectory(
    DIRECTORY_YAML.replace(
      '    slack: { channel: C0ITSUPPORT }',
      '    slack: { channel: C0ITSUPPORT }\n    outcomes: [resolved, escalated]\n    firstResponseSeconds: 60',
    ),
  ),
});
const { api, agent } = w;

describe(`the record of agents' tools (${backendName})`, () => {
  it('keeps the outcome, its note and the breach entries', async () => {
    const c = await api('/sessions', {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' }, text: 'help' },
    });
    const id = c.body.session.id as string;
    await agent(id, 'accept', { agentId: 'alice' });
    const since = (await w.h.service.ctx.store.replyClock.current(id))!.id;
    expect(await overdue.responseDue(w.h.service.ctx, id, 'warn', since)).toBe(true);
    const ended = await agent(id, 'end', { agentId: 'alice', outcome: 'escalated', note: 'to L2' });
    expect(ended.status).toBe(200);
    await archived(w.h);
    const kept = (await w.h.service.ctx.record.chat(id))!;
    expect([kept.session.outcome, kept.session.outcomeNote]).toEqual(['escalated', 'to L2']);
    const breaches = (await w.h.service.ctx.record.entries(id)).filter(
      (e) => e.kind === 'event' && e.event === 'response.late',
    );
    expect(breaches).toEqual([expect.objectContaining({ about: 'first', by: 'alice', target: 60 })]);
    // The reports count it for the queue and for the owner who was late.
    const today = new Date().toISOString().slice(0, 10);
    const report = async (of: 'queues' | 'agents') =>
      (await api(`/reports/${of}?from=${today}&to=${today}`, { apiKey: 'test-key' })).body.rows as Array<
        Record<string, unknown>
      >;
    expect((await report('queues')).find((r) => r.queue === 'it-support')).toMatchObject({ responseBreaches: 1 });
    expect((await report('agents')).find((r) => r.agent === 'alice')).toMatchObject({ responseBreaches: 1 });
    expect((await report('agents')).find((r) => r.agent === 'bob')).toMatchObject({ responseBreaches: 0 });
  });
});
