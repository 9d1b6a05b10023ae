import { type Rich, words } from '../wording/index.js';

/** Seconds as people read them: 45 s, 3 min 20 s, 1 h 5 min; a dash when there is no figure. */
export function duration(seconds: number | null): Rich {
  if (seconds === null) return words('report.none');
  const s = Math.round(seconds);
  if (s < 60) return words('duration.seconds', { n: s });
  if (s < 3600) return words('duration.minutes', { m: Math.floor(s / 60), s: s % 60 });
  return words('duration.hours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}
