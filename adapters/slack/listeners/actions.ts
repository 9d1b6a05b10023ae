import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import * as invites from '../../../src/app/invites.js';
import { publishHomes } from '../../../src/app/relay.js';
import * as sessions from '../../../src/app/sessions.js';
import { sessionView } from '../../../src/app/views.js';
import type { Agent } from '../../../src/domain/directory.js';
import { ACTIONS, inviteDetails, inviteModal, isAvailabilityValue } from '../blocks/index.js';
import { asAgent, type SlackDeps, type Where } from '../deps.js';

type Handler = (d: SlackDeps, agent: Agent, value: string, body: BlockAction) => Promise<unknown>;

/** Each button maps to one use case; the value is only a pointer, the core re-checks every rule. */
const BUTTONS: Record<string, Handler> = {
  [ACTIONS.accept]: (d, agent, sid) => sessions.accept(d.ctx, sid, agent),
  [ACTIONS.end]: (d, agent, sid) => sessions.endSession(d.ctx, sid, agent.id),
  [ACTIONS.participate]: (d, agent, iid) => invites.answerInvite(d.ctx, iid, agent, 'participate'),
  [ACTIONS.monitor]: (d, agent, iid) => invites.answerInvite(d.ctx, iid, agent, 'monitor'),
  [ACTIONS.reject]: (d, agent, iid) => invites.answerInvite(d.ctx, iid, agent, 'reject'),
  [ACTIONS.resend]: (d, agent, iid) => invites.resendInvite(d.ctx, iid, agent.id),
  [ACTIONS.supervisorParticipate]: (d, agent, sid) => sessions.supervisorJoin(d.ctx, sid, agent, 'participant'),
  [ACTIONS.supervisorMonitor]: (d, agent, sid) => sessions.supervisorJoin(d.ctx, sid, agent, 'monitor'),
  [ACTIONS.invite]: async (d, agent, sid, body) => {
    await sessions.assertMay(d.ctx, sid, agent.id, 'invite');
    await d.client.views.open({ trigger_id: body.trigger_id, view: inviteModal(await sessionView(d.ctx, sid)) });
  },
  [ACTIONS.invites]: async (d, agent, sid, body) => {
    const view = await invites.inviteDetails(d.ctx, sid, agent.id);
    const dir = d.ctx.directory.get();
    await d.client.views.open({ trigger_id: body.trigger_id, view: inviteDetails(view, (id) => dir.agent(id)) });
  },
  [ACTIONS.availability]: async (d, agent, value) => {
    if (!isAvailabilityValue(value)) return;
    await sessions.setAvailability(d.ctx, agent.id, value === 'available');
    await publishHomes(d.ctx, [agent]);
  },
};

export function registerActions(app: App, d: SlackDeps): void {
  for (const [actionId, handler] of Object.entries(BUTTONS)) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      await ack();
      const where: Where = { channel: body.channel?.id, threadTs: body.message?.thread_ts as string | undefined };
      // A home-tab click has no channel: the answer goes to a DM.
      if (body.container?.type === 'view') where.channel = undefined;
      await asAgent(d, body.user.id, where, (agent) => handler(d, agent, action.value ?? '', body));
    });
  }
}
