import { describe, expect, it } from 'vitest';

describe("Molly's potential-causality baseline (--strategy causal)", () => {
  it('finds the bugs LDFI finds on Dedalus examples, each replaying, and proves nothing', async () => {
    const { search } = await import('../../src/search/index.ts');
    const { DedalusTarget } = await import('../../src/targets/dedalus/target.ts');
    const { dedalusExamples } = await import('../../examples/dedalus/catalog.ts');
    const rows = dedalusExamples.filter((e) => e.exhaustiveFeasible).slice(0, 8);
    expect(rows.length).toBeGreaterThan(3);
    for (const ex of rows) {
      const t = new DedalusTarget([...ex.files], { eot: ex.eot, eff: ex.eff, crashes: ex.crashes, nodes: ex.nodes, negativeSupport: true });
      const r = await search(t, { strategy: 'causal', maxRuns: 2000 });
      if (ex.expected === 'counterexample') {
        expect(r.status, ex.name).toBe('counterexample');
        for (const c of r.counterexamples) expect((await t.run(c.faults, { lineage: false })).violations.length, ex.name).toBeGreaterThan(0);
      } else expect(r.status, ex.name).toBe('no-counterexample-found');
    }
  });
});
