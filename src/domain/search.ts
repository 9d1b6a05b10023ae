import { type Agent, fullName } from './directory.js';

/** Lower-case and strip accents, so "Émile" matches "emile". */
export const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();

const words = (s: string): string[] =>
  fold(s)
    .split(/[\s,]+/)
    .filter(Boolean);

/**
 * Every word of the query must be a prefix of a distinct word of the agent's first name,
 * last name, or email (local part split on . _ - too), or the query is a prefix of the email
 * or of the full name.
 */
export function matchesAgent(agent: Agent, query: string): boolean {
  const q = words(query);
  if (q.length === 0) return true;
  const email = fold(agent.email);
  const whole = fold(query);
  if (email.startsWith(whole) || fold(fullName(agent)).startsWith(whole)) return true;
  const local = email.split('@')[0] ?? '';
  const candidates = [...words(agent.firstName), ...words(agent.lastName), ...local.split(/[._-]+/)];
  const used = new Set<number>();
  return q.every((w) => {
    const i = candidates.findIndex((c, idx) => !used.has(idx) && c.startsWith(w));
    if (i < 0) return false;
    used.add(i);
    return true;
  });
}

export function searchAgents(agents: readonly Agent[], query: string, limit = 20): Agent[] {
  return agents
    .filter((a) => matchesAgent(a, query))
    .sort((a, b) => fullName(a).localeCompare(fullName(b)))
    .slice(0, limit);
}
