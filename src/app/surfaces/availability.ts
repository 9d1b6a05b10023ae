import type { AvailabilitySource } from '../../domain/availability.js';
import { isWordKey, type Rich, say, type WordKey, words } from '../wording/index.js';

/** A platform's name as people know it ("Slack"), for "Away (Slack)"; its id when the catalogue has none. */
export const sourceWord = (source: AvailabilitySource): string => {
  const key = `availability.source.${source}`;
  return isWordKey(key) ? say(key as WordKey) : source;
};

/** The home's availability line: the state, and the platform when presence decided it. */
export function availabilityLine(available: boolean, source: AvailabilitySource | undefined): Rich {
  if (!source || source === 'manual') return words(available ? 'home.available' : 'home.away');
  return words(available ? 'home.available.presence' : 'home.away.presence', { source: sourceWord(source) });
}
