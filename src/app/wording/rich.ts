/**
 * Text as the platforms' renderers receive it: a list of spans. Plain strings are literal
 * (each renderer escapes them for its markup), so a name or a customer's words can never
 * turn into a mention, a link or formatting; only the structure below formats.
 */
export type Span =
  | string
  | { strong: Rich }
  | { em: Rich }
  | { code: string }
  /** A moment, shown in the reader's own time zone where the platform can. */
  | { time: number; show: 'datetime' | 'time' }
  | { link: string; label: string }
  /** Someone named so the platform notifies them (`ids`: their user id per platform); elsewhere `@label`. */
  | { mention: string; ids: Readonly<Record<string, string>> };
export type Rich = Span[];

export type Param = string | number | Span | Rich;
export type Params = Readonly<Record<string, Param>>;

export const strong = (...r: Rich): Span => ({ strong: r });
export const em = (...r: Rich): Span => ({ em: r });
export const code = (text: string): Span => ({ code: text });
export const at = (ms: number, show: 'datetime' | 'time' = 'datetime'): Span => ({ time: ms, show });
export const link = (url: string, label: string): Span => ({ link: url, label });

const asRich = (p: Param): Rich => (Array.isArray(p) ? p : [typeof p === 'number' ? String(p) : p]);

/**
 * Fills a catalogue template: `{name}` takes a parameter, `**…**` makes it strong. The
 * template is ours; parameters are untrusted and stay literal.
 */
export function fill(template: string, params: Params = {}): Rich {
  const out: Rich = [];
  const parts = template.split('**');
  parts.forEach((part, i) => {
    const spans: Rich = [];
    for (const piece of part.split(/(\{[a-zA-Z]+\})/)) {
      if (!piece) continue;
      const name = /^\{([a-zA-Z]+)\}$/.exec(piece)?.[1];
      if (name === undefined) spans.push(piece);
      else if (params[name] === undefined) throw new Error(`wording: missing parameter {${name}} in "${template}"`);
      else spans.push(...asRich(params[name]!));
    }
    if (i % 2 === 1) out.push({ strong: spans });
    else out.push(...spans);
  });
  return out;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `2026-01-15 09:30 UTC`: for plain text and for clients that cannot show local times. */
export function utc(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** Rich text as plain words: for fallbacks, logs, the API and the recording platform. */
export function plain(r: Rich): string {
  return r
    .map((s) => {
      if (typeof s === 'string') return s;
      if ('strong' in s) return plain(s.strong);
      if ('em' in s) return plain(s.em);
      if ('code' in s) return s.code;
      if ('time' in s) return s.show === 'time' ? utc(s.time).slice(11) : utc(s.time);
      if ('mention' in s) return `@${s.mention}`;
      return s.label === s.link ? s.link : `${s.label} (${s.link})`;
    })
    .join('');
}

/** Joins rich pieces with a separator. */
export function join(parts: readonly Rich[], sep = ' · '): Rich {
  return parts.flatMap((p, i) => (i === 0 ? p : [sep, ...p]));
}
