import type { App } from '@slack/bolt';
import { z } from 'zod';
import { Refused } from '../../../src/app/errors.js';
import * as invites from '../../../src/app/invites.js';
import { InviteMode } from '../../../src/domain/invite.js';
import { ACTIONS, agentOptions, BLOCKS } from '../blocks/index.js';
import type { SlackDeps } from '../deps.js';

const Submission = z.object({
  private_metadata: z.string().min(1),
  state: z.object({
    values: z.object({
      [BLOCKS.inviteAgent]: z.object({ [ACTIONS.inviteAgent]: z.object({ selected_option: z.object({ value: z.string() }).nullish() }) }),
      [BLOCKS.inviteMode]: z.object({ [ACTIONS.inviteMode]: z.object({ selected_option: z.object({ value: InviteMode }).nullish() }) }).optional(),
    }),
  }),
});

/** The Invite modal: its agent picker's options, and its submission. */
export function registerInviteModal(app: App, d: SlackDeps): void {
  app.options(ACTIONS.inviteAgent, async ({ ack, body }) => {
    const sessionId = body.view?.private_metadata ?? '';
    const inviter = await d.people.agent(body.user.id);
    if (!inviter || !sessionId) return ack({ options: [] });
    const found = await invites.inviteCandidates(d.ctx, sessionId, inviter.id, body.value ?? '', 50).catch(() => []);
    await ack(agentOptions(found));
  });

  app.view(ACTIONS.inviteModal, async ({ ack, body, view }) => {
    const parsed = Submission.safeParse(view);
    const picked = parsed.success ? parsed.data.state.values[BLOCKS.inviteAgent]?.[ACTIONS.inviteAgent]?.selected_option?.value : undefined;
    if (!parsed.success || !picked) {
      await ack({ response_action: 'errors', errors: { [BLOCKS.inviteAgent]: 'Pick a colleague to invite.' } });
      return;
    }
    const mode = parsed.data.state.values[BLOCKS.inviteMode]?.[ACTIONS.inviteMode]?.selected_option?.value ?? 'participant';
    const inviter = await d.people.agent(body.user.id);
    try {
      if (!inviter) throw new Refused('not_agent', 'You are not in the Switchboard directory.', 403);
      await invites.invite(d.ctx, { sessionId: parsed.data.private_metadata, inviterId: inviter.id, inviteeId: picked, mode });
      await ack();
    } catch (err) {
      // The modal stays open with the reason under the picker.
      const message = err instanceof Refused ? err.message : 'Something went wrong on our side; please try again.';
      if (!(err instanceof Refused)) d.ctx.log.error({ err }, 'invite from modal failed');
      await ack({ response_action: 'errors', errors: { [BLOCKS.inviteAgent]: message } });
    }
  });
}
