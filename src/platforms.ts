import type { Logger } from 'pino';
import type { Env } from './config.js';
import type { PlatformFactory } from './service.js';

/** The platforms the environment enables. Adapters are loaded only when configured. */
export async function platformFactories(env: Env, log: Logger): Promise<PlatformFactory[]> {
  const out: PlatformFactory[] = [];
  // Teams: /api/messages on the service's server (MicrosoftApp* variables; TEAMS_ENABLED=true with no app id for local use).
  if (env.teamsEnabled) out.push((await import('../adapters/teams/index.js')).teamsModule(env, log));
  if (env.slackEnabled) {
    const { slackModule } = await import('../adapters/slack/index.js');
    out.push(slackModule(env));
    log.info({ mode: env.SLACK_APP_TOKEN ? 'socket' : 'http' }, 'Slack enabled');
  }
  return out;
}
