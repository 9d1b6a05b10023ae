import type { AddressInfo } from 'node:net';
import express from 'express';
import { ReplyError } from 'ioredis';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isUnreachable } from '../../adapters/redis/connection.js';
import { errorHandler } from '../../src/http/errors.js';

/** What the API answers when a request's work throws `err` while the store connection itself says ready. */
async function answerTo(err: Error): Promise<{ status: number; retryAfter: string | null; code: string }> {
  const app = express();
  app.get('/x', () => {
    throw err;
  });
  app.use(errorHandler(pino({ level: 'silent' }), () => true, isUnreachable));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
    const body = (await res.json()) as { error: { code: string } };
    return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error.code };
  } finally {
    server.close();
  }
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('Redis faults are 503 with Retry-After, never 500', () => {
  it.each([
    ['a shard down (CLUSTERDOWN)', new ReplyError('CLUSTERDOWN The cluster is down')],
    ['a slot moving (MOVED)', new ReplyError('MOVED 3999 127.0.0.1:7002')],
    ['a failover (TRYAGAIN)', new ReplyError('TRYAGAIN Multiple keys request during rehashing of slot')],
    ['a server loading', new ReplyError('LOADING Redis is loading the dataset in memory')],
    ['a closed connection', new Error('Connection is closed.')],
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:7001', 'ECONNREFUSED')],
    [
      'ioredis giving up',
      Object.assign(new Error('Reached the max retries per request limit (which is 2).'), {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
  ])('%s', async (_what, err) => {
    expect(await answerTo(err)).toEqual({ status: 503, retryAfter: '1', code: 'unavailable' });
  });

  it('a bug is still a 500', async () => {
    expect(await answerTo(new TypeError('x is undefined'))).toMatchObject({ status: 500, code: 'internal' });
  });
});
