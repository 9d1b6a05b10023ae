import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisChatCreationLimiter } from '../../adapters/redis/rateLimit.js';
import { Refused } from '../../src/app/errors.js';
import { clientKey } from '../../src/http/clientAddress.js';
import { type Harness, startHarness } from '../support/harness.js';
import { keysMatching, testRedis } from '../support/redis.js';

let direct: Harness;
let proxied: Harness;
let perQueue: Harness;
beforeAll(async () => {
  [direct, proxied, perQueue] = await Promise.all([
    startHarness({ env: { SESSION_CREATE_LIMIT: '3', SESSION_CREATE_QUEUE_LIMIT: '0' } }),
    startHarness({ env: { SESSION_CREATE_LIMIT: '3', SESSION_CREATE_QUEUE_LIMIT: '0', TRUST_PROXY: 'loopback' } }),
    startHarness({ env: { SESSION_CREATE_LIMIT: '100', SESSION_CREATE_QUEUE_LIMIT: '4', TRUST_PROXY: 'loopback' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([direct.stop(), proxied.stop(), perQueue.stop()]);
});

async function create(h: Harness, forwardedFor?: string, queue = 'it-support') {
  const res = await fetch(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ queue, user: { name: 'Zed' } }),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as { error?: { code: string; message: string } },
  };
}

describe('new chats per client address', () => {
  it('stops one address at its limit with 429, Retry-After and the error shape, however X-Forwarded-For is spoofed', async () => {
    const statuses = [];
    for (let i = 1; i <= 3; i++) statuses.push((await create(direct, `198.51.100.${i}`)).status);
    expect(statuses).toEqual([201, 201, 201]);
    const refused = await create(direct, '198.51.100.99');
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.body).toEqual({
      error: {
        code: 'rate_limited',
        message: expect.stringContaining('new chats'),
        retryAfterSeconds: Number(refused.retryAfter),
      },
    });
    expect((await create(direct)).status).toBe(429);
  });

  it('counts the forwarded client when TRUST_PROXY trusts the proxy, and a prepended address does not escape', async () => {
    for (let i = 0; i < 3; i++) expect((await create(proxied, '203.0.113.7')).status).toBe(201);
    expect((await create(proxied, '203.0.113.7')).status).toBe(429);
    // The client writes the left of the header; the trusted proxy appends the address it saw.
    expect((await create(proxied, '192.0.2.1, 203.0.113.7')).status).toBe(429);
    expect((await create(proxied, '203.0.113.8')).status).toBe(201);
  });
});

describe('new chats per queue', () => {
  it('stops a queue at its limit whatever the addresses, and leaves the other queues alone', async () => {
    for (let i = 1; i <= 4; i++) expect((await create(perQueue, `198.51.100.${i}`)).status).toBe(201);
    const refused = await create(perQueue, '198.51.100.50');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('queue') });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await create(perQueue, '198.51.100.51', 'hr')).status).toBe(201);
  });

  it('keeps no counter for a queue that does not exist', async () => {
    expect((await create(perQueue, '198.51.100.60', 'made-up-queue')).status).toBe(404);
    const redis = await testRedis();
    try {
      expect(await keysMatching(redis, `${perQueue.prefix}:rl:*made-up-queue*`)).toEqual([]);
      expect((await keysMatching(redis, `${perQueue.prefix}:rl:chats:queue:*`)).length).toBeGreaterThan(0);
    } finally {
      await redis.quit();
    }
  });
});

describe('when Redis cannot count', () => {
  let closed: Server;
  beforeAll(async () => {
    closed = createServer((s) => s.destroy());
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => closed.close(() => r())));

  it('refuses with 503 unavailable, not a 500 and not an unlimited pass', async () => {
    const port = (closed.address() as { port: number }).port;
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    const limiter = new RedisChatCreationLimiter(redis, 'tdown', { perClient: 10, perQueue: 10 });
    const err = await limiter.take('198.51.100.1', 'it-support').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Refused);
    expect(err).toMatchObject({ status: 503, code: 'unavailable' });
    redis.disconnect();
  });
});

describe('client keys', () => {
  it('counts an IPv6 client by its /64 and a mapped IPv4 address as IPv4', () => {
    expect(clientKey('2001:db8:1:2:3:4:5:6')).toBe(clientKey('2001:DB8:1:2::9'));
    expect(clientKey('2001:db8:1:2::9')).toBe('2001:0db8:0001:0002::/64');
    expect(clientKey('2001:db8:1:3::9')).not.toBe(clientKey('2001:db8:1:2::9'));
    expect(clientKey('::1')).toBe('0000:0000:0000:0000::/64');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey(undefined)).toBe('unknown');
  });
});
