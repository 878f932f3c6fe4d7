import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../src/model/target.ts';
import { overlaps, placeLabels } from '../../src/report/html/label-layout.ts';
import { LABEL_MAX, labelRule, messageLabels } from '../../src/report/html/labels.ts';

const msg = (to: string, content: string): MessageRecord => ({ from: 'a', to, sendTime: 1, deliverTime: 2, content, status: 'delivered' });

describe('message labels', () => {
  it('are explained by the parts of the rule that apply to the diagram (tuples, JSON payloads), and the cut', () => {
    expect(labelRule([msg('b', 'log(b,hello)')])).toBe(`a tuple without its receiver column (log(b,hello) → log(hello)); anything longer than ${LABEL_MAX} characters cut with …`);
    expect(labelRule([msg('b', '{"kind":"put","key":"x"}')])).toBe(`a JSON payload as its kind and the fields that differ between messages of that kind (put key=x); anything longer than ${LABEL_MAX} characters cut with …`);
    expect(labelRule([msg('b', 'log(b,hello)'), msg('b', '{"kind":"put"}')]).split('; ')).toHaveLength(3);
    expect(labelRule([])).toBe(`anything longer than ${LABEL_MAX} characters cut with …`);
  });

  it('drop a tuple’s receiver column, which the arrow already shows', () => {
    expect(messageLabels([msg('b', 'log(b,hello)'), msg('c', 'log(c,hello)')])).toEqual(['log(hello)', 'log(hello)']);
    // Not the receiver: kept.
    expect(messageLabels([msg('b', 'ack(a,7)')])).toEqual(['ack(a,7)']);
  });

  it('name a JSON payload by its kind and the fields that differ between messages of that kind', () => {
    const labels = messageLabels([
      msg('b', JSON.stringify({ kind: 'put', kv: { key: 'x', value: 1 }, client: 'c1' })),
      msg('b', JSON.stringify({ kind: 'put', kv: { key: 'y', value: 1 }, client: 'c1' })),
      msg('c', JSON.stringify({ kind: 'ack', id: 4 })),
    ]);
    expect(labels).toEqual(['put kv.key=x', 'put kv.key=y', 'ack id=4']);
  });

  it('show strings bare and cut anything long with …, never beyond the limit', () => {
    expect(messageLabels([msg('b', '"ping"')])).toEqual(['ping']);
    const long = messageLabels([msg('b', `data(${'x'.repeat(80)})`)])[0];
    expect(long.length).toBe(LABEL_MAX);
    expect(long.endsWith('…')).toBe(true);
    // A long tuple keeps the columns that tell its messages apart, the others as _.
    const [one, two] = messageLabels([msg('b', `put(b,${'k'.repeat(20)},1)`), msg('b', `put(b,${'k'.repeat(20)},2)`)]);
    expect([one, two]).toEqual(['put(_,1)', 'put(_,2)']);
  });
});

describe('label layout', () => {
  const arrow = fc.record({
    x1: fc.integer({ min: 0, max: 800 }),
    y1: fc.integer({ min: 0, max: 800 }),
    x2: fc.integer({ min: 0, max: 800 }),
    y2: fc.integer({ min: 0, max: 800 }),
    width: fc.integer({ min: 10, max: 170 }),
  });

  it('never lets two placed labels, or a label and a reserved box, overlap; each sits on its own arrow', () => {
    fc.assert(
      fc.property(fc.array(arrow, { maxLength: 120 }), (arrows) => {
        const reserved = [{ x: 0, y: 0, w: 800, h: 20 }];
        const boxes = placeLabels(arrows, reserved);
        const placed = boxes.flatMap((b, i) => (b ? [{ b, a: arrows[i] }] : []));
        for (let i = 0; i < placed.length; i++) {
          expect(overlaps(placed[i].b, reserved[0])).toBe(false);
          for (let j = i + 1; j < placed.length; j++) expect(overlaps(placed[i].b, placed[j].b)).toBe(false);
          // The box's centre is a point of its arrow.
          const { a, b } = placed[i];
          const [cx, cy] = [b.x + b.w / 2, b.y + b.h / 2];
          const cross = (cx - a.x1) * (a.y2 - a.y1) - (cy - a.y1) * (a.x2 - a.x1);
          expect(Math.abs(cross)).toBeLessThan(1e-6 * (1 + Math.abs(a.x2 - a.x1) + Math.abs(a.y2 - a.y1)) * 800);
        }
        // With room to spare, nothing is left out.
        if (arrows.length === 1 && !overlaps({ x: 0, y: 0, w: 800, h: 20 }, { x: (arrows[0].x1 + arrows[0].x2) / 2 - arrows[0].width / 2, y: (arrows[0].y1 + arrows[0].y2) / 2 - 7, w: arrows[0].width, h: 14 })) {
          expect(boxes[0]).toBeDefined();
        }
      }),
    );
  });
});
