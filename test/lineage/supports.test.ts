import { describe, expect, it } from 'vitest';
import { ensureEdge, ensureVertex, newLineageGraph } from '../../src/model/lineage.ts';
import { enumerateSupports } from '../../src/lineage/supports.ts';

/** A goal derived by one firing that needs, at each of `n` steps, one of two deliveries. */
function ladder(n: number) {
  const g = newLineageGraph();
  ensureVertex(g, 'goal', { kind: 'goal', label: 'goal', relation: 'goal', time: n, edb: false });
  ensureVertex(g, 'fire', { kind: 'firing', label: 'r', rule: 'r', time: n });
  ensureEdge(g, 'goal', 'fire');
  for (let i = 1; i <= n; i++) {
    ensureVertex(g, `step${i}`, { kind: 'goal', label: `step${i}`, relation: 'step', time: i, edb: false });
    ensureEdge(g, 'fire', `step${i}`);
    for (const from of ['a', 'b']) {
      const m = `${from}${i}`;
      ensureVertex(g, `f${m}`, { kind: 'firing', label: 's', rule: 's', time: i });
      ensureVertex(g, m, { kind: 'message', label: `${from}→c @${i}`, from, to: 'c', sendTime: i });
      ensureEdge(g, `step${i}`, `f${m}`);
      ensureEdge(g, `f${m}`, m);
    }
  }
  return g;
}

describe('supports listed in reports', () => {
  it('are the smallest sets of deliveries, at most `limit`, and their enumeration stops at its work budget', () => {
    const all = enumerateSupports(ladder(3), 'goal', 8);
    expect(all).toHaveLength(8);
    expect(all[0]).toEqual(['a→c @1', 'a→c @2', 'a→c @3']);
    // 2^40 supports: the cap keeps it cheap, and a spent budget lists none rather than hang a report.
    expect(enumerateSupports(ladder(40), 'goal', 8)).toHaveLength(8);
    expect(enumerateSupports(ladder(40), 'goal', 8, 0)).toEqual([]);
  });
});
