import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { startZ3, type SatBackend } from '../../src/solver/z3-backend.ts';
import { dedalusExamples, type ExampleCase } from '../../examples/dedalus/catalog.ts';
import { search } from '../../src/search/index.ts';
import { DedalusTarget } from '../../src/targets/dedalus/target.ts';

// One Z3 for the whole file: each search would otherwise start and stop its own.
let z3: SatBackend;
beforeAll(async () => {
  z3 = await startZ3();
});
afterAll(() => z3.close());

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

function targetOf(row: ExampleCase): DedalusTarget {
  return new DedalusTarget(
    row.files.map((f) => resolve(repoRoot, f)),
    { eot: row.eot, eff: row.eff, crashes: row.crashes, nodes: row.nodes, negativeSupport: true },
  );
}

async function checkVerdict(row: ExampleCase, strategy: 'ldfi' | 'exhaustive' | 'molly'): Promise<void> {
  const target = targetOf(row);
  const result = await search(target, { strategy });
  expect(result.status, `${row.name} (${strategy})`).toBe(row.expected);
  if (row.expected === 'counterexample') expect(result.counterexamples.length).toBeGreaterThan(0);
  for (const cex of result.counterexamples) {
    const replay = target.run(cex.faults, { lineage: false });
    expect(replay.violations.map((v) => v.key), `replay of ${JSON.stringify(cex.faults)}`).toEqual(cex.violations.map((v) => v.key));
    for (let i = 0; i < cex.faults.length; i++) {
      expect(target.run(cex.faults.filter((_, j) => j !== i), { lineage: false }).violations, 'every fault is necessary').toEqual([]);
    }
  }
}

describe('Dedalus example catalog', () => {
  it('has unique row names and sane bounds', () => {
    const names = dedalusExamples.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of dedalusExamples) {
      expect(r.files.length).toBeGreaterThan(0);
      expect(r.eff).toBeLessThanOrEqual(r.eot);
      expect(r.crashes).toBeGreaterThanOrEqual(0);
    }
  });

  it('keeps the retry broadcast at EOT 25 / EFF 23 as a resilient, non-exhaustive row', () => {
    const row = dedalusExamples.find((r) => r.files.some((f) => f.endsWith('broadcast-retry.ded')) && r.eot === 25 && r.eff === 23);
    expect(row?.expected).toBe('resilient');
    expect(row?.exhaustiveFeasible).toBe(false);
  });
});

describe.each(dedalusExamples.map((row) => [row.name, row] as const))('%s', (_name, row) => {
  it(`ldfi finds: ${row.expected}`, () => checkVerdict(row, 'ldfi'));

  if (row.exhaustiveFeasible) {
    it(`exhaustive agrees: ${row.expected}`, () => checkVerdict(row, 'exhaustive'));
    // Molly's strategy (each run solved on its own) is the comparison baseline of the benchmark.
    it(`molly's strategy agrees: ${row.expected}`, () => checkVerdict(row, 'molly'));
  }
});
