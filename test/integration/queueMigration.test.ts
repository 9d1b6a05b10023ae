import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../adapters/redis/connection.js';
import { legacyQueuePrefix, queuePrefix } from '../../adapters/redis/keys.js';
import { HOMES_QUEUE } from '../../jobs/homes.js';
import { INVITES_QUEUE } from '../../jobs/inviteExpiry.js';
import * as invites from '../../src/app/invites.js';
import * as sessions from '../../src/app/sessions.js';
import {
  cleanup,
  type Harness,
  REDIS_CLUSTER_NODES,
  REDIS_TARGET,
  startHarness,
  uniquePrefix,
  waitFor,
} from '../support/harness.js';

/**
 * A deployment from before BullMQ's prefix carried a hash tag (`prefix:q`) upgrades: the
 * jobs still to run are moved to `prefix:{q}` at start-up, due when they were due.
 */
let h: Harness | undefined;
let prefix = '';
afterEach(async () => {
  await h?.service.stop().catch(() => undefined);
  await cleanup(prefix);
  h = undefined;
});

describe.skipIf(REDIS_CLUSTER_NODES)('moving the old queue prefix', () => {
  it('an invite expiry and a later job under the old prefix are moved, and the expiry still fires', async () => {
    prefix = uniquePrefix();
    const first = await startHarness({ prefix });
    const ctx = first.service.ctx;
    const { session } = await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' } });
    await sessions.accept(ctx, session.id, ctx.directory.get().agent('alice'));
    const invite = await invites.invite(ctx, {
      sessionId: session.id,
      inviterId: 'alice',
      inviteeId: 'bob',
      mode: 'participant',
    });
    await first.service.stop();
    h = first;

    // As an old deployment left it: the timer under the old prefix, none under the new.
    const connection = connect(REDIS_TARGET, 'queues');
    const fresh = new Queue(INVITES_QUEUE, { connection, prefix: queuePrefix(prefix) });
    await fresh.remove(`expire-${invite.id}`);
    const oldInvites = new Queue(INVITES_QUEUE, { connection, prefix: legacyQueuePrefix(prefix) });
    const oldHomes = new Queue(HOMES_QUEUE, { connection, prefix: legacyQueuePrefix(prefix) });
    await oldInvites.add('expire', { inviteId: invite.id }, { jobId: `expire-${invite.id}`, delay: 300 });
    await oldHomes.add('publish', { agentId: 'alice' }, { jobId: 'later', delay: 60_000 });

    h = await startHarness({ prefix });
    await waitFor(
      async () => (await h!.service.ctx.store.invites.get(invite.id))?.status === 'expired',
      10_000,
      'the moved expiry to fire',
    );
    const newHomes = new Queue(HOMES_QUEUE, { connection, prefix: queuePrefix(prefix) });
    const later = await waitFor(() => newHomes.getJob('later'), 5000, 'the later job moved');
    expect(await later.getState()).toBe('delayed');
    // Still due about a minute from when it was added, not from the move.
    expect(later.timestamp + (later.opts.delay ?? 0)).toBeGreaterThan(Date.now() + 50_000);
    expect(await oldInvites.getJobCountByTypes('delayed', 'waiting')).toBe(0);
    expect(await oldHomes.getJobCountByTypes('delayed', 'waiting')).toBe(0);
    await Promise.all([fresh.close(), oldInvites.close(), oldHomes.close(), newHomes.close()]);
    await connection.quit();
  });
});
