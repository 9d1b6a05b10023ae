import { App, type Authorize } from '@slack/bolt';
import type { AppContext } from '../../src/app/context.js';
import { once } from '../../src/app/dedupe.js';
import type { PlatformFactory, PlatformInfra, PlatformModule } from '../../src/app/platformKit/module.js';
import { boltLogger } from './boltLogger.js';
import { InstallLifecycle } from './installs/lifecycle.js';
import { mountInstall } from './installs/routes.js';
import { Sealer } from './installs/seal.js';
import { SignedStateStore } from './installs/state.js';
import { InstallationRecords } from './installs/store.js';
import { SlackPeople } from './people.js';
import { SlackPlatform } from './platform.js';
import { SlackPresence } from './presence.js';
import { registerCommands } from './receiver/commands.js';
import { slackGate } from './receiver/envelope.js';
import { GateReceiver } from './receiver/gateReceiver.js';
import { registerHome } from './receiver/home.js';
import { registerInteractions } from './receiver/interactions.js';
import { registerMessages } from './receiver/messages.js';
import type { SlackDeps } from './receiver/present.js';
import { registerTeamAccess, registerUninstall } from './receiver/uninstall.js';
import { InstalledWorkspaces, SingleWorkspace, type Workspaces } from './workspaces.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The Slack side: a Bolt app (HTTP on /slack/events through the service's Express server,
 * or Socket Mode when SLACK_APP_TOKEN is set) and the platform port on its Web API client.
 * One workspace with SLACK_BOT_TOKEN; with SLACK_CLIENT_ID, "Add to Slack" installs into any
 * number (README "Install into several workspaces"), each event and each delivery using the
 * token of its own workspace.
 */
/** The environment Slack reads (validated by the root's config, src/main/config.ts). */
export interface SlackEnv {
  SLACK_BOT_TOKEN?: string | undefined;
  SLACK_SIGNING_SECRET?: string | undefined;
  SLACK_APP_TOKEN?: string | undefined;
  SLACK_API_URL: string;
  SLACK_COMMAND: string;
  PRESENCE_SLACK_PER_MINUTE: number;
  /** "Add to Slack" (README "Install into several workspaces"). */
  PUBLIC_URL: string;
  SLACK_CLIENT_ID?: string | undefined;
  SLACK_CLIENT_SECRET?: string | undefined;
  SLACK_STATE_SECRET?: string | undefined;
  INSTALLATION_KEY?: string | undefined;
  SLACK_ALLOWED_TEAMS?: readonly string[] | undefined;
  SLACK_TOKEN_ROTATION: boolean;
}

export function slackModule(env: SlackEnv): PlatformFactory {
  return (ctx: AppContext, infra?: PlatformInfra): PlatformModule => {
    const socketMode = Boolean(env.SLACK_APP_TOKEN);
    const logger = boltLogger(ctx.log);
    // Rate limits are waited out by the delivery engine per destination, not inside the client.
    // No retries inside the client either: a retried post after a timeout could show twice.
    const clientOptions = { slackApiUrl: env.SLACK_API_URL, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } };
    // Over HTTP, the gate verifies and parses each request once and hands Bolt the payload.
    if (!socketMode && !env.SLACK_SIGNING_SECRET)
      throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
    const receiver = socketMode ? undefined : new GateReceiver(logger);
    if (env.SLACK_CLIENT_ID && !infra)
      throw new Error(
        'Slack installs keep their installations in the shared storage: the service must pass it (PlatformInfra)',
      );
    const oauth =
      env.SLACK_CLIENT_ID && infra
        ? {
            clientId: env.SLACK_CLIENT_ID,
            clientSecret: env.SLACK_CLIENT_SECRET ?? '',
            store: new InstallationRecords(infra.kv, new Sealer(env.INSTALLATION_KEY ?? '')),
          }
        : undefined;
    const installed =
      oauth && infra
        ? new InstalledWorkspaces({
            store: oauth.store,
            kv: infra.kv,
            clientId: oauth.clientId,
            clientSecret: oauth.clientSecret,
            clientOptions,
            rotation: env.SLACK_TOKEN_ROTATION,
            log: ctx.log,
            now: ctx.now,
          })
        : undefined;
    // With installs, Bolt asks for each event's token (its workspace's installation).
    const authorize: Authorize<boolean> | undefined = installed
      ? async (source) => {
          const ws = await installed.forEvent({
            teamId: source.teamId,
            enterpriseId: source.enterpriseId,
            isEnterpriseInstall: source.isEnterpriseInstall,
          });
          if (!ws) throw new Error('no installation for this workspace');
          return {
            botToken: ws.token,
            botUserId: ws.botUserId,
            botId: ws.botId,
            teamId: source.teamId ?? ws.teamId,
            enterpriseId: source.enterpriseId ?? ws.enterpriseId,
          };
        }
      : undefined;
    const app = new App({
      logger,
      clientOptions,
      ...(authorize ? { authorize } : { token: env.SLACK_BOT_TOKEN ?? '' }),
      ...(receiver ? { receiver } : { socketMode: true, appToken: env.SLACK_APP_TOKEN }),
    });
    const workspaces: Workspaces = installed ?? new SingleWorkspace(app.client, env.SLACK_BOT_TOKEN ?? '');
    const people = new SlackPeople(workspaces, ctx.store.links, ctx.directory, ctx.log);
    const d: SlackDeps = { ctx, people, command: env.SLACK_COMMAND };
    const lifecycle = oauth ? new InstallLifecycle(ctx, oauth.store, people, ctx.log) : undefined;

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
    if (lifecycle) {
      registerUninstall(app, lifecycle);
      registerTeamAccess(app, lifecycle);
    }
    app.error(async (err) => {
      ctx.log.error({ err: err.message, code: (err as { code?: string }).code }, 'slack listener failed');
    });

    return {
      platform: new SlackPlatform(workspaces, people, ctx.log, env.SLACK_API_URL, ctx.files.store),
      presence: new SlackPresence(workspaces, people, env.PRESENCE_SLACK_PER_MINUTE),
      mount: (server) => {
        if (oauth && lifecycle && infra) {
          mountInstall(server, {
            clientId: oauth.clientId,
            clientSecret: oauth.clientSecret,
            publicUrl: env.PUBLIC_URL,
            store: oauth.store,
            states: new SignedStateStore(env.SLACK_STATE_SECRET ?? '', infra.kv, ctx.now),
            allowed: env.SLACK_ALLOWED_TEAMS,
            clientOptions: { slackApiUrl: env.SLACK_API_URL, retryConfig: { retries: 0 } },
            log: ctx.log,
            installed: (id) => lifecycle.installed(id),
          });
        }
        if (!receiver) return;
        server.post(
          SLACK_EVENTS_PATH,
          slackGate({ signingSecret: env.SLACK_SIGNING_SECRET ?? '', command: env.SLACK_COMMAND, receiver }),
        );
      },
      start: socketMode
        ? async () => {
            await app.start();
          }
        : undefined,
      stop: socketMode
        ? async () => {
            await app.stop();
          }
        : undefined,
    };
  };
}
