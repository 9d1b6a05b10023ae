import type { Block, Surface } from '../surfaces/surface.js';
import type { Rich } from '../wording/index.js';

/**
 * Several chat lines as one post (a destination that fell behind): their texts, in order,
 * one per line; files and other blocks follow their line.
 */
export function merged(surfaces: Surface[]): Surface {
  if (surfaces.length === 1) return surfaces[0]!;
  const plainLines = surfaces.every((s) => s.blocks.length === 1 && s.blocks[0]!.type === 'text');
  const join = (rs: Rich[]): Rich => rs.flatMap((r, i) => (i === 0 ? r : ['\n', ...r]));
  if (plainLines) {
    const text = join(surfaces.map((s) => (s.blocks[0] as Extract<Block, { type: 'text' }>).text));
    return {
      blocks: [{ type: 'text', text }],
      fallback: text,
      meta: { kind: 'entries', id: surfaces.map((s) => s.meta?.id ?? '').join(',') },
    };
  }
  return {
    blocks: surfaces.flatMap((s) => s.blocks),
    fallback: join(surfaces.map((s) => s.fallback)),
    meta: { kind: 'entries', id: surfaces.map((s) => s.meta?.id ?? '').join(',') },
  };
}
