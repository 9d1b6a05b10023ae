/** The Invite modal (agent picker + mode) and the picker's options. */
import type { SessionView } from '../../../src/app/ports.js';
import type { Agent } from '../../../src/domain/directory.js';
import { fullName } from '../../../src/domain/directory.js';
import type { InviteMode } from '../../../src/domain/invite.js';
import type { Verdict } from '../../../src/domain/policy.js';
import { ACTIONS, BLOCKS } from './actions.js';
import { context, option, plain } from './elements.js';
import { endUserLabel, queueLabel } from './names.js';
import { escapeMrkdwn, LIMITS, truncate } from './text.js';
import type { ModalView, PlainTextOption } from './types.js';

const MODE_OPTIONS: Record<InviteMode, PlainTextOption> = {
  participant: option('Participant', 'participant', 'Can chat with the end user'),
  monitor: option('Monitor', 'monitor', 'Reads along; replies stay with agents'),
};

/**
 * The Invite modal. `privateMetadata` travels back with the submission (default: the session
 * id); it must fit Slack's 3000 chars, a longer one is a programming error and throws.
 */
export function inviteModal(view: SessionView, privateMetadata: string = view.session.id, mode: InviteMode = 'participant'): ModalView {
  if (privateMetadata.length > LIMITS.privateMetadata) throw new RangeError(`private_metadata is ${privateMetadata.length} chars, Slack allows ${LIMITS.privateMetadata}`);
  return {
    type: 'modal',
    callback_id: ACTIONS.inviteModal,
    private_metadata: privateMetadata,
    title: plain('Invite an agent', LIMITS.viewTitle),
    submit: plain('Invite', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    blocks: [
      context(`Chat \`${escapeMrkdwn(view.session.ref)}\` · ${endUserLabel(view, false)} · ${queueLabel(view)}`),
      {
        type: 'input',
        block_id: BLOCKS.inviteAgent,
        label: plain('Agent', LIMITS.inputLabel),
        hint: plain('Search by first name, last name or email. Only available agents of this queue can be invited.', LIMITS.inputLabel),
        element: {
          type: 'external_select',
          action_id: ACTIONS.inviteAgent,
          min_query_length: 0,
          placeholder: plain('Name or email', LIMITS.placeholder),
        },
      },
      {
        type: 'input',
        block_id: BLOCKS.inviteMode,
        label: plain('Invite as', LIMITS.inputLabel),
        element: {
          type: 'radio_buttons',
          action_id: ACTIONS.inviteMode,
          initial_option: MODE_OPTIONS[mode],
          options: [MODE_OPTIONS.participant, MODE_OPTIONS.monitor],
        },
      },
    ],
  };
}

/** `Alice Ng <alice@example.com>`, cut to the 75-char option limit (plain text: no escaping needed). */
export const agentOptionText = (a: Agent): string => truncate(`${fullName(a)} <${a.email}>`, LIMITS.optionText);

/**
 * Options for the agent picker. Ineligible candidates are INCLUDED, after the eligible ones,
 * with the refusal as the description (e.g. "Bob is Away."), so the inviter learns why
 * someone cannot be invited instead of wondering why they are missing. Their value is the agent
 * id like the others: the submission is re-checked by the domain and refused with that message.
 * At most 100 options (Slack's limit).
 */
export function agentOptions(candidates: ReadonlyArray<{ agent: Agent; verdict: Verdict }>): { options: PlainTextOption[] } {
  const ok = candidates.filter((c) => c.verdict.ok);
  const no = candidates.filter((c) => !c.verdict.ok);
  const options = [...ok, ...no].slice(0, LIMITS.options).map(({ agent, verdict }) =>
    option(agentOptionText(agent), agent.id, verdict.ok ? undefined : `Cannot invite: ${verdict.message}`));
  return { options };
}
