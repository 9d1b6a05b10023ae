import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, startHarness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const metricsText = async () => (await fetch(`${h.url}/metrics`)).text();
/** GC series appear when V8 first runs a kind of collection (a fixed few kinds): not ours to count here. */
const ours = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.includes('nodejs_gc_duration_seconds'))
    .join('\n');
/** Each series once: its name and labels, without its value. */
const seriesOf = (text: string) =>
  ours(text)
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.slice(0, l.lastIndexOf(' ')))
    .sort();
const httpSeries = (text: string) =>
  seriesOf(text).filter((s) => s.startsWith('switchboard_http_request_duration_seconds_count'));

const rnd = () => randomBytes(6).toString('hex');
const randomPaths = [
  () => `/${rnd()}`,
  () => `/${rnd()}/${rnd()}`,
  () => `/${rnd()}.js`,
  () => `/slack/${rnd()}`,
  () => `/api/v1/${rnd()}`,
  () => `/api/v1/sessions/${rnd()}${rnd()}`,
  () => `/api/v1/sessions/${rnd()}${rnd()}/messages`,
];

async function getAll(paths: string[], concurrency = 50) {
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < paths.length) await (await fetch(`${h.url}${paths[i++]!}`)).arrayBuffer();
    }),
  );
}

describe('metrics labels', () => {
  it('3,000 GETs of random paths leave the series of /metrics as they were', async () => {
    // One request of each shape first, so every series they may create exists.
    await getAll(randomPaths.map((p) => p()));
    await metricsText();
    const before = await metricsText();
    await getAll(Array.from({ length: 3000 }, (_, n) => randomPaths[n % randomPaths.length]!()));
    const after = await metricsText();
    console.info(
      `/metrics without GC series: ${ours(before).length} bytes, ${seriesOf(before).length} series before; ${ours(after).length} bytes, ${seriesOf(after).length} series after 3,000 random paths`,
    );
    expect(seriesOf(after)).toEqual(seriesOf(before));
    // Only values change (a count of 3,000 has more digits than one of 1): a few bytes per series at most.
    expect(ours(after).length - ours(before).length).toBeLessThan(20 * seriesOf(before).length);
  });

  it('labels by route template, with one fixed label for whatever matched none', async () => {
    const chat = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    });
    await json(`${h.url}/api/v1/sessions/${chat.body.session.id}`, { token: chat.body.token });
    await json(`${h.url}/api/v1/sessions/${chat.body.session.id}/messages`, {
      method: 'POST',
      token: 'wrong',
      body: { text: 'x' },
    });
    await fetch(`${h.url}/widget.js`);
    await fetch(`${h.url}/${rnd()}`);
    const routes = new Set(httpSeries(await metricsText()).map((s) => /route="([^"]*)"/.exec(s)?.[1]));
    for (const r of [
      '/api/v1/sessions',
      '/api/v1/sessions/:id',
      '/api/v1/sessions/:id/messages',
      'static',
      'other',
      '/metrics',
    ]) {
      expect(routes, r).toContain(r);
    }
    for (const r of routes) expect(r).toMatch(/^(\/[a-z0-9/:._-]*|static|other)$/i);
    expect([...routes].some((r) => r && /[0-9a-f]{12}/.test(r))).toBe(false);
  });
});
