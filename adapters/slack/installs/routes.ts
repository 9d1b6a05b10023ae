import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CodedError, ErrorCode, type Installation, InstallProvider } from '@slack/oauth';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { say } from '../../../src/app/wording/index.js';
import { BOT_SCOPES } from './scopes.js';
import type { SignedStateStore } from './state.js';
import { type InstallationRecords, installationId } from './store.js';

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

export interface InstallRoutesOptions {
  clientId: string;
  clientSecret: string;
  publicUrl: string;
  store: InstallationRecords;
  states: SignedStateStore;
  /** Team or enterprise ids allowed to install; undefined: anyone. */
  allowed: readonly string[] | undefined;
  clientOptions: WebClientOptions;
  log: Logger;
  /** A workspace was installed (its paused queues resume). */
  installed(id: string): Promise<void>;
}

/** Mistakes in the redirect that are the caller's (a bad, spent or missing state or code): 400. */
const CALLERS = new Set<string>([
  ErrorCode.InvalidStateError,
  ErrorCode.MissingStateError,
  ErrorCode.MissingCodeError,
  ErrorCode.AuthorizationError,
]);

const answer = (res: ServerResponse, status: number, code: string, message: string): void => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: { code, message } }));
};

/**
 * "Add to Slack": `GET /slack/install` redirects to Slack with a signed, single-use state (and
 * the same state in a cookie); `GET /slack/oauth_redirect` checks both, exchanges the code
 * (oauth.v2.access) and stores the installation. A workspace outside SLACK_ALLOWED_TEAMS is
 * refused and its fresh tokens revoked (auth.revoke): nothing is stored.
 */
export function mountInstall(app: Express, o: InstallRoutesOptions): void {
  const installer = new InstallProvider({
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    stateStore: o.states,
    installationStore: o.store,
    directInstall: true,
    stateCookieExpirationSeconds: 600,
    clientOptions: o.clientOptions,
    logger: quietLogger(o.log),
  });
  const installOptions = { scopes: [...BOT_SCOPES], redirectUri: new URL(REDIRECT_PATH, o.publicUrl).toString() };

  const allowedOf = (i: Installation): boolean =>
    !o.allowed || [i.team?.id, i.enterprise?.id].some((id) => id !== undefined && o.allowed!.includes(id));

  app.get(INSTALL_PATH, async (req, res, next) => {
    try {
      await installer.handleInstallPath(req, res, {}, installOptions);
    } catch (err) {
      next(err);
    }
  });

  app.get(REDIRECT_PATH, async (req, res) => {
    await installer.handleCallback(req, res, {
      afterInstallation: async (
        installation: Installation,
        _opts,
        _req: IncomingMessage,
        callbackRes: ServerResponse,
      ) => {
        if (allowedOf(installation)) return true;
        const id = installation.isEnterpriseInstall ? installation.enterprise?.id : installation.team?.id;
        o.log.warn(
          { team: installation.team?.id, enterprise: installation.enterprise?.id },
          'Slack install refused: not in SLACK_ALLOWED_TEAMS; its tokens are revoked',
        );
        // Undone on Slack's side too: the tokens just issued are revoked, so the app is not left installed.
        for (const token of [installation.bot?.token, installation.user?.token]) {
          if (token)
            await new WebClient(token, o.clientOptions).auth
              .revoke()
              .catch((err: Error) => o.log.warn({ err: err.message, team: id }, 'auth.revoke failed'));
        }
        answer(callbackRes, 403, 'team_not_allowed', say('refusal.slack.team_not_allowed'));
        return false;
      },
      successAsync: async (installation: Installation, _opts, _req, callbackRes: ServerResponse) => {
        const id = installationId(installation);
        o.log.info({ installation: id, enterprise: installation.isEnterpriseInstall === true }, 'Slack installed');
        await o
          .installed(id)
          .catch((err: Error) =>
            o.log.warn({ err: err.message, installation: id }, "could not resume the workspace's queues"),
          );
        callbackRes.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        callbackRes.end(say('slack.installed'));
      },
      failure: (error: CodedError, _opts, _req: IncomingMessage, callbackRes: ServerResponse) => {
        if (callbackRes.headersSent) return;
        const platform = (error as { data?: { error?: string } }).data?.error;
        // A code Slack does not know (invalid_code, code_already_used) is the caller's too.
        if (
          CALLERS.has(error.code) ||
          platform === 'invalid_code' ||
          platform === 'code_already_used' ||
          platform === 'bad_redirect_uri'
        ) {
          answer(callbackRes, 400, 'invalid_install', say('refusal.slack.install'));
          return;
        }
        o.log.error({ code: error.code, platform }, 'Slack install failed');
        answer(callbackRes, 502, 'install_failed', say('refusal.slack.install_failed'));
      },
    });
  });
}

/** @slack/oauth logs through this: pino underneath, at debug except for errors (never with tokens). */
function quietLogger(log: Logger) {
  const l = log.child({ lib: 'slack-oauth' });
  let level = 'info';
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...m: unknown[]) => l.debug({ msg: m.map(String).join(' ') }),
    error: (...m: unknown[]) => l.debug({ msg: m.map((x) => (x instanceof Error ? x.message : String(x))).join(' ') }),
    setLevel: (v: string) => {
      level = v;
    },
    getLevel: () => level,
    setName: () => undefined,
  } as unknown as ConstructorParameters<typeof InstallProvider>[0]['logger'];
}
