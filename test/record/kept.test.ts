import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { archived, backendName, recordWorld } from '../support/record.js';

/** What the record keeps of a chat: its state, its people, and every entry with who saw it. */
const w = recordWorld();
const { api, agent } = w;
const key = 'test-key';

describe(`what the record keeps (${backendName})`, () => {
  it('keeps the chat, its owners and members, its invites, its events and every entry with its visibility and file', async () => {
    const c = await api('/sessions', {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed', email: 'zed@example.com' }, text: 'help' },
    });
    const { id, ref } = c.body.session as { id: string; ref: string };
    const token = c.body.token as string;
    await agent(id, 'accept', { agentId: 'alice' });
    await agent(id, 'agent-messages', { agentId: 'alice', text: 'Hello!' });
    await agent(id, 'agent-messages', { agentId: 'alice', text: 'note: careful' });
    const form = new FormData();
    form.append('file', new Blob(['the log\n'], { type: 'text/plain' }), 'app.log');
    const up = await fetch(`${w.h.url}/api/v1/sessions/${id}/files`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(up.status).toBe(201);
    const [help] = (await agent(id, 'assist', { agentId: 'alice', note: 'stuck' })).body.invites;
    await api(`/invites/${help.id}/answer`, {
      method: 'POST',
      apiKey: key,
      body: { agentId: 'carol', answer: 'monitor' },
    });
    await agent(id, 'agent-messages', { agentId: 'carol', text: 'psst' });
    const [inv] = (await agent(id, 'invites', { agentId: 'alice', inviteeId: 'dan', mode: 'participant' })).body
      .invites;
    await api(`/invites/${inv.id}/answer`, {
      method: 'POST',
      apiKey: key,
      body: { agentId: 'dan', answer: 'participate' },
    });
    const offer = (await agent(id, 'transfer', { agentId: 'alice', toAgentId: 'bob' })).body.invite;
    await api(`/invites/${offer.id}/answer`, {
      method: 'POST',
      apiKey: key,
      body: { agentId: 'bob', answer: 'accept' },
    });
    await agent(id, 'leave', { agentId: 'carol' });
    await api(`/sessions/${id}/end`, { method: 'POST', token });
    await api(`/sessions/${id}/rating`, { method: 'POST', token, body: { score: 2, comment: 'passed around' } });
    await archived(w.h);

    const ctx = w.h.service.ctx;
    const kept = (await ctx.record.chat(id))!;
    expect(kept.session).toMatchObject({
      id,
      ref,
      queueId: 'it-support',
      status: 'ended',
      endUser: { name: 'Zed', email: 'zed@example.com' },
      ownerId: 'bob',
      endedBy: 'user',
    });
    expect(kept.session.acceptedAt).toBeGreaterThanOrEqual(kept.session.createdAt);
    expect(kept.session.endedAt).toBeGreaterThanOrEqual(kept.session.acceptedAt!);
    expect(kept.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(kept.rating).toMatchObject({ score: 2, comment: 'passed around' });
    expect(kept.mirrors.map((m) => m.platform)).toContain('recording');

    const entries = await ctx.record.entries(id);
    const live = await ctx.store.transcript.read(id, undefined, 1000);
    // Every entry, once, in order, as the transcript holds it.
    expect(entries).toEqual(live);
    const of = (pred: (e: (typeof entries)[number]) => boolean) => entries.filter(pred);
    expect(
      of((e) => e.kind === 'message' && e.visibility === 'private').map((e) => e.kind === 'message' && e.text),
    ).toEqual(['careful']);
    expect(
      of((e) => e.kind === 'message' && e.visibility === 'agents').map((e) => e.kind === 'message' && e.agentId),
    ).toEqual(['carol']);
    expect(of((e) => e.kind === 'message' && e.file !== undefined).map((e) => e.kind === 'message' && e.file)).toEqual([
      expect.objectContaining({ name: 'app.log', mimetype: 'text/plain', size: 8 }),
    ]);
    // Owners in turn, members with roles, the events of the audit trail.
    expect(
      of((e) => e.kind === 'participant').map(
        (e) => e.kind === 'participant' && `${e.agentId} ${e.mode} ${e.action}${e.via ? ` via ${e.via}` : ''}`,
      ),
    ).toEqual([
      'alice owner joined',
      'carol monitor joined via help',
      'dan participant joined via invite',
      'alice owner left via transfer',
      'bob owner joined via transfer',
      'carol monitor left',
    ]);
    expect(of((e) => e.kind === 'event').map((e) => e.kind === 'event' && e.event)).toEqual(['help.asked', 'rated']);

    // The reports read them: Alice's turn ended by handing over, Bob's by the end; the invite and the help request in IT Support.
    const period = `from=${new Date(kept.session.createdAt - 1000).toISOString()}`;
    const agents = (await api(`/reports/agents?${period}`, { apiKey: key })).body.rows as Array<{
      agent: string;
      answered: number;
      transferred: number;
      invites: { sent: number; accepted: number };
      helpRequests: number;
      rating: { count: number };
    }>;
    expect(agents.find((r) => r.agent === 'alice')).toMatchObject({
      answered: 1,
      transferred: 1,
      invites: { sent: 1, accepted: 1 },
      helpRequests: 1,
      rating: { count: 0 },
    });
    expect(agents.find((r) => r.agent === 'bob')).toMatchObject({ answered: 1, transferred: 0, rating: { count: 1 } });
    const queue = (
      (await api(`/reports/queues?${period}`, { apiKey: key })).body.rows as Array<{ queue: string }>
    ).find((r) => r.queue === 'it-support');
    expect(queue).toMatchObject({
      offered: 1,
      answered: 1,
      transferred: 1,
      helpRequests: 1,
      invites: { sent: 1, accepted: 1 },
      rating: { average: 2, count: 1 },
    });
  }, 60_000);
});
