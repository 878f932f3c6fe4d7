import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFaults } from '../../src/injector/text.ts';
import { brokenOutcomes } from '../../src/lineage/evaluate.ts';
import type { Bounds } from '../../src/model/bounds.ts';
import { ensureEdge, messageKey, newLineageGraph, type LineageGraph } from '../../src/model/lineage.ts';
import { FaultSetSolver } from '../../src/solver/solver.ts';
import { DedalusTarget } from '../../src/targets/dedalus/target.ts';
import { writePrograms } from '../helpers/programs.ts';

// b learns the value from a directly, and through c (a relay): two supports.
const RELAY = `
  val(a, v)@1;
  val(N, V)@next :- val(N, V);
  val(b, V)@async :- val(a, V), start(a);
  val(c, V)@async :- val(a, V), start(a);
  val(b, V)@async :- val(c, V), relay(c);
  start(a)@1; relay(c)@2;
  pre(b, V) :- val(a, V);
  post(b, V) :- val(b, V);
`;

let solver: FaultSetSolver;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  solver = await FaultSetSolver.start();
});
afterAll(async () => {
  await solver.close();
  cleanups.forEach((c) => c());
});

function target(eff: number, crashes: number): DedalusTarget {
  const { paths, cleanup } = writePrograms({ 'relay.ded': RELAY });
  cleanups.push(cleanup);
  return new DedalusTarget([paths['relay.ded']], { eot: 4, eff, crashes, nodes: ['a', 'b', 'c'], negativeSupport: true });
}

async function ask(t: DedalusTarget, extra: { tried?: string[][] } = {}) {
  const r = t.run([]);
  const answer = await solver.next({
    lineage: r.lineage,
    outcomes: r.outcomes,
    bounds: t.bounds,
    tried: [],
    counterexamples: [],
    limit: 50,
    ...extra,
  } as never);
  return { r, sets: answer.hypotheses.map(formatFaults).sort() };
}

describe('minimal fault sets', () => {
  it('proposes the minimal sets that cut every support, smallest first', async () => {
    const { sets, r } = await ask(target(3, 0));
    expect(r.outcomes).toEqual(['post(b,v)@4']);
    expect(sets).toEqual(['omit a→b @1; omit a→c @1', 'omit a→b @1; omit c→b @2']);
  });

  it('prefers a single crash when the budget allows one', async () => {
    const { sets } = await ask(target(3, 1));
    expect(sets).toEqual(['crash a @1']);
  });

  it('never omits at or after EFF', async () => {
    const { sets } = await ask(target(2, 0));
    expect(sets).toEqual(['omit a→b @1; omit a→c @1']);
  });

  it('proposes nothing when no fault set within the bounds can break an outcome', async () => {
    const { sets } = await ask(target(1, 0));
    expect(sets).toEqual([]);
  });

  it('never proposes a set already tried, nor a superset of a counterexample', async () => {
    const t = target(3, 0);
    const r = t.run([]);
    const base = { lineage: r.lineage, outcomes: r.outcomes, bounds: t.bounds, limit: 50 };
    const tried = [[{ kind: 'omit', from: 'a', to: 'b', time: 1 }, { kind: 'omit', from: 'a', to: 'c', time: 1 }]] as const;
    const a = await solver.next({ ...base, tried: tried as never, counterexamples: [] });
    expect(a.hypotheses.map(formatFaults)).toEqual(['omit a→b @1; omit c→b @2']);
    const b = await solver.next({ ...base, tried: [], counterexamples: [[{ kind: 'omit', from: 'a', to: 'b', time: 1 }]] });
    expect(b.hypotheses).toEqual([]);
  });

  it('every proposal breaks an outcome by the known lineage, and no proper subset does', async () => {
    const t = target(3, 1);
    const { r } = await ask(t);
    const answer = await solver.next({ lineage: r.lineage, outcomes: r.outcomes, bounds: t.bounds, tried: [], counterexamples: [], limit: 50 });
    expect(answer.hypotheses.length).toBeGreaterThan(0);
    for (const h of answer.hypotheses) {
      expect(brokenOutcomes(r.lineage, r.outcomes, h).length).toBeGreaterThan(0);
      for (let i = 0; i < h.length; i++) expect(brokenOutcomes(r.lineage, r.outcomes, h.filter((_, j) => j !== i))).toEqual([]);
    }
  });

  it('does not let a derivation cycle support itself', async () => {
    // g holds through message m, or through h; h holds only through g (recursion within a step).
    const g: LineageGraph = newLineageGraph();
    g.addNode('g@2', { kind: 'goal', label: 'g@2', relation: 'g', time: 2, edb: false });
    g.addNode('h@2', { kind: 'goal', label: 'h@2', relation: 'h', time: 2, edb: false });
    g.addNode('f1', { kind: 'firing', label: 'f1', rule: 'r1', time: 2 });
    g.addNode('f2', { kind: 'firing', label: 'f2', rule: 'r2', time: 2 });
    g.addNode('f3', { kind: 'firing', label: 'f3', rule: 'r3', time: 2 });
    const m = messageKey('a', 'b', 1);
    g.addNode(m, { kind: 'message', label: 'a→b @1', from: 'a', to: 'b', sendTime: 1 });
    for (const [x, y] of [['g@2', 'f1'], ['f1', m], ['g@2', 'f2'], ['f2', 'h@2'], ['h@2', 'f3'], ['f3', 'g@2']]) ensureEdge(g, x, y);
    const bounds: Bounds = { eot: 3, eff: 2, crashes: 0, nodes: ['a', 'b'] };
    const answer = await solver.next({ lineage: g, outcomes: ['g@2'], bounds, tried: [], counterexamples: [], limit: 10 });
    expect(answer.hypotheses.map(formatFaults)).toEqual(['omit a→b @1']);
    expect(brokenOutcomes(g, ['g@2'], answer.hypotheses[0])).toEqual(['g@2']);
  });
});
