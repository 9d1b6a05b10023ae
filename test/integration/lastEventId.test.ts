import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, startHarness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

async function newChat() {
  const r = await json(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' }, text: 'first' },
  });
  expect(r.status).toBe(201);
  return { id: r.body.session.id as string, token: r.body.token as string };
}

/** Opens a stream and collects `message` texts until `want` arrives (or 3 s pass). */
async function streamUntil(url: string, headers: Record<string, string>, want: string, during: () => Promise<unknown>) {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const texts: string[] = [];
  const timer = setTimeout(() => ac.abort(), 3000);
  await during();
  let buf = '';
  try {
    while (!texts.includes(want)) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      for (const m of buf.matchAll(/^data: (.*)$/gm)) {
        const text = (JSON.parse(m[1]!) as { text?: string }).text;
        if (text && !texts.includes(text)) texts.push(text);
      }
    }
  } catch {
    // aborted: the stream never delivered what was wanted
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return texts;
}

describe('Last-Event-ID', () => {
  it.each([
    ['garbage', 'abc'],
    ['no sequence', '1700000000000'],
    ['empty part', '1700000000000-'],
    ['negative', '-1-0'],
    ['three parts', '1-2-3'],
    ['more than 20 digits', `${'9'.repeat(21)}-0`],
    ['beyond 64 bits', '18446744073709551616-0'],
    ['hexadecimal', '0x1-0'],
    ['decimal point', '1.5-0'],
  ])('%s is refused with 400 invalid_last_event_id', async (_n, id) => {
    const { id: sid, token } = await newChat();
    const res = await fetch(`${h.url}/api/v1/sessions/${sid}/events`, {
      headers: { authorization: `Bearer ${token}`, 'last-event-id': id },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_last_event_id', message: expect.any(String) } });
  });

  it('is refused in the query string too, also when repeated', async () => {
    const { id: sid, token } = await newChat();
    for (const q of ['lastEventId=abc', 'lastEventId=1-0&lastEventId=2-0']) {
      const res = await fetch(`${h.url}/api/v1/sessions/${sid}/events?${q}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status, q).toBe(400);
    }
  });

  it.each([
    ['the largest id there is', '18446744073709551615-18446744073709551615'],
    ['a time ten years ahead', `${Date.now() + 10 * 365 * 86_400_000}-0`],
    ['one past the last entry', 'tail+1'],
  ])('an id beyond the stream (%s) resumes from its last entry, so new events still arrive', async (_n, id) => {
    const { id: sid, token } = await newChat();
    const url = `${h.url}/api/v1/sessions/${sid}/events`;
    const lastId = id === 'tail+1' ? await tailPlusOne(sid) : id;
    const texts = await streamUntil(url, { authorization: `Bearer ${token}`, 'last-event-id': lastId }, 'after', () =>
      json(`${url.replace(/events$/, 'messages')}`, { method: 'POST', token, body: { text: 'after' } }),
    );
    expect(texts).toEqual(['after']);
  });

  it('a valid id inside the stream still resumes after it, without repeats', async () => {
    const { id: sid, token } = await newChat();
    const msgs = await json(`${h.url}/api/v1/sessions/${sid}/messages`, { token });
    const first = (msgs.body.messages as Array<{ id: string; text?: string }>).find((m) => m.text === 'first')!;
    const url = `${h.url}/api/v1/sessions/${sid}/events`;
    const texts = await streamUntil(
      `${url}?lastEventId=0${first.id}`,
      { authorization: `Bearer ${token}` },
      'second',
      () => json(`${h.url}/api/v1/sessions/${sid}/messages`, { method: 'POST', token, body: { text: 'second' } }),
    );
    expect(texts).toEqual(['second']);
  });

  async function tailPlusOne(sid: string): Promise<string> {
    const entries = await h.service.ctx.store.transcript.read(sid, undefined, 100);
    const [ms, seq] = entries.at(-1)!.id.split('-');
    return `${ms}-${Number(seq) + 1}`;
  }
});
