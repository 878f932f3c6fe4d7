import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enumerateSchedules } from '../../src/injector/space.ts';
import { faultSetKey, type FaultKind, type FaultSet } from '../../src/model/faults.ts';
import type { RunOptions, Target } from '../../src/model/target.ts';
import { search } from '../../src/search/index.ts';
import { SimTarget } from '../../src/targets/sim/target.ts';
import { runView } from '../../src/targets/code/view.ts';
import { randomSimProtocol, randomSimSpec, type RandomSimSpec } from '../helpers/random-sim.ts';
import type { SimRunView } from '../../src/targets/sim/api.ts';

/**
 * The claim LDFI's verdict on a protocol rests on: every fault schedule within the bounds gives the
 * same run, as invariants see it, as one of the runs the footprint search made. Checked against every
 * schedule of the exhaustive enumeration, on random protocols built to make faults create violations.
 */

const BOUNDS = [
  { eot: 14, eff: 3, crashes: 0 },
  { eot: 12, eff: 2, crashes: 1 },
];

/**
 * A run as an invariant that reads no time sees it. With tracked state the search compares runs by
 * state without times until an invariant reads one (here none does: the targets have no invariant).
 */
const viewOf = (t: SimTarget, faults: FaultSet) => {
  const v = runView(t.simulate(faults, false));
  if (!t.capabilities.stateTraces) return JSON.stringify(v);
  return JSON.stringify({ inputs: v.inputs, outputs: v.outputs.map(({ node, value, inputs }) => ({ node, value, inputs })), crashed: v.crashed, down: v.down });
};

/** The target, recording what each run looked like to an invariant (with batches of runs, or one at a time). */
function recording(inner: SimTarget, seen: Set<string>, batches: boolean): Target {
  const runMany = async (schedules: readonly FaultSet[], options?: RunOptions) => {
    const results = await inner.runMany(schedules, options);
    for (const r of results) seen.add(viewOf(inner, r.faults));
    return results;
  };
  return {
    ...(batches ? { runMany } : {}),
    kind: inner.kind,
    files: inner.files,
    contentHash: inner.contentHash,
    bounds: inner.bounds,
    supportedFaults: inner.supportedFaults,
    tracksAbsence: inner.tracksAbsence,
    footprints: inner.footprints,
    invariantless: inner.invariantless,
    replayOptions: inner.replayOptions,
    capabilities: inner.capabilities,
    seed: inner.seed,
    run(faults: FaultSet, options?: RunOptions) {
      seen.add(viewOf(inner, faults));
      return inner.run(faults, options);
    },
  };
}

function targetOf(spec: RandomSimSpec, bounds: (typeof BOUNDS)[number], invariants: boolean): SimTarget {
  return SimTarget.of(randomSimProtocol(spec, invariants), { seed: '3', ...bounds });
}

