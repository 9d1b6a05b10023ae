import { COMMANDS } from '../grammar.js';
import { call } from '../verbs.js';
import { strong, words } from '../wording/index.js';
import { action, type Surface } from './surface.js';

/** The commands, as the grammar knows them. `prefix` is how this platform is addressed (`/chat`, `@Switchboard`). */
export function helpSurface(prefix: string): Surface {
  return {
    blocks: [
      { type: 'header', text: words('help.title') },
      { type: 'context', text: words('help.intro', { prefix }) },
      // One block each, usage over meaning: a usage is too long for a column of facts (it broke mid-word).
      ...COMMANDS.map((c) => ({ type: 'text' as const, text: [strong(...words(c.usage)), '\n', ...words(c.help)] })),
      { type: 'context', text: words('help.ref') },
      { type: 'context', text: words('help.replies') },
    ],
    fallback: words('help.title'),
  };
}

/** A line in a 1:1 that reads like a command: sent nowhere until its author says which it is. */
export function askSurface(lineId: string, text: string, chatRef: string): Surface {
  return {
    blocks: [
      { type: 'header', text: words('ask.title') },
      { type: 'text', text: words('ask.text', { text, ref: chatRef }) },
      {
        type: 'actions',
        actions: [
          action(words('action.sendToCustomer'), call('line.send', { lineId }), { style: 'primary' }),
          action(words('action.runCommand'), call('line.run', { lineId })),
        ],
      },
    ],
    fallback: words('ask.fallback', { text }),
  };
}
