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

  it('attacks an outcome over values (post(V), no node in it) through every node\'s causal past', async () => {
    const { search } = await import('../../src/search/index.ts');
    const { DedalusTarget } = await import('../../src/targets/dedalus/target.ts');
    const { writePrograms } = await import('../helpers/programs.ts');
    // A broadcast without retries; the invariant is over the value, as Molly's suite writes them.
    const { paths, cleanup } = writePrograms({
      'once.ded': `
        node(a, b)@1; node(a, c)@1; bcast(a, hello)@1;
        node(N, M)@next :- node(N, M);
        log(M, V)@async :- bcast(N, V), node(N, M);
        log(N, V)@next :- log(N, V);
        sent(N, V) :- bcast(N, V);
        sent(N, V)@next :- sent(N, V);
        pre(V) :- sent(_, V);
        post(V) :- sent(_, V), log(b, V), log(c, V);`,
    });
    try {
      const t = new DedalusTarget([paths['once.ded']], { eot: 3, eff: 2, crashes: 0, nodes: ['a', 'b', 'c'], negativeSupport: true });
      const r = await search(t, { strategy: 'causal' });
      // It used to see no message in the past of post(hello) and end after the fault-free run.
      expect(r.status).toBe('counterexample');
      expect((await t.run(r.counterexamples[0].faults, { lineage: false })).violations.length).toBeGreaterThan(0);
    } finally {
      cleanup();
    }
  });
});

