/**
 * action_ids, block_ids and callback_ids of every interactive element Switchboard draws.
 *
 * Button `value`s are plain ids, never JSON, so they stay far below the 2000-char limit
 * and cannot be confused:
 * - session buttons (`accept`, `invite`, `end`, `invites`, `supervisorParticipate`,
 *   `supervisorMonitor`): value = the session id (16 base64url chars);
 * - invite buttons (`participate`, `monitor`, `reject`, `resend`): value = the invite id;
 * - `availability`: value = the state to switch TO, `available` or `away`;
 * - agent picker options: value = the agent id (directory ids are <= 64 chars).
 *
 * The value is only a pointer: every handler re-reads the state and re-checks the domain
 * rules for the clicking user (DESIGN §4).
 */
export const ACTIONS = {
  /** Root message, waiting chat. value: session id. */
  accept: 'sb_accept',
  /** Root message, opens the invite modal. value: session id. */
  invite: 'sb_invite',
  /** Root message, ends the chat (with a confirm dialog). value: session id. */
  end: 'sb_end',
  /** Root message "+N" counter: opens the invite details modal. value: session id. */
  invites: 'sb_invites',
  /** Invite card: accept a participant invite. value: invite id. */
  participate: 'sb_invite_participate',
  /** Invite card: accept a monitor invite. value: invite id. */
  monitor: 'sb_invite_monitor',
  /** Invite card: reject. value: invite id. */
  reject: 'sb_invite_reject',
  /** Thread outcome line after a reject or an expiry. value: the old invite's id. */
  resend: 'sb_invite_resend',
  /** App Home availability toggle. value: 'available' | 'away' (the state to switch to). */
  availability: 'sb_availability',
  /** Monitoring list: supervisor joins as participant. value: session id. */
  supervisorParticipate: 'sb_sup_participate',
  /** Monitoring list: supervisor joins as monitor. value: session id. */
  supervisorMonitor: 'sb_sup_monitor',
  /** Invite modal callback_id (view_submission / view_closed). */
  inviteModal: 'sb_invite_modal',
  /** Invite details modal callback_id (no submit). */
  invitesModal: 'sb_invites_modal',
  /** Invite modal: external_select agent picker; also the `app.options()` action_id. value: agent id. */
  inviteAgent: 'sb_invite_agent',
  /** Invite modal: radio buttons, values 'participant' | 'monitor'. */
  inviteMode: 'sb_invite_mode',
} as const;
export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];

/** block_ids of the invite modal's inputs: `view.state.values[BLOCKS.inviteAgent][ACTIONS.inviteAgent]`. */
export const BLOCKS = {
  inviteAgent: 'sb_invite_agent',
  inviteMode: 'sb_invite_mode',
} as const;

export type AvailabilityValue = 'available' | 'away';
export const isAvailabilityValue = (v: unknown): v is AvailabilityValue => v === 'available' || v === 'away';
