import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type InstallURLOptions, InvalidStateError, type StateStore } from '@slack/oauth';
import { z } from 'zod';
import type { KeyValue } from '../../../src/app/platformKit/keyValue.js';

/** How long an install may take between "Add to Slack" and Slack's redirect back. */
export const STATE_TTL_SECONDS = 600;

const Payload = z.object({
  n: z.string().min(16),
  exp: z.number(),
  o: z.looseObject({ scopes: z.union([z.array(z.string()), z.string()]) }),
});

/**
 * The OAuth state: signed with SLACK_STATE_SECRET (HMAC-SHA256), short-lived, and single-use
 * across instances (its nonce is spent with SET NX). A tampered, expired or replayed state
 * is an InvalidStateError, which the redirect answers with 400 before Slack is asked for tokens.
 */
export class SignedStateStore implements StateStore {
  constructor(
    private readonly secret: string,
    private readonly kv: KeyValue,
    private readonly now: () => number = Date.now,
  ) {}

  private sign(data: string): Buffer {
    return createHmac('sha256', this.secret).update(data).digest();
  }

  async generateStateParam(installOptions: InstallURLOptions): Promise<string> {
    const body = Buffer.from(
      JSON.stringify({
        n: randomBytes(16).toString('base64url'),
        exp: this.now() + STATE_TTL_SECONDS * 1000,
        o: installOptions,
      }),
    ).toString('base64url');
    return `${body}.${this.sign(body).toString('base64url')}`;
  }

  async verifyStateParam(_now: Date, state: string): Promise<InstallURLOptions> {
    const [body = '', sig = ''] = state.split('.');
    const given = Buffer.from(sig, 'base64url');
    const want = this.sign(body);
    if (given.length !== want.length || !timingSafeEqual(given, want))
      throw new InvalidStateError('The state is not ours.');
    let payload: z.infer<typeof Payload>;
    try {
      payload = Payload.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      throw new InvalidStateError('The state cannot be read.');
    }
    if (payload.exp < this.now()) throw new InvalidStateError('The state has expired.');
    const fresh = await this.kv.putNew(`slack:oauth-state:${payload.n}`, '1', STATE_TTL_SECONDS * 1000);
    if (!fresh) throw new InvalidStateError('The state was used already.');
    return payload.o as InstallURLOptions;
  }
}
