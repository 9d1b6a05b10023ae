import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSCRIPT_LIMITS } from '../../adapters/redis/transcript.js';
import { Refused } from '../../src/app/errors.js';
import * as sessions from '../../src/app/sessions.js';
import { type Harness, json, startHarness } from '../support/harness.js';

/** A chat's transcript is capped: past it, a message is refused with 413 transcript_full, and nothing is stored. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ maxBacklog: 100_000 });
});
afterAll(async () => h?.stop());

describe('the transcript cap', () => {
  it('refuses the message that would pass the byte cap with 413 transcript_full, storing nothing more', async () => {
    const created = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    });
    const id = created.body.session.id as string;
    const session = (await h.service.ctx.store.sessions.get(id))!;
    const text = 'x'.repeat(4000);
    let sent = 0;
    let refusal: unknown;
    // Each stored entry is a little over 4,000 bytes: the cap comes after about 1,300 of them.
    while (sent < 2_000) {
      try {
        await sessions.userMessage(h.service.ctx, session, text);
        sent++;
      } catch (err) {
        refusal = err;
        break;
      }
    }
    expect(refusal).toBeInstanceOf(Refused);
    expect(refusal).toMatchObject({ code: 'transcript_full', status: 413 });
    expect(sent).toBeGreaterThan(TRANSCRIPT_LIMITS.bytes / 4200);
    expect(sent).toBeLessThan(TRANSCRIPT_LIMITS.bytes / 4000);
    // Through the API: the same clear answer, and the transcript did not grow.
    const before = (await h.service.ctx.store.transcript.read(id, undefined, 5_000)).length;
    const r = await json(`${h.url}/api/v1/sessions/${id}/messages`, {
      method: 'POST',
      token: created.body.token,
      body: { text },
    });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('transcript_full');
    expect((await h.service.ctx.store.transcript.read(id, undefined, 5_000)).length).toBe(before);
  }, 60_000);
});
