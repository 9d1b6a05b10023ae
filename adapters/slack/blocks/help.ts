/** `/chat help`. */
import { escapeMrkdwn } from './text.js';

/** Help for the slash command, as mrkdwn. `command` is the configured command, e.g. `/chat`. */
export function helpText(command: string): string {
  const c = escapeMrkdwn(command.trim() || '/chat');
  return [
    `*${c}* — Switchboard live chats`,
    `• \`${c} available\` — take chats and invites again`,
    `• \`${c} away\` — stop receiving chats and invites`,
    `• \`${c} invite &lt;@user|email&gt; [participant|monitor] [ref]\` — invite a colleague into a chat (default participant; \`ref\` may be left out when you have exactly one active chat)`,
    `• \`${c} monitor\` — supervisors: list the active chats of your queues, to join them`,
    `• \`${c} help\` — this help`,
    'In a chat thread, replies go to the end user (owner and participants only); start a reply with `note:` for a private note.',
  ].join('\n');
}
