import { describe, expect, it } from 'vitest';
import type { Delivery, Queued } from '../../src/app/delivery/delivery.js';
import { merged } from '../../src/app/delivery/merge.js';
import { nextUnit } from '../../src/app/delivery/schedule.js';

let seq = 0;
const q = (sessionId: string, o: Partial<Delivery> = {}): Queued => {
  seq += 1;
  const text = o.id ?? `${sessionId}-${seq}`;
  return {
    qid: `1-${seq}`,
    d: {
      id: text,
      sessionId,
      op: 'post',
      ref: `line:${text}`,
      prio: 0,
      merge: `${sessionId}:m`,
      keep: false,
      counted: false,
      surface: { blocks: [{ type: 'text', text: [text] }], fallback: [text], meta: { kind: 'entry', id: text } },
      ...o,
    },
  };
};
const wide = { maxItems: 50, maxChars: 100_000 };
const one = { maxItems: 1, maxChars: Infinity };
const ids = (u: ReturnType<typeof nextUnit>) => u?.items.map((x) => x.d.id);

describe('nextUnit', () => {
  it('sends the head of the chat served longest ago; a chat never served goes first', () => {
    const queue = [q('a', { id: 'a1' }), q('a', { id: 'a2' }), q('b', { id: 'b1' }), q('c', { id: 'c1' })];
    expect(ids(nextUnit(queue, new Map(), one))).toEqual(['a1']);
    expect(ids(nextUnit(queue, new Map([['a', 1]]), one))).toEqual(['b1']);
    expect(
      ids(
        nextUnit(
          queue,
          new Map([
            ['a', 3],
            ['b', 1],
            ['c', 2],
          ]),
          one,
        ),
      ),
    ).toEqual(['b1']);
  });

  it("merges a chat's consecutive lines within the limits, and skips a refresh between them", () => {
    const queue = [
      q('a', { id: 'a1' }),
      q('a', { id: 'r', op: 'update', prio: 2, merge: undefined }),
      q('a', { id: 'a2' }),
      q('a', { id: 'a3' }),
      q('b', { id: 'b1' }),
    ];
    expect(ids(nextUnit(queue, new Map(), wide))).toEqual(['a1', 'a2', 'a3']);
    expect(ids(nextUnit(queue, new Map(), { maxItems: 2, maxChars: 100_000 }))).toEqual(['a1', 'a2']);
    const size = JSON.stringify(queue[0]!.d.surface).length;
    expect(ids(nextUnit(queue, new Map(), { maxItems: 50, maxChars: size * 2 }))).toEqual(['a1', 'a2']);
  });

  it('does not merge across an edit: the edit keeps its place in the chat', () => {
    const queue = [
      q('a', { id: 'a1' }),
      q('a', { id: 'e', op: 'update', prio: 0, merge: undefined, ref: 'line:a1' }),
      q('a', { id: 'a2' }),
    ];
    expect(ids(nextUnit(queue, new Map(), wide))).toEqual(['a1']);
  });

  it('collapses queued refreshes of one card to the latest, acknowledging the others unsent', () => {
    const queue = [
      q('a', { id: 'u1', op: 'update', prio: 2, latest: 'card:x', merge: undefined }),
      q('a', { id: 'u2', op: 'update', prio: 2, latest: 'card:x', merge: undefined }),
    ];
    const u = nextUnit(queue, new Map(), wide)!;
    expect(ids(u)).toEqual(['u2']);
    expect(u.dropped.map((x) => x.d.id)).toEqual(['u1']);
  });

  it("puts roots and people's lines before other lines, and lines before refreshes", () => {
    const queue = [
      q('a', { id: 'refresh', op: 'update', prio: 2, merge: undefined }),
      q('b', { id: 'system', prio: 1 }),
      q('c', { id: 'root', op: 'top', prio: 0, merge: undefined }),
    ];
    expect(ids(nextUnit(queue, new Map(), one))).toEqual(['root']);
    expect(ids(nextUnit(queue.slice(0, 2), new Map(), one))).toEqual(['system']);
  });
});

describe('merged', () => {
  it('joins plain lines one per line, in order, and names every entry it holds', () => {
    const s = merged([q('a', { id: 'x' }).d.surface!, q('a', { id: 'y' }).d.surface!]);
    expect(s.blocks).toEqual([{ type: 'text', text: ['x', '\n', 'y'] }]);
    expect(s.meta).toEqual({ kind: 'entries', id: 'x,y' });
  });
});
