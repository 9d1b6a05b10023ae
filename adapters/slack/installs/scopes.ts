/** The bot scopes an install asks for: the manifest's (manifests/slack.yaml; test/unit/slackManifest.test.ts keeps them equal). */
export const BOT_SCOPES = [
  'chat:write',
  'commands',
  'channels:history',
  'groups:history',
  'im:history',
  'im:write',
  'metadata.message:read',
  'users:read',
  'users:read.email',
  'channels:write.invites',
  'groups:write.invites',
  'files:read',
  'files:write',
] as const;