describe('footprint search covers the fault space', () => {
  for (const bounds of BOUNDS) {
    it(`every schedule at EOT ${bounds.eot}, EFF ${bounds.eff}, ${bounds.crashes} crash(es) runs like one the search made`, async () => {
      await fc.assert(
        fc.asyncProperty(randomSimSpec, fc.boolean(), async (spec, batches) => {
          // Without invariants nothing is a counterexample, so the search makes every run it would.
          const target = targetOf(spec, bounds, false);
          const made = new Set<string>();
          const r = await search(recording(target, made, batches), { strategy: 'ldfi' });
          expect(r.status).toBe('no-counterexample-found');
          let schedules = 0;
          for (const schedule of enumerateSchedules(target.bounds)) {
            schedules++;
            const view = viewOf(target, schedule);
            if (!made.has(view)) expect.fail(`the run of ${JSON.stringify(schedule)} is none of the ${made.size} runs made`);
          }
          // The reduction is real (fewer runs than schedules), and no fault set is run twice.
          expect(r.runs.length).toBeLessThan(schedules);
          expect(new Set(r.runs.map((run) => faultSetKey(run.faults))).size).toBe(r.runs.length);
        }),
        { numRuns: 6, seed: 7 },
      );
    });
  }

  it('LDFI and exhaustive search agree on the verdict', async () => {
    await fc.assert(
      fc.asyncProperty(randomSimSpec, fc.constantFrom(...BOUNDS), async (spec, bounds) => {
        const target = targetOf(spec, bounds, true);
        const ldfi = await search(target, { strategy: 'ldfi' });
        const exhaustive = await search(target, { strategy: 'exhaustive' });
        expect(ldfi.status, JSON.stringify(spec)).toBe(exhaustive.status);
        for (const cex of ldfi.counterexamples) expect((await target.run(cex.faults, { lineage: false })).violations.length).toBeGreaterThan(0);
      }),
      { numRuns: 10, seed: 8 },
    );
  });

  it('searches only the kinds asked for: no probe or hypothesis brings in another kind, and the verdict is exhaustive search\'s', async () => {
    for (const [faultKinds, eff] of [[['crash'], 4], [['restart'], 4], [['omit'], 2]] as [FaultKind[], number][]) {
      const target = await SimTarget.open('examples/sim/pipeline-at-least-once.ts', { seed: '1', eot: 20, eff, crashes: 1, faultKinds });
      const ldfi = await search(target, { strategy: 'ldfi' });
      const exhaustive = await search(target, { strategy: 'exhaustive' });
      expect(ldfi.status, faultKinds.join()).toBe(exhaustive.status);
      expect(ldfi.runs.flatMap((r) => r.faults).filter((f) => !faultKinds.includes(f.kind))).toEqual([]);
    }
  });

  it('with restarts (state kept or lost): LDFI agrees with exhaustive search, its counterexamples replay, and some need a restart', async () => {
    const restartBounds = { eot: 12, eff: 4, crashes: 1, nodes: ['a', 'b'], faultKinds: ['omit', 'crash', 'restart'] as FaultKind[] };
    let withRestart = 0;
    await fc.assert(
      fc.asyncProperty(randomSimSpec, fc.boolean(), async (spec, tracked) => {
        // Retransmission into a receiver that deduplicates: a restart that loses what it saw duplicates.
        const p = randomSimProtocol({ ...spec, tracked, acks: true, dedupe: true, retries: Math.max(1, spec.retries), invariant: 'exactly-once' }, true);
        const target = SimTarget.of(p, { seed: '2', ...restartBounds });
        const ldfi = await search(target, { strategy: 'ldfi' });
        const exhaustive = await search(target, { strategy: 'exhaustive' });
        expect(ldfi.status, JSON.stringify(spec)).toBe(exhaustive.status);
        for (const cex of ldfi.counterexamples) {
          expect((await target.run(cex.faults, { lineage: false })).violations.length).toBeGreaterThan(0);
          if (cex.faults.some((f) => f.kind === 'restart')) withRestart++;
        }
      }),
      { numRuns: 16, seed: 11 },
    );
    expect(withRestart).toBeGreaterThan(0);
  });

  it('comparing runs by state: fewer runs with tracked state than with the same protocol in closures, the same verdict as exhaustive search, also when an invariant reads times', async () => {
    let tracked = 0;
    let closures = 0;
    await fc.assert(
      fc.asyncProperty(randomSimSpec, fc.constantFrom(...BOUNDS), fc.boolean(), async (spec, bounds, readsTimes) => {
        const protocol = (isTracked: boolean) => {
          const p = randomSimProtocol({ ...spec, tracked: isTracked }, true);
          // An invariant that reads output times only once there are two outputs: the search learns it midway.
          const late = (run: SimRunView) => (run.outputs.length > 1 && run.outputs.some((o) => o.at > 1000) ? ['never'] : []);
          return { ...p, invariants: readsTimes ? [...p.invariants, late] : p.invariants };
        };
        const withState = SimTarget.of(protocol(true), { seed: '3', ...bounds });
        const inClosures = SimTarget.of(protocol(false), { seed: '3', ...bounds });
        expect(withState.capabilities.stateTraces).toBe(true);
        expect(inClosures.capabilities.stateTraces).toBe(false);
        const a = await search(withState, { strategy: 'ldfi' });
        const b = await search(inClosures, { strategy: 'ldfi' });
        const exhaustive = await search(withState, { strategy: 'exhaustive' });
        expect([a.status, b.status], JSON.stringify(spec)).toEqual([exhaustive.status, exhaustive.status]);
        for (const cex of a.counterexamples) expect((await withState.run(cex.faults, { lineage: false })).violations.length).toBeGreaterThan(0);
        // No fault set is recorded twice, even when the sizes were built again for exact states.
        expect(new Set(a.runs.map((run) => faultSetKey(run.faults))).size).toBe(a.runs.length);
        if (a.status === 'resilient') {
          tracked += a.runs.length;
          closures += b.runs.length;
        }
      }),
      // npm run soundness runs thousands of random protocols; the suite keeps a sample.
      { numRuns: 16, seed: 9 },
    );
    expect(tracked).toBeLessThan(closures);
  });
});
