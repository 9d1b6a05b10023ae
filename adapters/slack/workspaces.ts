import { randomBytes } from 'node:crypto';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import type { KeyValue } from '../../src/app/platformKit/keyValue.js';
import {
  type InstallationRecords,
  installationId,
  type StoredInstallation,
  type WorkspaceQuery,
} from './installs/store.js';

/** A Slack workspace Switchboard can act in: the installation's id (none for the single token), its token and client. */
export interface Workspace {
  id: string | undefined;
  token: string;
  client: WebClient;
  botUserId?: string | undefined;
  botId?: string | undefined;
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
}

/**
 * Where Slack calls get their token: the one SLACK_BOT_TOKEN, or the installation serving
 * the workspace asked for (a queue's, an agent's, an event's).
 */
export interface Workspaces {
  readonly multi: boolean;
  /** The workspace named (a team or enterprise id; none: the only one), undefined when not installed. */
  forTeam(team: string | undefined): Promise<Workspace | undefined>;
  /** The workspace an event came from (Bolt's authorize). */
  forEvent(q: WorkspaceQuery): Promise<Workspace | undefined>;
}

/** The one workspace of SLACK_BOT_TOKEN: every call uses its client. */
export class SingleWorkspace implements Workspaces {
  readonly multi = false;
  private readonly ws: Workspace;
  constructor(client: WebClient, token: string) {
    this.ws = { id: undefined, token, client };
  }
  async forTeam(): Promise<Workspace> {
    return this.ws;
  }
  async forEvent(): Promise<Workspace> {
    return this.ws;
  }
}

/** Tokens are refreshed inside their last two hours (Slack's rotating tokens live twelve). */
export const REFRESH_WITHIN_MS = 2 * 3_600_000;
const LOCK_MS = 15_000;
const WAIT_STEP_MS = 100;

export interface InstalledOptions {
  store: InstallationRecords;
  kv: KeyValue;
  clientId: string;
  clientSecret: string;
  clientOptions: WebClientOptions;
  rotation: boolean;
  log: Logger;
  now?: () => number;
}

/**
 * The installations made through "Add to Slack": each call finds the installation serving its
 * workspace, refreshing its token first when it is about to expire, whether the call comes
 * from an event or from a worker. A Redis lock makes one instance refresh while the others
 * wait for its result: a refresh token is spent once (a second use is `invalid_grant`).
 */
