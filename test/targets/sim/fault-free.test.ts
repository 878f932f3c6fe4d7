import { describe, expect, it } from 'vitest';
import { parseRestriction } from '../../../src/injector/restriction.ts';
import { search } from '../../../src/search/index.ts';
import { faultFreeDifferences } from '../../../src/targets/code/fault-free.ts';
import type { OutputRecord, RunView } from '../../../src/targets/code/outputs.ts';
import { defineProtocol, sameAsFaultFree } from '../../../src/targets/sim/api.ts';
import { SimTarget } from '../../../src/targets/sim/target.ts';
import { PIPELINE_NODES, pipelineNode } from '../../../examples/sim/lib/pipeline.ts';

/** The at-least-once pipeline and its durable exactly-once fix, judged by the fault-free run alone. */
const pipeline = (fixed: boolean) =>
  defineProtocol({
    name: fixed ? 'pipeline-durable' : 'pipeline-at-least-once',
    nodes: PIPELINE_NODES,
    node: (id, state) => pipelineNode(id, state, fixed ? { sinkDeduplicates: true, durableDedup: true } : { sinkDeduplicates: false }),
    workload: [
      { at: 1, node: 'source', value: 1 },
      { at: 2, node: 'source', value: 2 },
    ],
    // The pipeline does not keep order (a lost item comes again after the next): compared as multisets.
    invariants: [sameAsFaultFree({ order: 'none' })],
  });

describe('sameAsFaultFree: the fault-free run as the oracle', () => {
  it('LDFI finds the duplicate a lost acknowledgement makes, shown as the difference, and it replays', async () => {
    const t = SimTarget.of(pipeline(false), { seed: '1', eot: 40, eff: 10, crashes: 0 });
    const r = await search(t, { strategy: 'ldfi', seed: '1' });
    expect(r.status).toBe('counterexample');
    const cex = r.counterexamples[0];
    expect(cex.faults.map((f) => f.kind)).toEqual(['omit']);
    const extra = /^extra: [24] at sink came out twice \(@\d+, @\d+\); the fault-free run gave it once \(@\d+\)$/;
    expect(cex.violations.length).toBeGreaterThan(0);
    for (const v of cex.violations) expect(v.message).toMatch(extra);
    const replay = await t.run(cex.faults, { lineage: false });
    expect(replay.violations.map((v) => v.message)).toEqual(cex.violations.map((v) => v.message));
    // The fault-free run itself agrees with itself.
    expect((await t.run([], { lineage: false })).violations).toEqual([]);
  });

  it('its fixed twin is resilient to losses and restarts of the sink, and random agrees', async () => {
    const t = SimTarget.of(pipeline(true), { seed: '1', eot: 40, eff: 10, crashes: 1, faultKinds: ['omit', 'restart'] });
    const restriction = parseRestriction('restart:sink; omit:*→*');
    expect((await search(t, { strategy: 'ldfi', seed: '1', restriction })).status).toBe('resilient');
    expect((await search(t, { strategy: 'random', seed: '1', maxRuns: 300, restriction })).status).toBe('budget-exhausted');
  });
});

/** The differences as the terminal prints them, one line each. */
const diff = (...args: Parameters<typeof faultFreeDifferences>) => faultFreeDifferences(...args).map((f) => f.message);

describe('the differences, one line each', () => {
  const out = (node: string, at: number, value: unknown): OutputRecord => ({ node, at, value, inputs: [] });
  const view = (outputs: OutputRecord[]): RunView => ({ inputs: [], outputs, crashed: [], restarted: [], down: [], stoppedAtTimeBound: false, endTime: 10 });
  const base = [out('a', 1, 'x'), out('a', 2, 'y'), out('b', 3, 'z')];

  it('missing, extra and reordered, per node; times alone never differ', () => {
    expect(diff(view([out('a', 5, 'x'), out('a', 6, 'y'), out('b', 9, 'z')]), base, {})).toEqual([]);
    expect(diff(view([out('a', 1, 'x'), out('b', 3, 'z')]), base, {})).toEqual(['missing: "y" at a: the fault-free run gave it once (@2), this run never']);
    expect(diff(view([...base, out('b', 7, 'z')]), base, {})).toEqual(['extra: "z" at b came out twice (@3, @7); the fault-free run gave it once (@3)']);
    expect(diff(view([out('a', 1, 'y'), out('a', 2, 'x'), out('b', 3, 'z')]), base, {})).toEqual([
      'reordered at a: "y" came out @1, before "x"; the fault-free run gave "x" first (@1, then "y" @2)',
    ]);
    // With order ignored, or per key where the two are of different keys, the same run passes.
    expect(diff(view([out('a', 1, 'y'), out('a', 2, 'x'), out('b', 3, 'z')]), base, { order: 'none' })).toEqual([]);
    expect(diff(view([out('a', 1, 'y'), out('a', 2, 'x'), out('b', 3, 'z')]), base, { order: 'per-key', key: (v) => String(v) })).toEqual([]);
  });
});
