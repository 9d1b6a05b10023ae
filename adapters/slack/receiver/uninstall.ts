import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { InstallLifecycle } from '../installs/lifecycle.js';

/**
 * The app removed from a workspace (app_uninstalled), or its bot token revoked
 * (tokens_revoked): the installation goes, and its queues pause. Bolt runs these two
 * listeners even when no installation authorizes them any more.
 */
export function registerUninstall(app: App, lifecycle: InstallLifecycle): void {
  app.event('app_uninstalled', async ({ context, body }) => {
    await lifecycle.removed({
      teamId: context.teamId,
      enterpriseId: context.enterpriseId,
      isEnterpriseInstall: isOrgWide(body),
    });
  });
  app.event('tokens_revoked', async ({ event, context, body }) => {
    if ((event.tokens.bot ?? []).length === 0) return; // only user tokens: the bot still works
    await lifecycle.removed({
      teamId: context.teamId,
      enterpriseId: context.enterpriseId,
      isEnterpriseInstall: isOrgWide(body),
    });
  });
}

/**
 * An org-wide install removed from some workspaces of its organisation, or added again: their
 * queues pause or resume.
 */
export function registerTeamAccess(app: App, lifecycle: InstallLifecycle): void {
  const access = (body: unknown, context: { enterpriseId?: string | undefined }) => {
    const b = TeamAccess.safeParse(body);
    const enterprise = context.enterpriseId ?? (b.success ? b.data.enterprise_id : undefined);
    return b.success && enterprise ? { enterprise, teams: b.data.event.team_ids } : undefined;
  };
  app.event('team_access_revoked', async ({ body, context }) => {
    const a = access(body, context);
    if (a) await lifecycle.teamsRevoked(a.enterprise, a.teams);
  });
  app.event('team_access_granted', async ({ body, context }) => {
    const a = access(body, context);
    if (a) await lifecycle.teamsGranted(a.enterprise, a.teams);
  });
}

const TeamAccess = z.object({
  enterprise_id: z.string().nullish(),
  event: z.object({ team_ids: z.array(z.string().regex(/^T[A-Z0-9]+$/)).max(1000) }),
});

const isOrgWide = (body: unknown): boolean => {
  const b = body as { is_enterprise_install?: unknown; authorizations?: Array<{ is_enterprise_install?: unknown }> };
  return b.authorizations?.[0]?.is_enterprise_install === true || b.is_enterprise_install === true;
};
