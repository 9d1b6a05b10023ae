import type { TurnContext } from 'botbuilder';
import { helpSurface } from '../../../src/app/surfaces/help.js';
import { activityOf, isPersonal, tenantOf } from '../activity.js';
import { PREFIX, type TeamsDeps } from './present.js';

interface TeamsChannelData {
  channel?: { id?: string };
  team?: { id?: string };
  tenant?: { id?: string };
}

/**
 * First contact, on every activity: where the sender and this conversation can be reached
 * later (their 1:1, the channel), so the worker can send proactively from any instance.
 */
export async function learn(d: TeamsDeps, tc: TurnContext): Promise<void> {
  const a = tc.activity;
  const tenantId = tenantOf(a);
  if (a.recipient?.id) await d.refs.saveBotId(a.recipient.id);
  const from = a.from;
  if (from?.aadObjectId) {
    await d.refs.saveUser({
      aadObjectId: from.aadObjectId,
      userId: from.id,
      name: from.name,
      serviceUrl: a.serviceUrl,
      tenantId,
      conversationId: isPersonal(a) ? a.conversation.id : undefined,
    });
  }
  const cd = (a.channelData ?? {}) as TeamsChannelData;
  const channelId = cd.channel?.id;
  if (channelId && a.serviceUrl)
    await d.refs.saveChannel({ channelId, serviceUrl: a.serviceUrl, tenantId, teamId: cd.team?.id });
}

/**
 * The app installed (personal or team) or people added: remember everyone the activity names,
 * and greet a user who installs the app for themselves with the commands.
 */
export async function onInstall(d: TeamsDeps, tc: TurnContext): Promise<void> {
  const a = tc.activity;
  const tenantId = tenantOf(a);
  for (const m of a.membersAdded ?? []) {
    if (m.id === a.recipient?.id || !m.aadObjectId) continue;
    await d.refs.saveUser({
      aadObjectId: m.aadObjectId,
      userId: m.id,
      name: m.name,
      serviceUrl: a.serviceUrl,
      tenantId,
    });
  }
  const cd = (a.channelData ?? {}) as TeamsChannelData;
  // A team's General channel has the team's id.
  if (cd.team?.id && a.serviceUrl)
    await d.refs.saveChannel({ channelId: cd.team.id, serviceUrl: a.serviceUrl, tenantId, teamId: cd.team.id });
  const botAdded = (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id);
  const installed = a.type === 'installationUpdate' && (a.action ?? 'add').startsWith('add');
  // Teams sends both a conversationUpdate and an installationUpdate: greet once.
  if (
    isPersonal(a) &&
    (installed || botAdded) &&
    (await d.ctx.store.links.claimOnce(`teams:welcome:${a.conversation.id}`, 30 * 86_400))
  ) {
    await tc.sendActivity(activityOf(helpSurface(PREFIX)));
  }
}
