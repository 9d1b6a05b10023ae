/** App Home and the `/chat monitor` list. */
import type { HomeView as Home, InviteView, SessionView } from '../../../src/app/ports.js';
import { isSupervisor } from '../../../src/domain/directory.js';
import { supervisorJoinModes } from '../../../src/domain/policy.js';
import { ACTIONS } from './actions.js';
import { actions, type BlockGroup, button, capBlocks, context, divider, fitGroups, header, section } from './elements.js';
import { agentName, endUserLabel, MODE, queueLabel, SESSION_STATUS } from './names.js';
import { escapeMrkdwn, fallbackText, LIMITS, slackDate } from './text.js';
import { inviteAnswerButtons } from './invite.js';
import type { Button, HomeView, KnownBlock, SlackMessage } from './types.js';

function availabilityBlock(home: Home): KnownBlock {
  const to = home.available ? 'away' : 'available';
  return section(
    home.available
      ? ':large_green_circle: You are *Available*: you can be assigned chats and invited.'
      : ':red_circle: You are *Away*: nobody can assign you chats or invite you.',
    { accessory: button({ text: home.available ? 'Set Away' : 'Set Available', actionId: ACTIONS.availability, value: to, style: home.available ? undefined : 'primary' }), blockId: 'availability' },
  );
}

function inviteItem(iv: InviteView): KnownBlock[] {
  const inv = iv.invite;
  const verb = inv.mode === 'participant' ? 'participate in' : 'monitor';
  return [
    section(`*${agentName(iv.inviter, inv.inviterId)}* invites you to *${verb}* chat \`${escapeMrkdwn(iv.view.session.ref)}\`\n${endUserLabel(iv.view, false)} · ${queueLabel(iv.view)} · expires ${slackDate(inv.expiresAt, '{time}')}`),
    actions(inviteAnswerButtons(inv), `home_invite:${inv.id}`),
  ];
}

function myMode(view: SessionView, agentId: string): string {
  const m = view.members.find((x) => x.agentId === agentId);
  return m ? MODE[m.mode] : view.session.ownerId === agentId ? MODE.owner : 'not a member';
}

function chatItem(view: SessionView, agentId: string): KnownBlock[] {
  return [section(`\`${escapeMrkdwn(view.session.ref)}\` · *${endUserLabel(view, false)}* · ${queueLabel(view)}\n${SESSION_STATUS[view.session.status]} · you: ${myMode(view, agentId)}`)];
}

/** Supervisor join buttons allowed by the domain (`mayJoinAsSupervisor`): none for the owner or a participant, Participate only for a monitor. */
export function supervisorButtons(view: SessionView, agentId: string): Button[] {
  const modes = supervisorJoinModes(view.session, view.members.find((m) => m.agentId === agentId));
  const id = view.session.id;
  return [
    ...(modes.includes('participant') ? [button({ text: 'Participate', actionId: ACTIONS.supervisorParticipate, value: id, style: 'primary' })] : []),
    ...(modes.includes('monitor') ? [button({ text: 'Monitor', actionId: ACTIONS.supervisorMonitor, value: id })] : []),
  ];
}

function monitorItem(view: SessionView, agentId: string): KnownBlock[] {
  const owner = view.session.ownerId ? agentName(view.owner, view.session.ownerId) : '—';
  const member = view.members.find((m) => m.agentId === agentId);
  const you = member ? ` · you: ${MODE[member.mode]}` : '';
  const others = view.members.filter((m) => m.mode !== 'owner').length;
  const blocks: KnownBlock[] = [
    section(`\`${escapeMrkdwn(view.session.ref)}\` · *${endUserLabel(view, false)}* · ${queueLabel(view)}\nOwner: ${owner} · ${others} other member${others === 1 ? '' : 's'}${you}`),
  ];
  const b = supervisorButtons(view, agentId);
  if (b.length) blocks.push(actions(b, `monitor:${view.session.id}`));
  return blocks;
}


/** The App Home tab. At most 100 blocks: long lists end with "…and N more". */
export function homeView(home: Home): HomeView {
  const id = home.agent.id;
  const groups: BlockGroup[] = [
    { head: [header('Switchboard'), availabilityBlock(home), divider()], items: [] },
    {
      head: [header(`Invites (${home.invites.length})`)],
      items: home.invites.map(inviteItem),
      empty: [context('No pending invites.')],
      more: (n) => `…and ${n} more pending invites.`,
    },
    {
      head: [divider(), header(`My chats (${home.chats.length})`)],
      items: home.chats.map((v) => chatItem(v, id)),
      empty: [context('You are in no open chat.')],
      more: (n) => `…and ${n} more chats.`,
    },
  ];
  if (isSupervisor(home.agent) || home.monitoring.length) {
    groups.push({
      head: [divider(), header(`Monitoring (${home.monitoring.length})`)],
      items: home.monitoring.map((v) => monitorItem(v, id)),
      empty: [context('No active chat in the queues you supervise.')],
      more: (n) => `…and ${n} more active chats. Use /chat monitor to list them.`,
    });
  }
  return { type: 'home', blocks: fitGroups(groups, LIMITS.viewBlocks) };
}

/** `/chat monitor`: active chats of the supervisor's queues, as an ephemeral message (50 blocks max). */
export function monitoringList(sessions: SessionView[], agentId = ''): SlackMessage & { blocks: KnownBlock[] } {
  const active = sessions.filter((v) => v.session.status === 'active');
  if (active.length === 0) {
    const text = 'No active chat in the queues you supervise.';
    return { text, blocks: [section(text)] };
  }
  const blocks = fitGroups([{
    head: [section(`*Active chats in your queues (${active.length})*`)],
    items: active.map((v) => monitorItem(v, agentId)),
    more: (n) => `…and ${n} more active chats.`,
  }], LIMITS.messageBlocks);
  return { text: fallbackText(`${active.length} active chat${active.length === 1 ? '' : 's'} in your queues`), blocks: capBlocks(blocks, LIMITS.messageBlocks) };
}
