import type { Refusal } from '../domain/policy.js';

/** A use case refused: the caller's mistake or a rule, never a crash. Maps to a 4xx or an ephemeral notice. */
export class Refused extends Error {
  constructor(readonly code: string, message: string, readonly status = 409) {
    super(message);
    this.name = 'Refused';
  }
  static from(r: Refusal, status?: number): Refused {
    return new Refused(r.code, r.message, status ?? statusFor(r.code));
  }
}

function statusFor(code: string): number {
  if (code === 'not_found' || code === 'unknown_agent') return 404;
  if (['forbidden', 'not_member', 'not_invitee', 'not_agent', 'not_supervisor', 'other_queue'].includes(code)) return 403;
  return 409;
}

export const notFound = (what: string): Refused => new Refused('not_found', `${what} not found.`, 404);
