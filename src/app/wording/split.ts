/**
 * Splits a rendered text into pieces of at most `max` UTF-16 units, in order, losing nothing:
 * each cut at a line break or a space in the last third of a piece when there is one, moved
 * back by `safe` where the format would break there (inside an entity, a token, an escape),
 * and never between the halves of a surrogate pair. Renderers use it for what people wrote.
 */
export function splitText(
  text: string,
  max: number,
  safe: (text: string, cut: number) => number = (_t, cut) => cut,
): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const soft = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    let cut = safe(rest, soft > max * (2 / 3) ? soft + 1 : max);
    const c = rest.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff) cut -= 1;
    if (cut <= 0) cut = max;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  return rest ? [...out, rest] : out;
}

/** A cut moved back to the `&` of an entity it would fall inside (`&amp;`, `&lt;`…). */
export function beforeEntity(text: string, cut: number): number {
  const amp = text.lastIndexOf('&', cut - 1);
  return amp >= 0 && amp > cut - 8 && !text.slice(amp, cut).includes(';') ? amp : cut;
}
