import { type Agent, fullName } from '../../domain/directory.js';
import type { InviteMode } from '../../domain/invite.js';
import type { MemberMode, Session } from '../../domain/session.js';
import { code, type Rich, say, words } from '../wording/index.js';

/** How surfaces name people, modes and chats. Names are literal text; renderers escape them. */
export const agentName = (agent: Agent | undefined, id?: string): string =>
  agent ? fullName(agent) : (id ?? say('someone'));

export const userName = (s: Session): string => s.endUser.name;
export const userLabel = (s: Session): string =>
  s.endUser.email ? `${s.endUser.name} (${s.endUser.email})` : s.endUser.name;

export const modeWord = (m: InviteMode | MemberMode): Rich => words(`mode.${m}`);
export const modeTitle = (m: InviteMode): Rich => words(`mode.${m}.title`);

export const ref = (s: Session): Rich => [code(s.ref)];

/**
 * An agent named so each platform notifies them: their user id per platform, where the
 * directory's section for it gives one (`slack: { userId }`; Teams names people by their
 * Entra object id, `teams: { aadObjectId }`); elsewhere their name.
 */
export function mention(agent: Agent | undefined, id: string): Rich {
  const ids: Record<string, string> = {};
  for (const [platform, settings] of Object.entries(agent?.settings ?? {})) {
    const s = settings as { userId?: unknown; aadObjectId?: unknown } | undefined;
    const userId = s?.userId ?? s?.aadObjectId;
    if (typeof userId === 'string') ids[platform] = userId;
  }
  return [{ mention: agentName(agent, id), ids }];
}

/** Seconds as people read them: 45 s, 3 min 20 s, 1 h 5 min; a dash when there is no figure. */
export function duration(seconds: number | null): Rich {
  if (seconds === null) return words('report.none');
  const s = Math.round(seconds);
  if (s < 60) return words('duration.seconds', { n: s });
  // A whole number says no zero part ("4 min", not "4 min 0 s").
  if (s < 3600)
    return s % 60 === 0
      ? words('duration.wholeMinutes', { m: s / 60 })
      : words('duration.minutes', { m: Math.floor(s / 60), s: s % 60 });
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  return m === 0 ? words('duration.wholeHours', { h }) : words('duration.hours', { h, m });
}
