import {
  CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions, ConfigurationServiceClientCredentialFactory,
} from 'botbuilder';
import type { ConnectorClientOptions } from 'botframework-connector';
import express, { type Express } from 'express';
import type { Env } from '../../src/config.js';
import type { SwitchboardBot } from './bot.js';
import { connectorHttpClient } from './connectorHttp.js';

/**
 * The CloudAdapter, from the standard MicrosoftApp* settings. With an app id, every request
 * to /api/messages must carry a valid Bot Framework JWT; with none (local use only), auth is off.
 */
export function createAdapter(env: Pick<Env, 'MicrosoftAppId' | 'MicrosoftAppPassword' | 'MicrosoftAppType' | 'MicrosoftAppTenantId'>): CloudAdapter {
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
    ? { MicrosoftAppId: env.MicrosoftAppId, ...(env.MicrosoftAppTenantId ? { MicrosoftAppTenantId: env.MicrosoftAppTenantId } : {}) }
    : {};
  // Our HTTP client: no retries inside the connector client; the outbox retries instead.
  const options = { httpClient: connectorHttpClient } as unknown as ConnectorClientOptions;
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(authConfig, new ConfigurationServiceClientCredentialFactory(creds), undefined, undefined, options));
}

/** `POST /api/messages`, with its own JSON parser (Bot Framework activities can be large). */
export function mountMessages(app: Express, adapter: CloudAdapter, bot: SwitchboardBot, authRequired: boolean): void {
  app.post('/api/messages', express.json({ limit: '256kb' }), async (req, res) => {
    // Turned away here, a request with no token skips botbuilder's stack trace on stderr; tokens are still validated below.
    if (authRequired && !req.headers.authorization) {
      res.status(401).json({ error: { code: 'unauthorized', message: 'A Bot Framework token is required.' } });
      return;
    }
    await adapter.process(req, res, (tc) => bot.run(tc));
  });
}
