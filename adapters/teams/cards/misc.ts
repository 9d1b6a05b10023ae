import { LIMITS, safeText } from './escape.js';
import { facts, heading, text } from './format.js';
import { card, type AdaptiveCard } from './types.js';

/** The @mention commands, as listed in the manifest's commandLists. */
export const COMMANDS: ReadonlyArray<{ usage: string; description: string }> = [
  { usage: 'invite <name|email> [participant|monitor] [ref]', description: 'Invite an agent into a chat. The ref may be left out when you have exactly one active chat; the mode defaults to participant.' },
  { usage: 'available', description: 'Set yourself Available: you can be invited and assigned chats.' },
  { usage: 'away', description: 'Set yourself Away.' },
  { usage: 'monitor', description: 'Supervisors: the active chats of your queues, to join as participant or monitor.' },
  { usage: 'help', description: 'This list.' },
];

export function helpCard(): AdaptiveCard {
  return card([
    heading('Switchboard commands'),
    text('Mention the bot in a channel, or write to it in a 1:1 chat:'),
    facts(COMMANDS.map((c) => [safeText(c.usage, LIMITS.preview), c.description])),
    text('Reply in a chat\'s thread to answer the customer. Monitors\' replies stay between agents.', { isSubtle: true, size: 'Small' }),
  ], [], { fallbackText: COMMANDS.map((c) => c.usage).join(', ') });
}

/** A short notice. The text is escaped unless `markdown` is set (only for text the service wrote). */
export function noticeCard(message: string, opts: { markdown?: boolean; color?: 'Default' | 'Good' | 'Warning' | 'Attention' } = {}): AdaptiveCard {
  const t = opts.markdown ? message : safeText(message, LIMITS.message);
  return card([text(t, opts.color ? { color: opts.color } : {})], [], { fallbackText: message.slice(0, 500) });
}
