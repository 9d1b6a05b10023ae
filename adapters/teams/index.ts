import type { Logger } from 'pino';
import type { PlatformFactory } from '../../src/app/platformKit/module.js';
import { SwitchboardBot } from './bot.js';
import { TeamsConnector } from './connector.js';
import { createAdapter, mountMessages, type TeamsEnv } from './hosting.js';
import { TeamsPeople } from './people.js';
import { TEAMS, TeamsPlatform } from './client.js';
import { TeamsReferences } from './references.js';

export { TEAMS, TeamsPlatform, placeKey } from './client.js';


/** The Teams platform module: the port, and `POST /api/messages` on the service's server. */
export function teamsModule(env: TeamsEnv, log?: Logger): PlatformFactory {
  return (ctx) => {
    const tlog = (log ?? ctx.log).child({ platform: TEAMS });
    const hosting = createAdapter(env);
    const { adapter } = hosting;
    const refs = new TeamsReferences(ctx.store.links);
    const people = new TeamsPeople(refs, ctx.directory, tlog, env.MicrosoftAppTenantId || undefined, env.TEAMS_ALLOWED_TENANTS);
    const connector = new TeamsConnector(adapter, env.MicrosoftAppId);
    const platform = new TeamsPlatform({ ctx, connector, people, refs, appId: env.MicrosoftAppId, tenantId: env.MicrosoftAppTenantId || undefined, log: tlog });
    const bot = new SwitchboardBot({ ctx, people, refs, log: tlog });
    return { platform, mount: (app) => mountMessages(app, hosting, bot, tlog) };
  };
}
