import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultSpaceSize } from '../../src/injector/space.ts';
import { formatJsonReport } from '../../src/report/json.ts';
import { search } from '../../src/search/index.ts';
import { startZ3, type SatBackend } from '../../src/solver/z3-backend.ts';
import { DedalusTarget } from '../../src/targets/dedalus/target.ts';
import { cexesOf, outcome, statusOf, writePrograms } from '../helpers/programs.ts';
import { aggregateProtocolText, protocolText, randomAggregateProtocol, randomProtocol } from '../helpers/random-programs.ts';

// Keep one Z3 alive for the whole file: each search would otherwise start and stop its own.
let z3: SatBackend;
beforeAll(async () => {
  z3 = await startZ3();
});
afterAll(async () => {
  await z3.close();
});

const boundsArb = fc.constantFrom(
  { eot: 3, eff: 2, crashes: 0 },
  { eot: 3, eff: 2, crashes: 1 },
  { eot: 4, eff: 2, crashes: 0 },
  { eot: 4, eff: 2, crashes: 1 },
  { eot: 3, eff: 3, crashes: 0 },
  { eot: 4, eff: 3, crashes: 0 },
  { eot: 5, eff: 3, crashes: 0 },
  { eot: 5, eff: 4, crashes: 1 },
);

function targetFor(text: string, b: { eot: number; eff: number; crashes: number }, negativeSupport = true) {
  const files = writePrograms({ 'p.ded': text });
  const target = new DedalusTarget([files.paths['p.ded']], { ...b, nodes: ['a', 'b', 'c'], negativeSupport });
  return { target, cleanup: files.cleanup };
}

describe('LDFI agrees with exhaustive search (random protocols, small bounds)', () => {
  it('same verdict; every counterexample replays and is minimal', async () => {
    await fc.assert(
      fc.asyncProperty(randomProtocol, boundsArb, async (p, b) => {
        const { target, cleanup } = targetFor(protocolText(p), b);
        try {
          fc.pre(faultSpaceSize(target.bounds) <= 20000n);
          const ldfi = await outcome(search(target, { strategy: 'ldfi', seed: '1' }));
          const exhaustive = await outcome(search(target, { strategy: 'exhaustive', seed: '1' }));
          expect(statusOf(ldfi)).toBe(statusOf(exhaustive));
          for (const cex of cexesOf(ldfi)) {
            const replay = target.run(cex.faults, { lineage: false });
            expect(replay.violations.map((v) => v.key)).toEqual(cex.violations.map((v) => v.key));
            for (let i = 0; i < cex.faults.length; i++) {
              const smaller = cex.faults.filter((_, j) => j !== i);
              expect(target.run(smaller, { lineage: false }).violations).toEqual([]);
            }
          }
        } finally {
          cleanup();
        }
      }),
      { numRuns: 200, seed: 20261124 },
    );
  });
});

describe('reports are deterministic', () => {
  it('the same seed gives a byte-identical JSON report (random and LDFI strategies)', async () => {
    await fc.assert(
      fc.asyncProperty(randomProtocol, boundsArb, fc.constantFrom('ldfi', 'random') as fc.Arbitrary<'ldfi' | 'random'>, fc.nat(1000), async (p, b, strategy, seed) => {
        const { target, cleanup } = targetFor(protocolText(p), b);
        try {
          const once = await outcome(search(target, { strategy, seed: String(seed), maxRuns: 50, findAll: true }));
          const again = await outcome(search(target, { strategy, seed: String(seed), maxRuns: 50, findAll: true }));
          if (once === 'vacuous' || again === 'vacuous') return void expect(again).toBe(once);
          expect(formatJsonReport(again, { timings: false })).toBe(formatJsonReport(once, { timings: false }));
        } finally {
          cleanup();
        }
      }),
      { numRuns: 15, seed: 7 },
    );
  });
});

describe('LDFI agrees with exhaustive search on protocols whose invariants read aggregates', () => {
  it('same verdict on counts, notin over aggregated relations and timeout decisions', async () => {
    await fc.assert(
      fc.asyncProperty(randomAggregateProtocol, boundsArb, async (p, b) => {
        const { target, cleanup } = targetFor(aggregateProtocolText(p), b);
        try {
          fc.pre(faultSpaceSize(target.bounds) <= 20000n);
          const ldfi = await outcome(search(target, { strategy: 'ldfi', seed: '1' }));
          const exhaustive = await outcome(search(target, { strategy: 'exhaustive', seed: '1' }));
          expect(statusOf(ldfi), aggregateProtocolText(p)).toBe(statusOf(exhaustive));
          for (const cex of cexesOf(ldfi)) {
            const replay = target.run(cex.faults, { lineage: false });
            expect(replay.violations.map((v) => v.key)).toEqual(cex.violations.map((v) => v.key));
          }
        } finally {
          cleanup();
        }
      }),
      { numRuns: 200, seed: 20261130 },
    );
  });
});
