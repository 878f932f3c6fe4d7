import { describe, expect, it } from 'vitest';

describe('targeted outcomes (--outcome)', () => {
  it('attacks only the outcomes matching, says so, and refuses what it cannot mean', async () => {
    const { parseOutcomePattern } = await import('../../src/search/outcome-pattern.ts');
    const { search } = await import('../../src/search/index.ts');
    const { DedalusTarget } = await import('../../src/targets/dedalus/target.ts');
    const { verdictOf } = await import('../../src/report/verdict.ts');
    const p = parseOutcomePattern('post(c, _)');
    expect(p.matches('post(c,hello)@4')).toBe(true);
    expect(p.matches('post(b,hello)@4')).toBe(false);
    expect(p.matches('not:pre(c,hello)@4#x')).toBe(true);
    expect(() => parseOutcomePattern('post')).toThrow(/--outcome: 'post' is not relation\(arg, …\)/);
    const open = (eff: number) => new DedalusTarget(['examples/dedalus/broadcast-naive.ded'], { eot: 4, eff, crashes: 0, negativeSupport: true });
    const found = await search(open(2), { outcome: p });
    expect(found.outcomes.every((o) => p.matches(o))).toBe(true);
    expect(found.counterexamples[0].faults).toEqual([{ kind: 'omit', from: 'a', to: 'c', time: 1 }]);
    const proven = await search(open(1), { outcome: p });
    expect(verdictOf(proven).headline).toMatch(/^resilient to [a-z, ()]+ within the bounds, for the outcomes matching 'post\(c, _\)': /);
    const { ldfi } = await import('../helpers/cli.ts');
    const sim = ldfi(['run', 'examples/sim/retry-broadcast.ts', '--outcome', 'post(c, _)']);
    expect([sim.code, sim.stderr]).toEqual([2, "ldfi: error: --outcome chooses a Dedalus program's outcomes; a sim target's invariant is checked whole\n"]);
  });
});
