import type { Logger } from 'pino';
import { slackSection } from '../../adapters/slack/settings.js';
import { teamsSection } from '../../adapters/teams/settings.js';
import type { PlatformFactory } from '../app/platformKit/module.js';
import type { DirectorySections } from '../domain/directory.js';
import type { Env } from './config.js';

/** Each platform's own sections of the directory file, validated with the file. */
export const DIRECTORY_SECTIONS: DirectorySections = { slack: slackSection, teams: teamsSection };

/** The platforms the environment enables. Adapters are loaded only when configured. */
export async function platformFactories(env: Env, log: Logger): Promise<PlatformFactory[]> {
  const out: PlatformFactory[] = [];
  if (env.teamsEnabled) {
    const { teamsModule } = await import('../../adapters/teams/index.js');
    out.push(teamsModule(env, log));
    if (env.MicrosoftAppId) log.info({ appType: env.MicrosoftAppType }, 'Teams enabled');
    else
      log.warn(
        'Teams enabled WITHOUT authentication (no MicrosoftAppId): for local testing only, never expose /api/messages',
      );
  }
  if (env.slackEnabled) {
    const { slackModule } = await import('../../adapters/slack/index.js');
    out.push(slackModule(env));
    log.info({ mode: env.SLACK_APP_TOKEN ? 'socket' : 'http' }, 'Slack enabled');
  }
  return out;
}
