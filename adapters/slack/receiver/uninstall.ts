import type { App } from '@slack/bolt';
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

const isOrgWide = (body: unknown): boolean => {
  const b = body as { is_enterprise_install?: unknown; authorizations?: Array<{ is_enterprise_install?: unknown }> };
  return b.authorizations?.[0]?.is_enterprise_install === true || b.is_enterprise_install === true;
};
