import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import { z } from 'zod';
import type { KeyValue } from '../../../src/app/platformKit/keyValue.js';
import type { Sealer } from './seal.js';

/**
 * What Switchboard reads of an installation (the rest is kept as Slack gave it). An org-wide
 * install (Enterprise Grid) has no team: it serves every workspace of its enterprise.
 */
const Stored = z.looseObject({
  team: z.looseObject({ id: z.string() }).nullish(),
  enterprise: z.looseObject({ id: z.string() }).nullish(),
  isEnterpriseInstall: z.boolean().optional(),
  bot: z
    .looseObject({
      token: z.string(),
      refreshToken: z.string().optional(),
      expiresAt: z.number().optional(),
      userId: z.string(),
      id: z.string().optional(),
    })
    .optional(),
});
export type StoredInstallation = Installation & z.infer<typeof Stored>;

/** An installation's id: its enterprise for an org-wide install, else its workspace. */
export const installationId = (i: {
  isEnterpriseInstall?: boolean | undefined;
  team?: { id: string } | null | undefined;
  enterprise?: { id?: string } | null | undefined;
}): string => {
  const id = i.isEnterpriseInstall ? i.enterprise?.id : i.team?.id;
  if (!id) throw new Error('an installation without a team or enterprise id');
  return id;
};

/** Who an event or a call is for: a workspace, its enterprise, and whether the app is installed org-wide. */
export interface WorkspaceQuery {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}

/**
 * Bolt's installationStore, kept in the service's shared storage (Redis), each installation
 * sealed (AES-GCM, INSTALLATION_KEY). Keys: `slack:installation:<id>`, the set of ids
 * `slack:installations`, what each workspace's organisation is `slack:team-org:<team>`, and the
 * workspaces an org-wide install lost `slack:team-revoked:<team>`.
 */
export class InstallationRecords implements InstallationStore {
  constructor(
    private readonly kv: KeyValue,
    private readonly sealer: Sealer,
  ) {}

  private key(id: string): string {
    return `slack:installation:${id}`;
  }
  private readonly ids = 'slack:installations';
  lockKey(id: string): string {
    return `slack:refresh-lock:${id}`;
  }

  async storeInstallation(installation: Installation): Promise<void> {
    const i = Stored.parse(installation) as StoredInstallation;
    const id = installationId(i);
    // The record first, then the index: a crash between leaves a record found by id, listed at the next store.
    await this.kv.put(this.key(id), this.sealer.seal(JSON.stringify(i), id));
    await this.kv.addMember(this.ids, id);
    if (i.team?.id && i.enterprise?.id) await this.learnOrg(i.team.id, i.enterprise.id);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const found = await this.find(query);
    if (!found) throw new Error('no installation for this workspace');
    return found;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const found = await this.find(query);
    if (found) await this.delete(installationId(found));
  }

  /** Deletes an installation; true for the one caller that did (app_uninstalled and tokens_revoked come together). */
  async delete(id: string): Promise<boolean> {
    const listed = await this.kv.removeMember(this.ids, id);
    await this.kv.remove(this.key(id));
    return listed;
  }

  /** The installation with this id; undefined when none (or when it cannot be read as one). */
  async get(id: string): Promise<StoredInstallation | undefined> {
    const sealed = await this.kv.get(this.key(id));
    if (!sealed) return undefined;
    const parsed = Stored.safeParse(JSON.parse(this.sealer.open(sealed, id)) as unknown);
    return parsed.success ? (parsed.data as StoredInstallation) : undefined;
  }

  async list(): Promise<string[]> {
    return (await this.kv.members(this.ids)).sort();
  }

  /** The queues an uninstall paused, kept until the workspace is installed again. */
  async markPaused(id: string, queueIds: readonly string[]): Promise<void> {
    if (queueIds.length > 0) await this.kv.put(`slack:paused:${id}`, JSON.stringify(queueIds));
  }
  async takePaused(id: string): Promise<string[]> {
    const raw = await this.kv.take(`slack:paused:${id}`);
    const parsed = z.array(z.string()).safeParse(raw ? JSON.parse(raw) : []);
    return parsed.success ? parsed.data : [];
  }

  async learnOrg(teamId: string, enterpriseId: string): Promise<void> {
    if (await this.kv.get(`slack:team-revoked:${teamId}`)) return; // the org's install no longer reaches it
    await this.kv.put(`slack:team-org:${teamId}`, enterpriseId);
  }

  /**
   * An org-wide install lost (team_access_revoked) or regained (team_access_granted) a
   * workspace: while revoked, the org's install does not serve it. True for the one caller
   * that changed it (Slack may send an event twice).
   */
  async revokeTeam(teamId: string, enterpriseId: string): Promise<boolean> {
    await this.kv.remove(`slack:team-org:${teamId}`);
    return this.kv.putNew(`slack:team-revoked:${teamId}`, enterpriseId);
  }
  async grantTeam(teamId: string, enterpriseId: string): Promise<boolean> {
    const was = await this.kv.take(`slack:team-revoked:${teamId}`);
    await this.learnOrg(teamId, enterpriseId);
    return was !== undefined;
  }

  /**
   * The installation serving a workspace: its own, else its organisation's org-wide install.
   * With no workspace named, the only installation (none when there are several).
   */
  async find(q: WorkspaceQuery): Promise<StoredInstallation | undefined> {
    if (q.isEnterpriseInstall && q.enterpriseId) return this.get(q.enterpriseId);
    const team = q.teamId;
    if (!team) {
      if (q.enterpriseId) return this.get(q.enterpriseId);
      const ids = await this.list();
      return ids.length === 1 ? this.get(ids[0]!) : undefined;
    }
    if (team.startsWith('E')) return this.get(team);
    const own = await this.get(team);
    if (own) return own;
    if (await this.kv.get(`slack:team-revoked:${team}`)) return undefined;
    const org = q.enterpriseId ?? (await this.kv.get(`slack:team-org:${team}`));
    return org ? this.get(org) : undefined;
  }
}
