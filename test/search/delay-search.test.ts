import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enumerateSchedules, faultSpaceSize } from '../../src/injector/space.ts';
import { faultSetKey, type FaultKind, type FaultSet } from '../../src/model/faults.ts';
import { search } from '../../src/search/index.ts';
import { SimTarget } from '../../src/targets/sim/target.ts';
import { expectEveryScheduleCovered, searchSeeingRuns } from '../helpers/coverage.ts';
import { randomSimProtocol, randomSimSpec } from '../helpers/random-sim.ts';
import { formatSearchResult } from '../../src/report/text.ts';
import { formatHtmlReport } from '../../src/report/html/page.ts';
import { formatJUnit } from '../../src/report/junit.ts';
import { toJsonReport } from '../../src/report/json.ts';

/**
 * Delays as LDFI hypotheses: the footprint offers each channel's messages of one send time delayed by
 * the least amount that changes the run, and each run says which longer delay changes it next. The
 * claim checked: every schedule of omissions, delays (up to the bound) and crashes runs like one the
 * search made, and the verdicts agree with exhaustive search.
 */

const KINDS: FaultKind[] = ['omit', 'crash', 'delay'];
const BOUNDS = { eot: 14, eff: 3, crashes: 0, nodes: ['a', 'b'], faultKinds: KINDS, maxDelay: 3 };


describe('delays searched by LDFI', () => {
  it('the fault space counts each send slot as nothing, lost, or delayed by 1..maxDelay', () => {
    const b = { eot: 5, eff: 3, crashes: 0, nodes: ['a', 'b'], kinds: KINDS, maxDelay: 2 };
    // 2 channels × 2 send times, 4 ways each.
    expect(faultSpaceSize(b)).toBe(4n ** 4n);
    expect([...enumerateSchedules(b)].length).toBe(4 ** 4);
  });

  it('every schedule with delays runs like one the search made, and no fault set runs twice', async () => {
    await fc.assert(
      fc.asyncProperty(randomSimSpec, async (spec) => {
        const target = SimTarget.of(randomSimProtocol(spec, false), { seed: '3', ...BOUNDS });
        const { result: r, made } = await searchSeeingRuns(target);
        expect(r.status).toBe('no-counterexample-found');
        const schedules = expectEveryScheduleCovered(target, made, spec);
        expect(r.runs.length).toBeLessThan(schedules);
        expect(new Set(r.runs.map((run) => faultSetKey(run.faults))).size).toBe(r.runs.length);
      }),
      { numRuns: 8, seed: 21 },
    );
  });

  it('LDFI agrees with exhaustive search, its counterexamples replay, and some need a delay', async () => {
    let withDelay = 0;
    await fc.assert(
      fc.asyncProperty(randomSimSpec, async (spec) => {
        // A timeout that suspects a peer whose acknowledgement is late: a delay alone can break it.
        const p = randomSimProtocol({ ...spec, acks: true, timeout: spec.timeout ?? 5, invariant: 'no-suspicion' }, true);
        // Without omissions, only a delay can make an acknowledgement late.
        const target = SimTarget.of(p, { seed: '2', ...BOUNDS, faultKinds: ['delay'] });
        const ldfi = await search(target, { strategy: 'ldfi' });
        const exhaustive = await search(target, { strategy: 'exhaustive' });
        expect(ldfi.status, JSON.stringify(spec)).toBe(exhaustive.status);
        for (const cex of ldfi.counterexamples) {
          expect((await target.run(cex.faults, { lineage: false })).violations.length).toBeGreaterThan(0);
          if (cex.faults.some((f) => f.kind === 'delay')) withDelay++;
        }
      }),
      { numRuns: 12, seed: 5 },
    );
    expect(withDelay).toBeGreaterThan(0);
  });

  it('every report names the kinds searched and the longest delay, as the verdict does', async () => {
    const r = await search(await SimTarget.open('examples/sim/replicated-register-versioned.ts', { seed: '1', maxDelay: 1 }), { strategy: 'ldfi' });
    expect(r.status).toBe('resilient');
    // The header says what the verdict covers: crashes and restarts are asked for, but the bounds have no crash.
    const line = 'kinds omit,delay; crash, restart off: crashes 0, delays up to 1';
    expect(formatSearchResult(r)).toContain(line);
    expect(formatSearchResult(r)).toContain('✓ resilient to omissions and delays within the bounds');
    expect(formatHtmlReport(r)).toContain(line);
    expect(formatJUnit(r)).toContain(line);
    expect(toJsonReport(r).bounds).toMatchObject({ kinds: ['omit', 'crash', 'restart', 'delay'], maxDelay: 1 });
  });
});

describe('request-level faults in the fault space', () => {
  it('counts each send slot as nothing, lost, failed with each status (request channels only) or reset', () => {
    const b = { eot: 5, eff: 3, crashes: 0, nodes: ['a', 'b'], kinds: ['omit', 'fail', 'reset'] as FaultKind[], requestChannels: ['a|b'], failStatuses: [500, 503] };
    // a→b carries requests: nothing, lost, 500, 503, reset; b→a: nothing, lost, reset. Two send times each.
    expect(faultSpaceSize(b)).toBe(5n ** 2n * 3n ** 2n);
    const all = [...enumerateSchedules(b)];
    expect(all.length).toBe(5 ** 2 * 3 ** 2);
    expect(new Set(all.map(faultSetKey)).size).toBe(all.length);
    expect(all.some((s) => s.some((f) => f.kind === 'fail' && f.from === 'b'))).toBe(false);
  });
});
