import { ErrorCode } from '@slack/web-api';
import { z } from 'zod';
import { PresenceDenied, type PresenceSource, RetryLaterError } from '../../src/app/ports.js';
import type { Agent } from '../../src/domain/directory.js';
import type { SlackPeople } from './people.js';
import { platformError } from './webErrors.js';
import type { Workspaces } from './workspaces.js';

/** users.getPresence's answer, as far as we read it. */
const PresenceAnswer = z.object({ presence: z.enum(['active', 'away']) });

/** Errors that mean the app may not read presence (the users:read scope, a revoked token). */
const DENIED = new Set([
  'missing_scope',
  'not_allowed_token_type',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'no_permission',
]);

/**
 * Slack presence (README "Availability"): users.getPresence (scope users:read, Tier 3) for one
 * agent per call, with the token of the agent's workspace; `active` is online. The poller keeps
 * to PRESENCE_SLACK_PER_MINUTE calls a minute per workspace.
 */
export class SlackPresence implements PresenceSource {
  readonly platform = 'slack';
  readonly batch = 1;

  constructor(
    private readonly workspaces: Workspaces,
    private readonly people: SlackPeople,
    readonly perMinute: number,
  ) {}

  covers(agent: Agent): boolean {
    return this.people.reaches(agent) !== 'no';
  }

  async check(agents: readonly Agent[]): Promise<Map<string, boolean>> {
    const out = new Map<string, boolean>();
    for (const agent of agents) {
      try {
        // Asked in the agent's own workspace, with its token (README "Install into several workspaces").
        const ws = await this.workspaces.forTeam(this.people.teamOf(agent));
        const user = ws ? await this.people.userId(agent) : undefined;
        if (!ws || !user) continue;
        const answer = PresenceAnswer.safeParse(await ws.client.users.getPresence({ user }));
        if (!answer.success) throw new Error('users.getPresence answered without a presence');
        out.set(agent.id, answer.data.presence === 'active');
      } catch (err) {
        throw presenceError(err);
      }
    }
    return out;
  }
}

function presenceError(err: unknown): unknown {
  const e = err as { code?: string; retryAfter?: number };
  if (e.code === ErrorCode.RateLimitedError)
    return new RetryLaterError('Slack rate limit (users.getPresence)', (e.retryAfter ?? 60) * 1000);
  const code = platformError(err);
  if (code === 'ratelimited') return new RetryLaterError('Slack rate limit (users.getPresence)', 60_000);
  if (code && DENIED.has(code))
    return new PresenceDenied(`Slack refused users.getPresence (${code}): the app needs the users:read scope`);
  return err;
}