export class InstalledWorkspaces implements Workspaces {
  readonly multi = true;
  private readonly clients = new Map<string, WebClient>();
  private readonly learned = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly o: InstalledOptions) {
    this.now = o.now ?? Date.now;
  }

  async forTeam(team: string | undefined): Promise<Workspace | undefined> {
    const found =
      (await this.o.store.find({ teamId: team })) ?? (team?.startsWith('T') ? await this.viaOrg(team) : undefined);
    return found ? this.workspace(await this.fresh(found)) : undefined;
  }

  /** When each org-wide install was last asked which workspaces it serves. */
  private readonly asked = new Map<string, number>();

  /**
   * A workspace no event has named yet may belong to an organisation installed org-wide: each
   * such install lists its workspaces (auth.teams.list), at most once a minute.
   */
  private async viaOrg(team: string): Promise<StoredInstallation | undefined> {
    let learned = false;
    for (const id of (await this.o.store.list()).filter((x) => x.startsWith('E'))) {
      if (this.now() - (this.asked.get(id) ?? -Infinity) < 60_000) continue;
      this.asked.set(id, this.now());
      const org = await this.o.store.get(id);
      if (!org?.bot) continue;
      try {
        let cursor: string | undefined;
        do {
          const r = await this.client(id, org.bot.token).auth.teams.list({
            limit: 1000,
            ...(cursor ? { cursor } : {}),
          });
          for (const t of r.teams ?? []) if (t.id) await this.o.store.learnOrg(t.id, id);
          learned ||= (r.teams ?? []).some((t) => t.id === team);
          cursor = r.response_metadata?.next_cursor || undefined;
        } while (cursor);
      } catch (err) {
        this.o.log.warn({ installation: id, err: (err as Error).message }, 'auth.teams.list failed');
      }
    }
    return learned ? this.o.store.find({ teamId: team }) : undefined;
  }

  async forEvent(q: WorkspaceQuery): Promise<Workspace | undefined> {
    // A workspace of an organisation: remembered, so workers find the org-wide install for it.
    if (q.teamId && q.enterpriseId && !q.isEnterpriseInstall && !this.learned.has(q.teamId)) {
      await this.o.store.learnOrg(q.teamId, q.enterpriseId);
      this.learned.add(q.teamId);
    }
    const found = await this.o.store.find(q);
    return found ? this.workspace(await this.fresh(found)) : undefined;
  }

  /** A client per token, made once (a refreshed token gets a new one; the old is dropped). */
  private client(id: string, token: string): WebClient {
    const key = `${id} ${token}`;
    let c = this.clients.get(key);
    if (!c) {
      for (const k of this.clients.keys()) if (k.startsWith(`${id} `)) this.clients.delete(k);
      c = new WebClient(token, this.o.clientOptions);
      this.clients.set(key, c);
    }
    return c;
  }

  private workspace(i: StoredInstallation): Workspace | undefined {
    if (!i.bot) return undefined;
    const id = installationId(i);
    return {
      id,
      token: i.bot.token,
      client: this.client(id, i.bot.token),
      botUserId: i.bot.userId,
      botId: i.bot.id,
      teamId: i.team?.id,
      enterpriseId: i.enterprise?.id ?? undefined,
    };
  }

  private expiring(i: StoredInstallation): boolean {
    const at = i.bot?.expiresAt;
    return (
      this.o.rotation &&
      at !== undefined &&
      i.bot?.refreshToken !== undefined &&
      at * 1000 - this.now() <= REFRESH_WITHIN_MS
    );
  }

  /** The installation with a token good for two more hours: refreshed here under the lock, or by whoever holds it. */
  private async fresh(i: StoredInstallation): Promise<StoredInstallation> {
    if (!this.expiring(i)) return i;
    const id = installationId(i);
    const lock = this.o.store.lockKey(id);
    const holder = randomBytes(8).toString('hex');
    for (let waited = 0; waited < LOCK_MS; waited += WAIT_STEP_MS) {
      if (await this.o.kv.putNew(lock, holder, LOCK_MS)) {
        try {
          // Read again under the lock: another instance may have refreshed it a moment ago.
          const current = await this.o.store.get(id);
          if (!current || !this.expiring(current)) return current ?? i;
          return await this.refresh(current);
        } finally {
          await this.o.kv.removeIf(lock, holder);
        }
      }
      await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
      const current = await this.o.store.get(id);
      if (!current) return i;
      if (!this.expiring(current)) return current;
    }
    return (await this.o.store.get(id)) ?? i;
  }

  private async refresh(i: StoredInstallation): Promise<StoredInstallation> {
    const id = installationId(i);
    const bot = i.bot;
    if (!bot?.refreshToken) return i;
    try {
      const r = await new WebClient(undefined, this.o.clientOptions).oauth.v2.access({
        client_id: this.o.clientId,
        client_secret: this.o.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: bot.refreshToken,
      });
      if (!r.access_token || !r.refresh_token || !r.expires_in)
        throw new Error('Slack answered the refresh without a token');
      const next: StoredInstallation = {
        ...i,
        bot: {
          ...bot,
          token: r.access_token,
          refreshToken: r.refresh_token,
          expiresAt: Math.floor(this.now() / 1000) + r.expires_in,
        },
      };
      await this.o.store.storeInstallation(next);
      this.o.log.info({ installation: id }, 'Slack token refreshed');
      return next;
    } catch (err) {
      // The token may still work until it expires; the next call tries again.
      this.o.log.error(
        { installation: id, err: (err as { data?: { error?: string } }).data?.error ?? (err as Error).message },
        'could not refresh a Slack token',
      );
      return i;
    }
  }
}
