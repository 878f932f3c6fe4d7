import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enumerateSchedules, faultSpaceSize } from '../../src/injector/space.ts';
import { faultSetKey, isCut, type FaultKind, type FaultSet } from '../../src/model/faults.ts';
import { search } from '../../src/search/index.ts';
import { SimTarget } from '../../src/targets/sim/target.ts';
import { expectEveryScheduleCovered, searchSeeingRuns, timedView } from '../helpers/coverage.ts';
import { randomCutSpec, randomSimProtocol, randomSimSpec } from '../helpers/random-sim.ts';
import { parseRestriction } from '../../src/injector/restriction.ts';

/**
 * Cuts of the network (dropped connections, partitions) as LDFI hypotheses on protocols whose nodes
 * hear them: the footprint offers one start per class, ending at once, and each run says which later
 * end and start change it. The claims checked: every schedule of the exhaustive enumeration runs like
 * one the search made, and the verdicts agree with exhaustive search.
 */


/** Cuts alone on three nodes (EFF 3: windows within 1..2), and cuts with omissions and a crash on two. */
const BOUNDS: { eot: number; eff: number; crashes: number; nodes: string[]; faultKinds: FaultKind[] }[] = [
  { eot: 14, eff: 3, crashes: 0, nodes: ['a', 'b', 'c'], faultKinds: ['disconnect', 'partition'] },
  { eot: 14, eff: 3, crashes: 1, nodes: ['a', 'b'], faultKinds: ['omit', 'crash', 'disconnect'] },
];

describe('cuts of the network searched by LDFI', () => {
  it('the fault space counts, per link and for the partitions, the sets of windows kept apart', () => {
    // One pair, windows within 1..2: none, 1..1, 2..2, 1..2 (1..1 and 2..2 together touch).
    const pair = { eot: 5, eff: 3, crashes: 0, nodes: ['a', 'b'], kinds: ['disconnect'] as FaultKind[] };
    expect(faultSpaceSize(pair)).toBe(4n);
    expect([...enumerateSchedules(pair)].length).toBe(4);
    // Three nodes: 4 ways per pair, and none or one of 3 splits in one of 3 windows (10 ways).
    const three = { eot: 5, eff: 3, crashes: 0, nodes: ['a', 'b', 'c'], kinds: ['disconnect', 'partition'] as FaultKind[] };
    expect(faultSpaceSize(three)).toBe(4n ** 3n * 10n);
    expect([...enumerateSchedules(three)].length).toBe(4 ** 3 * 10);
    // Windows within 1..4: two cuts of one link fit, apart (1..1 with 3..3, 3..4, 4..4; 1..2 with 4..4; 2..2 with 4..4).
    const longer = { eot: 9, eff: 5, crashes: 0, nodes: ['a', 'b'], kinds: ['disconnect'] as FaultKind[] };
    expect(faultSpaceSize(longer)).toBe(BigInt(1 + 10 + 5));
    expect([...enumerateSchedules(longer)].length).toBe(16);
  });

  it('every schedule with cuts runs like one the search made, and no fault set runs twice', async () => {
    await fc.assert(
      fc.asyncProperty(randomCutSpec, fc.constantFrom(...BOUNDS), async (spec, bounds) => {
        const target = SimTarget.of(randomSimProtocol(spec, false), { seed: '3', ...bounds });
        const { result: r, made } = await searchSeeingRuns(target);
        expect(r.status).toBe('no-counterexample-found');
        const schedules = expectEveryScheduleCovered(target, made, { spec, bounds });
        expect(r.runs.length).toBeLessThan(schedules);
        expect(new Set(r.runs.map((run) => faultSetKey(run.faults))).size).toBe(r.runs.length);
      }),
      { numRuns: 10, seed: 31 },
    );
  });

  it('with an invariant that reads the end time, every schedule runs like one the search made, times included', async () => {
    await fc.assert(
      fc.asyncProperty(randomCutSpec, fc.constantFrom(...BOUNDS), async (spec, bounds) => {
        // An invariant that never fails but reads a time: runs are compared with their times.
        const protocol = { ...randomSimProtocol(spec, false), invariants: [(run: { endTime: number }) => (run.endTime < 0 ? ['never'] : [])] };
        const target = SimTarget.of(protocol, { seed: '4', ...bounds });
        const { result: r, made } = await searchSeeingRuns(target, timedView);
        expect(r.status).toBe('resilient');
        expectEveryScheduleCovered(target, made, { spec, bounds }, timedView);
      }),
      { numRuns: 6, seed: 41 },
    );
  });

  it('LDFI agrees with exhaustive search, its counterexamples replay, and some need a cut', async () => {
    let withCut = 0;
    await fc.assert(
      fc.asyncProperty(randomCutSpec, fc.constantFrom(...BOUNDS), async (spec, bounds) => {
        const target = SimTarget.of(randomSimProtocol(spec, true), { seed: '2', ...bounds });
        const ldfi = await search(target, { strategy: 'ldfi' });
        const exhaustive = await search(target, { strategy: 'exhaustive' });
        expect(ldfi.status, JSON.stringify({ spec, bounds })).toBe(exhaustive.status);
        for (const cex of ldfi.counterexamples) {
          expect((await target.run(cex.faults, { lineage: false })).violations.length).toBeGreaterThan(0);
          if (cex.faults.some(isCut)) withCut++;
        }
      }),
      { numRuns: 16, seed: 7 },
    );
    expect(withCut).toBeGreaterThan(0);
  });

  it('in a space of dropped connections alone, a cut that only drops messages is still tried (the omissions it equals are outside the space)', async () => {
    await fc.assert(
      fc.asyncProperty(randomSimSpec, async (spec) => {
        // No connection handlers: every cut is the omissions it makes, which the space leaves out.
        const target = SimTarget.of(randomSimProtocol(spec, true), { seed: '2', eot: 14, eff: 3, crashes: 0, nodes: ['a', 'b'], faultKinds: ['omit', 'disconnect'] });
        const restriction = parseRestriction('disconnect:*↔*');
        const ldfi = await search(target, { strategy: 'ldfi', restriction });
        const exhaustive = await search(target, { strategy: 'exhaustive', restriction });
        expect(ldfi.status, JSON.stringify(spec)).toBe(exhaustive.status);
      }),
      { numRuns: 8, seed: 13 },
    );
  });
});
