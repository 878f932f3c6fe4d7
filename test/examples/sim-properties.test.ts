import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateSchedule } from '../../src/injector/faults.ts';
import { randomSchedule } from '../../src/injector/random.ts';
import { formatFaults, parseFaults } from '../../src/injector/text.ts';
import { SimTarget } from '../../src/targets/sim/target.ts';
import { traceHash } from '../../src/targets/sim/trace-file.ts';

const KINDS = ['omit', 'crash', 'disconnect', 'delay', 'restart', 'partition'] as const;
const files = readdirSync('examples/sim').filter((f) => f.endsWith('.ts')).map((f) => `examples/sim/${f}`);

describe('every sim example under random schedules of every fault kind', () => {
  it('runs deterministically, and its schedule survives the text form', async () => {
    const targets = await Promise.all(files.map((f) => SimTarget.open(f, { seed: '5', crashes: 1 })));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: targets.length - 1 }), fc.nat(10_000), async (i, run) => {
        const t = targets[i];
        const schedule = randomSchedule(t.bounds, 'prop', run, KINDS);
        expect(validateSchedule(schedule, t.bounds, t.supportedFaults)).toEqual(schedule);
        const reparsed = parseFaults(formatFaults(schedule));
        expect(traceHash(t.simulate(reparsed))).toBe(traceHash(t.simulate(schedule)));
        const a = await t.run(schedule, { lineage: false });
        const b = await t.run(schedule, { lineage: false });
        expect(b.violations).toEqual(a.violations);
        expect(b.error).toEqual(a.error);
      }),
      { numRuns: 120, seed: 11 },
    );
  });
});
