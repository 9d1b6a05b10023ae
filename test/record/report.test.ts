import { describe, expect, it } from 'vitest';
import { expireInvite } from '../../src/app/invites.js';
import { endSession, endUnanswered } from '../../src/app/sessions.js';
import { json } from '../support/harness.js';
import { archived, backendName, recordWorld } from '../support/record.js';

/**
 * Reports against numbers worked out by hand: six chats in IT Support (one moved to HR), on a
 * clock the test sets, through the real API and use cases.
 */
const T0 = Math.floor(Date.now() / 60_000) * 60_000;
let clock = T0;
const at = (s: number) => {
  clock = T0 + s * 1000;
};
const w = recordWorld({ now: () => clock });

const key = 'test-key';
async function post(path: string, body: Record<string, unknown>, token?: string) {
  const r = await json(`${w.h.url}/api/v1${path}`, { method: 'POST', body, ...(token ? { token } : { apiKey: key }) });
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
async function chat(name: string) {
  const b = await post(
    '/sessions',
    { queue: 'it-support', user: { name, email: `${name.toLowerCase()}@example.com` } },
    'none',
  );
  return { id: b.session.id as string, token: b.token as string };
}
const say = (id: string, agentId: string) =>
  post(`/sessions/${id}/agent-messages`, { agentId, text: `${agentId} here` });

describe(`reports (${backendName}), against hand-computed numbers`, () => {
  it('counts, times and rates six scripted chats per queue and per agent, in JSON and CSV', async () => {
    const ctx = w.h.service.ctx;
    // A: Alice takes it after 60 s, answers at 90 s; Bob rejects her invite, Dan's expires; she ends it at 600 s; rated 5.
    at(0);
    const A = await chat('Ann');
    at(60);
    await post(`/sessions/${A.id}/accept`, { agentId: 'alice' });
    at(90);
    await say(A.id, 'alice');
    at(100);
    const [toBob] = (
      await post(`/sessions/${A.id}/invites`, { agentId: 'alice', inviteeId: 'bob', mode: 'participant' })
    ).invites;
    at(110);
    await post(`/invites/${toBob.id}/answer`, { agentId: 'bob', answer: 'reject' });
    // B: waits 120 s for Bob, who answers at 300 s and releases at 360 s; Alice takes it at 420 s, answers at 450 s; the user ends it at 900 s; rated 3.
    at(120);
    const B = await chat('Ben');
    at(120);
    const [toDan] = (await post(`/sessions/${A.id}/invites`, { agentId: 'alice', inviteeId: 'dan', mode: 'monitor' }))
      .invites;
    // C: the user leaves after 60 s of waiting.
    at(200);
    const C = await chat('Cy');
    at(240);
    await post(`/sessions/${B.id}/accept`, { agentId: 'bob' });
    at(260);
    await post(`/sessions/${C.id}/end`, {}, C.token);
    // D: nobody takes it.
    at(300);
    const D = await chat('Di');
    at(300);
    await say(B.id, 'bob');
    at(300);
    expect(await expireInvite(ctx, toDan.id)).toBe(true);
    at(360);
    await post(`/sessions/${B.id}/release`, { agentId: 'bob' });
    // E: Alice takes it after 30 s and moves it to HR at 500 s, where Erin takes it at 560 s, answers at 570 s and ends it at 700 s.
    at(400);
    const E = await chat('Eve');
    at(420);
    await post(`/sessions/${B.id}/accept`, { agentId: 'alice' });
    at(430);
    await post(`/sessions/${E.id}/accept`, { agentId: 'alice' });
    at(450);
    await say(B.id, 'alice');
    // F: Bob takes it after 100 s, asks for help, and hands it to Alice (an offer she accepts); she answers at 640 s and ends it at 800 s.
    at(500);
    const F = await chat('Fay');
    at(500);
    await post(`/sessions/${E.id}/transfer`, { agentId: 'alice', toQueue: 'hr' });
    at(560);
    await post(`/sessions/${E.id}/accept`, { agentId: 'erin' });
    at(570);
    await say(E.id, 'erin');
    at(600);
    await post(`/sessions/${F.id}/accept`, { agentId: 'bob' });
    at(600);
    await endSession(ctx, A.id, 'alice');
    at(610);
    await post(`/sessions/${A.id}/rating`, { score: 5 }, A.token);
    at(610);
    await post(`/sessions/${F.id}/assist`, { agentId: 'bob' });
    at(620);
    const offer = (await post(`/sessions/${F.id}/transfer`, { agentId: 'bob', toAgentId: 'alice' })).invite;
    at(630);
    await post(`/invites/${offer.id}/answer`, { agentId: 'alice', answer: 'accept' });
    at(640);
    await say(F.id, 'alice');
    at(700);
    await endSession(ctx, E.id, 'erin');
    at(800);
    await endSession(ctx, F.id, 'alice');
    at(900);
    await post(`/sessions/${B.id}/end`, {}, B.token);
    at(910);
    await post(`/sessions/${B.id}/rating`, { score: 3, comment: 'slow at first' }, B.token);
    at(2100);
    expect(await endUnanswered(ctx, D.id)).toBe(true);
    await archived(w.h);

    const q = `from=${new Date(T0 - 1000).toISOString()}&to=${new Date(T0 + 3_600_000).toISOString()}`;
    const queues = await json(`${w.h.url}/api/v1/reports/queues?${q}`, { apiKey: key });
    expect(queues.status).toBe(200);
    const none = { p50: null, p90: null };
    const zero = {
      offered: 0,
      answered: 0,
      unanswered: 0,
      abandoned: 0,
      transferred: 0,
      released: 0,
      waitSeconds: none,
      firstResponseSeconds: none,
      handleSeconds: none,
      invites: { sent: 0, accepted: 0, rejected: 0, expired: 0 },
      helpRequests: 0,
      responseBreaches: 0,
      rating: { average: null, count: 0 },
    };
    expect(queues.body).toEqual({
      from: new Date(T0 - 1000).toISOString(),
      to: new Date(T0 + 3_600_000).toISOString(),
      rows: [
        {
          ...zero,
          queue: 'hr',
          offered: 1,
          answered: 1,
          waitSeconds: { p50: 60, p90: 60 },
          firstResponseSeconds: { p50: 70, p90: 70 },
          handleSeconds: { p50: 140, p90: 140 },
        },
        {
          queue: 'it-support',
          offered: 6,
          answered: 4,
          unanswered: 1,
          abandoned: 1,
          transferred: 2,
          released: 1,
          // waits 30, 60, 100, 120; first replies 90, 140, 180 after the start; handled 70, 200, 540, 660 (p90 interpolated).
          waitSeconds: { p50: 80, p90: 114 },
          firstResponseSeconds: { p50: 140, p90: 172 },
          handleSeconds: { p50: 370, p90: 624 },
          invites: { sent: 2, accepted: 0, rejected: 1, expired: 1 },
          helpRequests: 1,
          responseBreaches: 0,
          rating: { average: 4, count: 2 },
        },
      ],
    });

    const agents = await json(`${w.h.url}/api/v1/reports/agents?${q}`, { apiKey: key });
    const row = (id: string) => (agents.body.rows as Array<{ agent: string }>).find((r) => r.agent === id);
    expect(agents.body.rows.map((r: { agent: string }) => r.agent)).toEqual(['alice', 'bob', 'carol', 'dan', 'erin']);
    expect(row('alice')).toEqual({
      agent: 'alice',
      offered: 4,
      answered: 4,
      unanswered: 0,
      abandoned: 0,
      transferred: 1,
      released: 0,
      waitSeconds: { p50: 60, p90: 60 },
      firstResponseSeconds: { p50: 30, p90: 30 },
      handleSeconds: { p50: 325, p90: 522 },
      invites: { sent: 2, accepted: 0, rejected: 1, expired: 1 },
      helpRequests: 0,
      responseBreaches: 0,
      rating: { average: 4, count: 2 },
    });
    expect(row('bob')).toEqual({
      ...zero,
      agent: 'bob',
      offered: 2,
      answered: 2,
      transferred: 1,
      released: 1,
      waitSeconds: { p50: 110, p90: 118 },
      firstResponseSeconds: { p50: 60, p90: 60 },
      handleSeconds: { p50: 75, p90: 111 },
      helpRequests: 1,
    });
    expect(row('erin')).toEqual({
      ...zero,
      agent: 'erin',
      offered: 1,
      answered: 1,
      waitSeconds: { p50: 60, p90: 60 },
      firstResponseSeconds: { p50: 10, p90: 10 },
      handleSeconds: { p50: 140, p90: 140 },
    });
    expect(row('carol')).toEqual({ ...zero, agent: 'carol' });

    // The same numbers as CSV.
    const csv = await fetch(`${w.h.url}/api/v1/reports/queues?${q}&format=csv`, { headers: { 'x-api-key': key } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="queues-/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'queue,offered,answered,unanswered,abandoned,transferred,released,wait_p50_s,wait_p90_s,first_response_p50_s,first_response_p90_s,handle_p50_s,handle_p90_s,invites_sent,invites_accepted,invites_rejected,invites_expired,help_requests,response_breaches,rating_average,rating_count',
    );
    expect(lines.slice(1)).toEqual([
      'hr,1,1,0,0,0,0,60,60,70,70,140,140,0,0,0,0,0,0,,0',
      'it-support,6,4,1,1,2,1,80,114,140,172,370,624,2,0,1,1,1,0,4,2',
    ]);

    // A day given as a date in a time zone: the whole day there (the chats are today, so yesterday has none).
    const yesterday = new Date(T0 - 86_400_000).toISOString().slice(0, 10);
    const day = await json(`${w.h.url}/api/v1/reports/queues?from=${yesterday}&to=${yesterday}&tz=UTC`, {
      apiKey: key,
    });
    expect(day.body.from).toBe(`${yesterday}T00:00:00.000Z`);
    expect(day.body.to).toBe(new Date(Date.parse(`${yesterday}T00:00:00Z`) + 86_400_000).toISOString());
  }, 120_000);

  it('refuses a bad period or time zone with 400, and callers without an API key with 401', async () => {
    for (const q of [
      'from=2026-13-01',
      'from=2026-02-30&to=2026-03-01',
      'from=yesterday',
      'tz=Mars/Olympus',
      'from=2026-02-01&to=2026-01-01',
      'from=2020-01-01&to=2026-01-01',
      'unknown=1',
    ]) {
      const r = await json(`${w.h.url}/api/v1/reports/queues?${q}`, { apiKey: key });
      expect(r.status, q).toBe(400);
    }
    expect((await json(`${w.h.url}/api/v1/reports/agents`)).status).toBe(401);
    expect((await json(`${w.h.url}/api/v1/reports/agents?api_key=${key}`)).status).toBe(401);
  });
});
