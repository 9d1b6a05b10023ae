import type { Recorded } from '../../adapters/recording/platform.js';
import { RecordingPlatform } from '../../adapters/recording/platform.js';

/**
 * A recording platform with a platform's pace (e.g. Slack's one post a second per channel),
 * so the engine has to wait its turn and may merge what waits.
 */
export class PacedRecording extends RecordingPlatform {
  constructor(
    private readonly rate: { perSecond: number; burst: number },
    id?: string,
  ) {
    super(id);
  }

  override pace(): { perSecond: number; burst: number } {
    return this.rate;
  }
}

/**
 * Every line of one author shown in a chat's mirrors, in order, whether it went out alone
 * or merged with others (a merged post reads one `Who: text` per line).
 */
export function shownBy(calls: readonly Recorded[], sessionId: string, author: string): string[] {
  return calls
    .filter(
      (c) => c.op === 'post' && (c.meta?.kind === 'entry' || c.meta?.kind === 'entries') && c.to.includes(sessionId),
    )
    .flatMap((c) => c.text.split('\n'))
    .flatMap((l) => {
      const m = new RegExp(`^${author}: (.*)$`).exec(l);
      return m ? [m[1]!] : [];
    });
}
