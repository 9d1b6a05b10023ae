import { describe, expect, it } from 'vitest';
import { queuedOf } from '../../adapters/redis/deliveryScripts.js';
import { placeLine } from '../../src/app/delivery/delivery.js';
import { lineDelivery, lineTemplate } from '../../src/app/delivery/lines.js';
import { activeLines, entries } from '../support/surfaces.js';

const sid = activeLines.session.id;

describe('a chat line queued by the commit (lua/appendEntries.lua)', () => {
  it('is a post under the root, merged, kept for people, with the entry it shows', () => {
    const e = entries.user!;
    expect(lineDelivery(e, activeLines, 'm1')).toMatchObject({
      id: `${sid}/${e.id}@m1`,
      sessionId: sid,
      op: 'post',
      ref: `line:${sid}:${e.id}`,
      under: `root:${sid}:m1`,
      merge: `${sid}:m1`,
      entry: e.id,
      prio: 0,
      keep: true,
      counted: false,
      surface: { meta: { kind: 'entry', id: e.id } },
    });
    const system = lineDelivery(entries.system!, activeLines, 'm1');
    expect(system).toMatchObject({ op: 'post', prio: 1, keep: false });
    // A file goes on its own.
    expect(lineDelivery(entries.file!, activeLines, 'm1')).not.toHaveProperty('merge');
  });

  it('is an update or a removal of the line it changes', () => {
    const edit = entries.edit! as { id: string; targetId: string };
    expect(lineDelivery(entries.edit!, activeLines, 'm1')).toMatchObject({
      id: `${sid}/${edit.id}@m1`,
      op: 'update',
      ref: `line:${sid}:${edit.targetId}`,
      prio: 0,
      keep: false,
    });
    expect(lineDelivery(entries.edit!, activeLines, 'm1')).not.toHaveProperty('under');
    expect(lineDelivery(entries.delete!, activeLines, 'm1')).toMatchObject({ op: 'remove' });
  });

  it('is read back from its fields, template, entry, mirror and counted, as the delivery the planner would make', () => {
    const e = entries.user!;
    // The template is drawn before the entry has an id.
    const template = lineTemplate({ ...e, id: '0' }, activeLines)!;
    const fields = ['d', JSON.stringify(template), 'entry', e.id, 'mirror', 'm1', 'counted', '1'];
    expect(queuedOf(['5-1', fields])).toEqual({
      qid: '5-1',
      d: { ...lineDelivery(e, activeLines, 'm1'), counted: true },
    });
    expect(placeLine(template, e.id, 'm1', false)).toEqual(lineDelivery(e, activeLines, 'm1'));
  });

  it('queued whole, as the planner does (and as an older version queued lines), is read as it is', () => {
    const d = { ...lineDelivery(entries.user!, activeLines, 'm1')!, counted: true };
    expect(queuedOf(['5-2', ['d', JSON.stringify(d)]])).toEqual({ qid: '5-2', d });
  });
});
