import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, isUserError, openTarget, replay, search, UserError, why } from 'ldfi';
import { expectResilient, ResilienceError } from 'ldfi/vitest';
import { startZ3, type SatBackend } from '../src/solver/z3-backend.ts';

// One Z3 for the file: each search would otherwise start and stop its own.
let z3: SatBackend;
beforeAll(async () => {
  z3 = await startZ3();
});
afterAll(() => z3.close());

const NAIVE = 'examples/dedalus/broadcast-naive.ded';

describe("the library: import { … } from 'ldfi'", () => {
  it('opens, searches, replays, explains and answers why, as the command line does', async () => {
    const t = await openTarget(NAIVE, { eot: 4, eff: 2 });
    const r = await search(t);
    expect(r.status).toBe('counterexample');
    if (r.status !== 'counterexample') return;
    const cex = r.counterexamples[0];
    expect(cex.replay).toMatch(/ replay .*broadcast-naive\.ded .*--faults 'omit a→[bc] @1'$/);
    const again = await replay(t, cex.faults);
    expect(again.holds).toBe(false);
    expect(again.violations).toEqual(cex.violations);
    expect((await replay(t, 'none')).holds).toBe(true);
    expect(explain(r)).toMatch(/^Explanation \(\d+ runs?, \d+ hypothes[ie]s, status counterexample\):/);
    const w = await why(t, 'log(b,hello)@4', cex.faults);
    expect(typeof w.holds).toBe('boolean');
    expect(w.text.length).toBeGreaterThan(0);
  });

  it('throws UserError, with a code, for bad input', async () => {
    const t = await openTarget(NAIVE, { eot: 4, eff: 2 });
    const bad = await replay(t, 'omit a→b @9').catch((e: unknown) => e);
    expect(isUserError(bad)).toBe(true);
    expect(bad).toBeInstanceOf(UserError);
    expect((bad as UserError).message).toMatch(/@9/);
    await expect(openTarget('no/such/file.ded')).rejects.toThrow(/no such file|cannot read/);
  });
});

describe("the test helper: import { expectResilient } from 'ldfi/vitest'", () => {
  it('returns the proof when there is one', async () => {
    const r = await expectResilient('examples/dedalus/broadcast-retry.ded', { eot: 4, eff: 3 });
    expect(r.status).toBe('resilient');
  });

  it('fails with the fault set, the violation and the replay line, like a failing property', async () => {
    const e = await expectResilient(NAIVE, { eot: 4, eff: 2 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ResilienceError);
    const message = (e as ResilienceError).message.split('\n');
    expect(message[0]).toBe(`ldfi: ${NAIVE} is not proven resilient within EOT 4, EFF 2, 0 crashes`);
    expect(message).toContain('  Counterexample 1 (found at run 2): omit a→b @1');
    expect(message.some((l) => l.startsWith('    violated: '))).toBe(true);
    expect(message.some((l) => /^ {4}replay: {3}npx ldfi replay /.test(l))).toBe(true);
    expect((e as ResilienceError).result.status).toBe('counterexample');
  });

  it('fails when the search proves nothing, saying why', async () => {
    const e = await expectResilient(NAIVE, { eot: 4, eff: 2, negativeSupport: false, strategy: 'random', maxRuns: 1 }).catch((x: unknown) => x);
    expect((e as ResilienceError).message).toMatch(/^ldfi: .* is not proven resilient .*\n {2}• no counterexample in 1 run .*not a proof/);
  });
});

describe('bounds through the library', () => {
  it('are checked as on the command line, each named by its field', async () => {
    await expect(openTarget(NAIVE, { eot: 3, eff: 4 })).rejects.toThrow("eff: '4' is beyond eot: '3'; EFF is at most EOT (give eff: '3' or less)");
    await expect(openTarget(NAIVE, { eot: 4, eff: 2, crashes: 4 })).rejects.toThrow("crashes: '4' is more than the 3 nodes");
    await expect(openTarget(NAIVE, { eot: 1001, eff: 2 })).rejects.toThrow("eot: '1001' is beyond the maximum of 1,000 steps");
    // A bad value is named first, before a default of the program is compared with it.
    await expect(openTarget(NAIVE, { eot: -1 })).rejects.toThrow("eot: '-1' is not a whole number ≥ 1");
    await expect(openTarget(NAIVE, { eff: 1.5 })).rejects.toThrow("eff: '1.5' is not a whole number ≥ 0");
    await expect(openTarget(NAIVE, { failStatuses: [200] })).rejects.toThrow("failStatuses: '[200]' must list error statuses, 400 to 599");
    await expect(openTarget(NAIVE, { failStatuses: [503] })).rejects.toThrow('only requests between real processes over HTTP fail');
  });
});
