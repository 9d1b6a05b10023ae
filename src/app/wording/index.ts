import { en, type WordKey } from './en.js';
import { fill, type Params, plain, type Rich } from './rich.js';

export type { WordKey } from './en.js';
export { at, code, em, join, link, type Param, type Params, plain, type Rich, type Span, strong, utc } from './rich.js';

/** Keys with plural forms: `base.one` and `base.other`. */
export type PluralKey = { [K in WordKey]: K extends `${infer B}.one` ? B : never }[WordKey];

const catalogue: Readonly<Record<WordKey, string>> = en;

export const isWordKey = (k: string): k is WordKey => Object.hasOwn(catalogue, k);

/** A sentence of the catalogue as rich text, its parameters kept literal. */
export function words(key: WordKey, params?: Params): Rich {
  return fill(catalogue[key], params);
}

/** The plural form for `n` (also passed as the `{n}` parameter). */
export function plural(base: PluralKey, n: number, params: Params = {}): Rich {
  return words(`${base}.${n === 1 ? 'one' : 'other'}` as WordKey, { ...params, n });
}

/** A sentence as plain text (API error messages, logs, fallbacks). */
export function say(key: WordKey, params?: Params): string {
  return plain(words(key, params));
}
