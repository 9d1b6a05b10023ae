import type { ZodError } from 'zod';

/** What an HTTP answer needs: Express's Response fits, and so does any framework's reply. */
export interface Reply {
  status(code: number): { json(body: unknown): unknown };
}

/** A zod error's issues as an answer lists them (the first `max`). */
export const issuesOf = (e: ZodError, max = Infinity): Array<{ path: string; message: string }> =>
  e.issues.slice(0, max).map((i) => ({ path: i.path.join('.'), message: i.message }));

/**
 * The one shape of every refusal: `{"error":{"code","message",...details,"issues?"}}` (README,
 * HTTP API). `details`: what a refusal names, as fields (`opensAt`, `retryAfterSeconds`, `max`).
 */
export function sendError(
  res: Reply,
  status: number,
  code: string,
  message: string,
  issues?: unknown,
  details?: Record<string, string | number>,
): void {
  res.status(status).json({ error: { code, message, ...(details ?? {}), ...(issues ? { issues } : {}) } });
}
