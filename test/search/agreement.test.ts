import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultKind } from '../../src/model/faults.ts';
import { search } from '../../src/search/index.ts';
import { SimTarget } from '../../src/targets/sim/target.ts';
import { randomCutSpec, randomSimProtocol, randomSimSpec } from '../helpers/random-sim.ts';

/**
 * Breadth beside the deeper property tests (footprint, delay-search, cut-search): many generated
 * protocols at the smallest bounds where each kind of fault has room, LDFI against exhaustive search,
 * every counterexample replayed. Cheap enough to run 120 in the suite (with the deeper ones, 300); `npm run soundness` runs
 * thousands at larger bounds.
 */

interface Case {
  bounds: { eot: number; eff: number; crashes: number; nodes: string[]; faultKinds: FaultKind[]; maxDelay?: number };
  /** Protocols whose origin hears dropped connections (for cuts). */
  cuts: boolean;
}

const CASES: Case[] = [
  { bounds: { eot: 8, eff: 2, crashes: 1, nodes: ['a', 'b', 'c'], faultKinds: ['omit', 'crash'] }, cuts: false },
  { bounds: { eot: 8, eff: 3, crashes: 1, nodes: ['a', 'b'], faultKinds: ['restart'] }, cuts: false },
  { bounds: { eot: 8, eff: 2, crashes: 0, nodes: ['a', 'b'], faultKinds: ['delay'], maxDelay: 3 }, cuts: false },
  { bounds: { eot: 8, eff: 2, crashes: 0, nodes: ['a', 'b', 'c'], faultKinds: ['partition'] }, cuts: true },
  { bounds: { eot: 8, eff: 2, crashes: 1, nodes: ['a', 'b'], faultKinds: ['omit', 'crash', 'disconnect'] }, cuts: true },
];

describe('LDFI agrees with exhaustive search on many small generated protocols', () => {
  it('120 protocols, every kind of fault: the same verdict, and every counterexample replays', async () => {
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CASES).chain((c) => fc.tuple(fc.constant(c), c.cuts ? randomCutSpec : randomSimSpec, fc.constantFrom('1', '2', '3'))),
        async ([c, spec, seed]) => {
          const target = SimTarget.of(randomSimProtocol(spec, true), { seed, ...c.bounds });
          const ldfi = await search(target, { strategy: 'ldfi' });
          const exhaustive = await search(target, { strategy: 'exhaustive' });
          expect(ldfi.status, JSON.stringify({ spec, bounds: c.bounds, seed })).toBe(exhaustive.status);
          for (const cex of ldfi.counterexamples) {
            expect((await target.run(cex.faults, { lineage: false })).violations.length).toBeGreaterThan(0);
            for (const f of cex.faults) kinds.add(f.kind);
          }
        },
      ),
      { numRuns: 120, seed: 20261207 },
    );
    // Counterexamples of every kind were among them: the agreement is not only on proofs.
    expect([...kinds].sort(), 'the kinds of the counterexamples found').toEqual(['crash', 'delay', 'disconnect', 'omit', 'partition', 'restart']);
  });
});
