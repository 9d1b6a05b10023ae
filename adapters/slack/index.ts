import { App, ExpressReceiver } from '@slack/bolt';
import { once } from '../../src/app/dedupe.js';
import type { AppContext } from '../../src/app/context.js';
import type { PlatformFactory, PlatformModule } from '../../src/app/platformKit/module.js';
import { boltLogger } from './boltLogger.js';
import { SlackPlatform } from './client.js';
import { SlackPeople } from './people.js';
import { SlackPresence } from './presence.js';
import { registerCommands } from './receiver/commands.js';
import { registerHome } from './receiver/home.js';
import { registerInteractions } from './receiver/interactions.js';
import { registerMessages } from './receiver/messages.js';
import { slackGate } from './receiver/envelope.js';
import type { SlackDeps } from './receiver/present.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The Slack side: a Bolt app (HTTP on /slack/events through the service's Express server,
 * or Socket Mode when SLACK_APP_TOKEN is set) and the platform port on its Web API client.
 */
/** The environment Slack reads (validated by the root's config, src/main/config.ts). */
export interface SlackEnv {
  SLACK_BOT_TOKEN?: string | undefined;
  SLACK_SIGNING_SECRET?: string | undefined;
  SLACK_APP_TOKEN?: string | undefined;
  SLACK_API_URL: string;
  SLACK_COMMAND: string;
  PRESENCE_SLACK_PER_MINUTE: number;
}

export function slackModule(env: SlackEnv): PlatformFactory {
  return (ctx: AppContext): PlatformModule => {
    const token = env.SLACK_BOT_TOKEN ?? '';
    const socketMode = Boolean(env.SLACK_APP_TOKEN);
    const logger = boltLogger(ctx.log);
    // Rate limits are waited out by the delivery engine per destination, not inside the client.
    // No retries inside the client either: a retried post after a timeout could show twice.
    const clientOptions = { slackApiUrl: env.SLACK_API_URL, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } };
    const receiver = socketMode ? undefined : new ExpressReceiver({ signingSecret: env.SLACK_SIGNING_SECRET ?? '', endpoints: SLACK_EVENTS_PATH, logger });
    const app = new App({
      token, logger, clientOptions,
      ...(receiver ? { receiver } : { socketMode: true, appToken: env.SLACK_APP_TOKEN }),
    });
    const people = new SlackPeople(app.client, ctx.store.links, ctx.directory, ctx.log);
    const d: SlackDeps = { ctx, people, client: app.client, command: env.SLACK_COMMAND };

    // Slack retries an event it thinks we missed (X-Slack-Retry-Num): one event id, one handling.
    app.use(async ({ body, next }) => {
      const eventId = (body as { event_id?: unknown }).event_id;
      if (typeof eventId !== 'string') return next();
      await once(ctx, `slack:event:${eventId}`, 3_600, next);
    });
    registerMessages(app, d);
    registerInteractions(app, d);
    registerCommands(app, d);
    registerHome(app, d);
    app.error(async (err) => {
      ctx.log.error({ err: err.message, code: (err as { code?: string }).code }, 'slack listener failed');
    });

    return {
      platform: new SlackPlatform(app.client, people, token, ctx.log, env.SLACK_API_URL, ctx.files.store),
      presence: new SlackPresence(app.client, people, env.PRESENCE_SLACK_PER_MINUTE),
      mount: receiver ? (server) => {
        server.post(SLACK_EVENTS_PATH, slackGate({ signingSecret: env.SLACK_SIGNING_SECRET ?? '', command: env.SLACK_COMMAND }));
        server.use(receiver.router);
      } : undefined,
      start: socketMode ? async () => {
        await app.start();
      } : undefined,
      stop: socketMode ? async () => {
        await app.stop();
      } : undefined,
    };
  };
}
