import type { Refusal } from '../domain/policy.js';
import { isWordKey, type Params, plain, type Rich, type WordKey, words } from './wording/index.js';

const STATUS: Record<string, number> = {
  not_found: 404,
  invite_not_found: 404,
  message_not_found: 404,
  unknown_agent: 404,
  unknown_queue: 404,
  no_such_ref: 404,
  backlog: 429,
  rate_limited: 429,
  unavailable: 503,
  invalid_last_event_id: 400,
  transcript_full: 413,
  invalid: 400,
  invalid_request: 400,
  unauthorized: 401,
  file_missing: 400,
  note_too_long: 400,
  canned_not_found: 404,
  canned_invalid: 400,
  file_empty: 400,
  file_too_large: 413,
  file_type: 415,
  link_expired: 403,
};

/** Mode names in a refusal's parameters are said in words. */
function worded(params: Refusal['params']): Params {
  const out: Record<string, string | number | Rich> = { ...params };
  const mode = params?.mode;
  if (typeof mode === 'string' && isWordKey(`mode.${mode}`)) out.mode = words(`mode.${mode}` as WordKey);
  return out;
}

/**
 * A use case refused: the caller's mistake or a rule, never a crash. It maps to a 4xx, an
 * ephemeral notice or a line on a card; its words come from the wording catalogue.
 */
export class Refused extends Error {
  readonly text: Rich;
  /** Machine-readable fields beside the message, for a refusal that names a time or a limit (`opensAt`, `maxBytes` …). */
  details: Record<string, string | number> | undefined;
  constructor(
    readonly code: string,
    text: Rich,
    readonly status = STATUS[code] ?? 409,
  ) {
    super(plain(text));
    this.name = 'Refused';
    this.text = text;
  }

  /** The same refusal, with fields a client reads instead of parsing the message. */
  with(details: Record<string, string | number>): this {
    this.details = { ...this.details, ...details };
    return this;
  }

  /** A domain refusal, said with the catalogue's sentence for it. */
  static from(r: Pick<Refusal, 'code' | 'wording' | 'params'>, status?: number): Refused {
    const specific = `refusal.${r.wording ?? r.code}`;
    const key = isWordKey(specific)
      ? specific
      : isWordKey(`refusal.${r.code}`)
        ? (`refusal.${r.code}` as WordKey)
        : 'refusal.invalid';
    const refused = new Refused(
      r.code,
      words(key, key === 'refusal.invalid' ? { detail: r.params?.detail ?? r.code } : worded(r.params)),
      status,
    );
    // A limit the rule named (a note's length …) is a field too.
    const max = r.params?.max;
    return typeof max === 'number' ? refused.with({ max }) : refused;
  }

  /** A refusal by code alone (the store's preconditions, look-ups). */
  static of(code: string, params?: Refusal['params'], wording?: string): Refused {
    return Refused.from({ code, ...(params ? { params } : {}), ...(wording ? { wording } : {}) });
  }

  /** A credential that does not open this chat or file (a rule refused is a 409; this is a 403). */
  static credential(wording: string): Refused {
    return Refused.from({ code: 'forbidden', wording }, 403);
  }
}

export const notFound = (code: 'not_found' | 'invite_not_found' | 'message_not_found' = 'not_found'): Refused =>
  Refused.of(code);
