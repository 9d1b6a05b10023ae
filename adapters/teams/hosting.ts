import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';
import type {
  AuthenticateRequestResult,
  BotFrameworkAuthentication,
  ConnectorClientOptions,
} from 'botframework-connector';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { issuesOf, sendError } from '../../src/app/platformKit/answer.js';
import { say } from '../../src/app/wording/index.js';
import { IncomingActivity, tenantOf, toActivity } from './activity.js';
import type { SwitchboardBot } from './bot.js';
import { connectorHttpClient } from './connectorHttp.js';

/** The variables Teams needs. */
export interface TeamsEnv {
  MicrosoftAppId: string;
  MicrosoftAppPassword: string;
  MicrosoftAppType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  MicrosoftAppTenantId: string;
  /** Tenants served (README "Install into several workspaces"). */
  TEAMS_ALLOWED_TENANTS?: readonly string[] | undefined;
}

/**
 * The tenants whose activities are served: TEAMS_ALLOWED_TENANTS, else a SingleTenant app's
 * own tenant; undefined (any tenant) for a MultiTenant app without a list, or without auth.
 */
export function allowedTenants(env: TeamsEnv): ReadonlySet<string> | undefined {
  if (env.TEAMS_ALLOWED_TENANTS?.length) return new Set(env.TEAMS_ALLOWED_TENANTS);
  return env.MicrosoftAppId && env.MicrosoftAppType === 'SingleTenant' && env.MicrosoftAppTenantId
    ? new Set([env.MicrosoftAppTenantId])
    : undefined;
}

/** The CloudAdapter, running a turn for a request authenticated beforehand (see mountMessages). */
class TeamsAdapter extends CloudAdapter {
  runAuthenticated(auth: AuthenticateRequestResult, activity: Activity, logic: (tc: TurnContext) => Promise<void>) {
    return this.processActivity(auth, activity, logic);
  }
}

/** The CloudAdapter and the authentication it was built with (requests are authenticated before the adapter runs them). */
export interface Hosting {
  adapter: TeamsAdapter;
  auth: BotFrameworkAuthentication;
  /** Bot Framework JWTs are required (an app id is set). */
  authRequired: boolean;
  /** The tenants served (allowedTenants): tokens and activities of any other are refused (403). */
  tenants: ReadonlySet<string> | undefined;
}

/**
 * The CloudAdapter, from the standard MicrosoftApp* settings. With an app id, every request
 * to /api/messages must carry a valid Bot Framework JWT; with none (local use only), auth is off.
 */
export function createAdapter(env: TeamsEnv): Hosting {
  const set = (v: string) => (v ? v : undefined);
  const creds = env.MicrosoftAppId
    ? {
        MicrosoftAppId: env.MicrosoftAppId,
        MicrosoftAppPassword: set(env.MicrosoftAppPassword),
        MicrosoftAppType: env.MicrosoftAppType,
        MicrosoftAppTenantId: set(env.MicrosoftAppTenantId),
      }
    : {};
  const authConfig: ConfigurationBotFrameworkAuthenticationOptions = env.MicrosoftAppId
    ? {
        MicrosoftAppId: env.MicrosoftAppId,
        ...(env.MicrosoftAppTenantId ? { MicrosoftAppTenantId: env.MicrosoftAppTenantId } : {}),
      }
    : {};
  // Our HTTP client: no retries inside the connector client; the outbox retries instead.
  const options = { httpClient: connectorHttpClient } as unknown as ConnectorClientOptions;
  const auth = new ConfigurationBotFrameworkAuthentication(
    authConfig,
    new ConfigurationServiceClientCredentialFactory(creds),
    undefined,
    undefined,
    options,
  );
  return {
    adapter: new TeamsAdapter(auth),
    auth,
    authRequired: Boolean(env.MicrosoftAppId),
    tenants: allowedTenants(env),
  };
}

const TENANT_CLAIM = 'tid';

/** Bot Framework's verdict on a request (null: not authenticated), and ours on its tenant ('tenant': not served here). */
async function authenticate(
  h: Hosting,
  activity: Activity,
  header: string,
  log: Logger,
): Promise<AuthenticateRequestResult | null | 'tenant'> {
  let result: AuthenticateRequestResult;
  try {
    result = await h.auth.authenticateRequest(activity, header);
  } catch (err) {
    // Whatever the reason (bad signature, audience, issuer, expiry, a token botbuilder cannot
    // even read), the caller is not authenticated: 401, never botbuilder's 500.
    log.info({ reason: (err as Error).message }, 'Bot Framework token refused');
    return null;
  }
  if (h.tenants) {
    const tid = result.claimsIdentity.getClaimValue(TENANT_CLAIM);
    const tenant = tenantOf(activity);
    // Every activity names its tenant; one that names none, or another, is not served.
    if ((tid && !h.tenants.has(tid)) || !tenant || !h.tenants.has(tenant)) {
      log.info({ tid, tenant }, 'Bot Framework request from a tenant not served here refused');
      return 'tenant';
    }
  }
  return result;
}

/**
 * `POST /api/messages`, with its own JSON parser (Bot Framework activities can be large).
 * What botbuilder's `adapter.process` does, in an order that keeps every mistake a 4xx: the
 * activity is checked with zod (400), then authenticated (401), then run by the adapter.
 */
export function mountMessages(app: Express, h: Hosting, bot: SwitchboardBot, log: Logger): void {
  app.post('/api/messages', express.json({ limit: '256kb' }), async (req, res, next) => {
    const header = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    if (h.authRequired && !header) return sendError(res, 401, 'unauthorized', say('refusal.request.token'));
    // First the shape: authentication itself reads the activity (channelId, serviceUrl).
    const checked = IncomingActivity.safeParse(req.body);
    if (!checked.success)
      return sendError(res, 400, 'invalid_activity', say('refusal.request.activity'), issuesOf(checked.error, 10));
    const activity = toActivity(checked.data);
    const authenticated = await authenticate(h, activity, header, log);
    if (!authenticated) return sendError(res, 401, 'unauthorized', say('refusal.request.token'));
    if (authenticated === 'tenant') return sendError(res, 403, 'tenant_not_allowed', say('refusal.request.tenant'));
    try {
      const answer = await h.adapter.runAuthenticated(authenticated, activity, (tc) => bot.run(tc));
      res.status(answer?.status ?? 200);
      if (answer?.body !== undefined) res.json(answer.body);
      else res.end();
    } catch (err) {
      next(err);
    }
  });
}
