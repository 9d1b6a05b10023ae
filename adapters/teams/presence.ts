import { z } from 'zod';
import { PresenceDenied, type PresenceSource, RetryLaterError } from '../../src/app/ports.js';
import { DEFAULT_ONLINE, graphOnline } from '../../src/domain/availability.js';
import type { Agent } from '../../src/domain/directory.js';

/** What Teams presence needs: the app's credentials and tenant, the endpoints, and which availabilities are online. */
export interface GraphPresenceSettings {
  appId: string;
  appPassword: string;
  tenantId: string;
  /** GRAPH_API_URL, e.g. https://graph.microsoft.com/v1.0/ */
  graphUrl: string;
  /** MICROSOFT_AUTHORITY_URL, e.g. https://login.microsoftonline.com/ */
  authorityUrl: string;
  /** PRESENCE_ONLINE */
  online: readonly string[];
  /** Calls a minute (default 4: one every 15 s). */
  perMinute?: number;
}

const TokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().int().positive() });
const TokenError = z.object({ error: z.string().optional(), error_description: z.string().optional() });
const GraphError = z.object({
  error: z.object({ code: z.string().optional(), message: z.string().optional() }).optional(),
});
const Presences = z.object({ value: z.array(z.object({ id: z.string(), availability: z.string().optional() })) });

/** Graph takes up to 650 ids per getPresencesByUserId. */
export const GRAPH_BATCH = 650;
/** Every 15 s: Graph allows far more; presence is slow to change anyway. */
const CALLS_PER_MINUTE = 4;
const TIMEOUT_MS = 15_000;
/** The token is renewed this long before it expires. */
const EARLY_MS = 60_000;

const retryAfterMs = (res: Response): number | undefined => {
  const s = Number(res.headers.get('retry-after'));
  return Number.isFinite(s) && s > 0 ? s * 1000 : undefined;
};
/** The first sentence of Entra's error description ("AADSTS65001: The user or administrator has not consented…"). */
const firstLine = (s: string | undefined): string | undefined => s?.split(/\r?\n/)[0]?.slice(0, 300);

/**
 * Teams presence (README "Availability"): Microsoft Graph POST
 * /communications/getPresencesByUserId, up to 650 agents a call, with the app's own token
 * (client credentials: MicrosoftAppId / MicrosoftAppPassword in the app's tenant). Needs the
 * application permission Presence.Read.All with an admin's consent; without it, Graph or the
 * token endpoint refuses, and the agents stay manual. Plain fetch, answers checked with zod.
 */
export class TeamsPresence implements PresenceSource {
  readonly platform = 'teams';
  readonly batch = GRAPH_BATCH;
  readonly perMinute: number;
  private token: { value: string; until: number } | undefined;

  constructor(
    private readonly s: GraphPresenceSettings,
    private readonly aadOf: (agent: Agent) => Promise<string | undefined>,
    private readonly reachable: (agent: Agent) => boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.perMinute = s.perMinute ?? CALLS_PER_MINUTE;
  }

  covers(agent: Agent): boolean {
    return this.reachable(agent);
  }

  async check(agents: readonly Agent[]): Promise<Map<string, boolean>> {
    const agentOf = new Map<string, string>();
    for (const a of agents) {
      const aad = await this.aadOf(a);
      if (aad) agentOf.set(aad.toLowerCase(), a.id);
    }
    const out = new Map<string, boolean>();
    if (agentOf.size === 0) return out;
    const token = await this.accessToken();
    const res = await this.send(new URL('communications/getPresencesByUserId', withSlash(this.s.graphUrl)), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [...agentOf.keys()] }),
    });
    if (res.status === 429 || res.status === 503)
      throw new RetryLaterError(`Graph presence ${res.status}`, retryAfterMs(res));
    if (res.status === 401) {
      this.token = undefined; // expired or revoked early: a new one next time
      throw new Error('Graph refused the token (401)');
    }
    if (res.status === 403) {
      const e = GraphError.safeParse(await res.json().catch(() => ({})));
      const code = e.success ? e.data.error?.code : undefined;
      throw new PresenceDenied(
        `Graph refused getPresencesByUserId (${code ?? '403'}): the app needs the application permission Presence.Read.All, granted by an admin`,
      );
    }
    if (!res.ok) throw new Error(`Graph getPresencesByUserId answered ${res.status}`);
    const body = Presences.safeParse(await res.json().catch(() => undefined));
    if (!body.success) throw new Error('Graph getPresencesByUserId answered something else than presences');
    for (const p of body.data.value) {
      const id = agentOf.get(p.id.toLowerCase());
      if (id) out.set(id, graphOnline(p.availability ?? 'PresenceUnknown', this.s.online));
    }
    return out;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.until) return this.token.value;
    const res = await this.send(
      new URL(`${encodeURIComponent(this.s.tenantId)}/oauth2/v2.0/token`, withSlash(this.s.authorityUrl)),
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: this.s.appId,
          client_secret: this.s.appPassword,
          grant_type: 'client_credentials',
          scope: 'https://graph.microsoft.com/.default',
        }),
      },
    );
    if (res.status === 429 || res.status >= 500)
      throw new RetryLaterError(`Microsoft token endpoint ${res.status}`, retryAfterMs(res));
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      // AADSTS65001 (no consent), an unknown app or a wrong secret: nothing to retry soon. The secret is never logged.
      const e = TokenError.safeParse(json);
      const why = (e.success ? (firstLine(e.data.error_description) ?? e.data.error) : undefined) ?? String(res.status);
      throw new PresenceDenied(`Microsoft refused the app a Graph token: ${why}`);
    }
    const t = TokenAnswer.safeParse(json);
    if (!t.success) throw new Error('Microsoft token endpoint answered without a token');
    this.token = { value: t.data.access_token, until: this.now() + t.data.expires_in * 1000 - EARLY_MS };
    return t.data.access_token;
  }

  private async send(url: URL, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      throw new RetryLaterError(`${url.host} did not answer: ${(err as Error).message}`, undefined);
    }
  }
}

const withSlash = (u: string): string => (u.endsWith('/') ? u : `${u}/`);

export type TeamsPresenceEnv = Partial<{
  GRAPH_API_URL: string;
  MICROSOFT_AUTHORITY_URL: string;
  PRESENCE_ONLINE: readonly string[];
}> & {
  MicrosoftAppId: string;
  MicrosoftAppPassword: string;
  MicrosoftAppTenantId: string;
};

/**
 * Teams presence from the environment, or why there is none (logged at start-up when an
 * agent is in presence mode): it needs the app's id, password and tenant.
 */
export function teamsPresenceSettings(
  env: TeamsPresenceEnv,
  queueTenants: readonly string[],
): GraphPresenceSettings | string {
  if (!env.MicrosoftAppId || !env.MicrosoftAppPassword)
    return 'Teams presence needs MicrosoftAppId and MicrosoftAppPassword (client credentials)';
  const tenants = [...new Set(queueTenants)];
  const tenantId = env.MicrosoftAppTenantId || (tenants.length === 1 ? tenants[0]! : '');
  if (!tenantId) return 'Teams presence needs the tenant: set MicrosoftAppTenantId';
  return {
    appId: env.MicrosoftAppId,
    appPassword: env.MicrosoftAppPassword,
    tenantId,
    graphUrl: env.GRAPH_API_URL ?? 'https://graph.microsoft.com/v1.0/',
    authorityUrl: env.MICROSOFT_AUTHORITY_URL ?? 'https://login.microsoftonline.com/',
    online: env.PRESENCE_ONLINE ?? DEFAULT_ONLINE,
  };
}
