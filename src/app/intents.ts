import type { Agent } from '../domain/directory.js';
import type { FileRef } from '../domain/transcript.js';
import type { Mention } from './grammar.js';
import type { Option, Surface, Tone } from './surfaces/surface.js';
import type { Rich } from './wording/index.js';

/**
 * What people do, in every platform's terms: each adapter turns its payloads into these,
 * with the actor's directory identity (undefined when the platform user is not an agent).
 */
export type Intent =
  /** A message in a place that mirrors chats (a channel thread, a 1:1). */
  | {
      kind: 'reply';
      agent: Agent | undefined;
      place: string;
      text: string;
      files?: FileRef[];
      /** The platform's id of the message, so a later edit or delete finds its entry. */
      link?: string;
      /** In a 1:1, a line may be a command rather than words for the customer. */
      commandable?: boolean;
      mentions?: Mention[];
    }
  /** An edit (text) or a deletion (null) of a message sent earlier. */
  | { kind: 'revise'; agent: Agent | undefined; link: string; text: string | null }
  /** A button, menu or form submission: a verb and its data, untrusted until validated. */
  | { kind: 'click'; agent: Agent | undefined; verb: unknown; data: unknown }
  /** A command line; `place` is where it was typed, when that mirrors a chat. */
  | { kind: 'command'; agent: Agent | undefined; text: string; mentions?: Mention[]; place?: string; prefix: string }
  /** Typing in a picker that searches as you type. */
  | { kind: 'search'; agent: Agent | undefined; verb: unknown; data: unknown; query: string };

/** What the one who acted sees, in the platform's way. */
export interface Outcome {
  /** A private line: done, or why not. */
  notice?: { text: Rich; tone: Tone };
  /** For the actor alone: a dialog, a list, the help. */
  open?: Surface;
  /** The clicked surface as it now stands (platforms that redraw the clicked card use it). */
  show?: () => Promise<Surface>;
  /** A picker's options. */
  options?: Option[];
}
