import type { Logger } from 'pino';
import { modeOf } from '../../src/app/availability.js';
import type { PlatformFactory } from '../../src/app/platformKit/module.js';
import { SwitchboardBot } from './bot.js';
import { TeamsConnector } from './connector.js';
import { createAdapter, mountMessages, type TeamsEnv } from './hosting.js';
import { TeamsPeople } from './people.js';
import { TEAMS, TeamsPlatform } from './platform.js';
import { TeamsPresence, type TeamsPresenceEnv, teamsPresenceSettings } from './presence.js';
import { TeamsReferences } from './references.js';
import { teamsOfQueue } from './settings.js';

export { placeKey, TEAMS, TeamsPlatform } from './platform.js';

/** The Teams platform module: the port, and `POST /api/messages` on the service's server. */
export function teamsModule(env: TeamsEnv & Partial<TeamsPresenceEnv>, log?: Logger): PlatformFactory {
  return (ctx) => {
    const tlog = (log ?? ctx.log).child({ platform: TEAMS });
    const hosting = createAdapter(env);
    const { adapter } = hosting;
    const refs = new TeamsReferences(ctx.store.links);
    const people = new TeamsPeople(
      refs,
      ctx.directory,
      tlog,
      env.MicrosoftAppTenantId || undefined,
      env.TEAMS_ALLOWED_TENANTS,
    );
    const connector = new TeamsConnector(adapter, env.MicrosoftAppId);
    const platform = new TeamsPlatform({
      ctx,
      connector,
      people,
      refs,
      appId: env.MicrosoftAppId,
      tenantId: env.MicrosoftAppTenantId || undefined,
      log: tlog,
    });
    const bot = new SwitchboardBot({ ctx, people, refs, log: tlog });
    // README "Availability": presence from Microsoft Graph, when the app has credentials and a tenant.
    const graph = teamsPresenceSettings(
      env,
      ctx.directory.get().queues.flatMap((q) => teamsOfQueue(q)?.tenantId ?? []),
    );
    const presence =
      typeof graph === 'string'
        ? undefined
        : new TeamsPresence(
            graph,
            (a) => people.aadObjectId(a),
            (a) => people.reaches(a) !== 'no',
          );
    if (
      typeof graph === 'string' &&
      ctx.directory.get().agents.some((a) => modeOf(ctx, a) === 'presence' && people.reaches(a) === 'yes')
    ) {
      tlog.warn(
        { reason: graph },
        'Teams presence is off: presence-mode agents on Teams stay manual (their own Available/Away)',
      );
    }
    return { platform, ...(presence ? { presence } : {}), mount: (app) => mountMessages(app, hosting, bot, tlog) };
  };
}
