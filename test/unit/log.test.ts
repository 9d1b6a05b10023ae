import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/main/log.js';

describe('logs', () => {
  it('never carry a request Authorization header or a token', () => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const err = Object.assign(new Error('Forbidden'), {
      statusCode: 403,
      request: { headers: { Authorization: 'Bearer xoxb-secret-token' } },
    });
    log.error({ err, token: 'tok-123', user: { token: 'tok-456' } }, 'call failed');
    const text = lines.join('');
    expect(text).toContain('Forbidden');
    expect(text).toContain('"statusCode":403');
    expect(text).not.toContain('xoxb-secret-token');
    expect(text).not.toContain('tok-123');
    expect(text).not.toContain('tok-456');
  });
});
