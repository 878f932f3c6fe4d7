import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ldfi } from '../helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ldfi-internal-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NAIVE = ['examples/dedalus/broadcast-naive.ded', '--eot', '4', '--eff', '2', '--crashes', '1'];

// Z3 has failed inside its WASM on long searches; exit 1 must still only ever mean a counterexample.
describe('a failing solver ends with exit 3 and a partial report marked internal-error', () => {
  for (const how of ['throw', 'trap', 'reject'] as const) {
    it(`when the solver ${how === 'throw' ? 'rejects inside the search' : how === 'trap' ? 'throws from outside the promise chain' : 'leaves a rejected promise unhandled'}`, () => {
      const json = join(tmp, `${how}.json`);
      const junit = join(tmp, `${how}.xml`);
      // The 6th check comes after the first counterexample of this search (--find-all goes on).
      const r = ldfi(['run', ...NAIVE, '--find-all', '--json', json, '--junit', junit], { env: { LDFI_TEST_SOLVER_FAULT: `${how}:6` } });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^ldfi: internal error: RuntimeError: null function or function signature mismatch/m);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stdout).toMatch(/^✗ no verdict: ldfi failed after \d+ runs/);
      const report = JSON.parse(readFileSync(json, 'utf8'));
      expect(report.status).toBe('internal-error');
      expect(report.error).toMatch(/null function/);
      // What was found before the failure is kept.
      expect(report.counterexamples.length).toBeGreaterThan(0);
      expect(report.runs.length).toBeGreaterThan(1);
      const xml = readFileSync(junit, 'utf8');
      expect(xml).toMatch(/errors="1"/);
      expect(xml).toMatch(/<error message="ldfi failed after/);
    });
  }

  it('a failure before any counterexample is still exit 3, never 0', () => {
    const r = ldfi(['run', 'examples/dedalus/broadcast-retry.ded', '--eot', '4', '--eff', '3'], { env: { LDFI_TEST_SOLVER_FAULT: 'trap:1' } });
    expect(r.code).toBe(3);
    expect(r.stdout).not.toMatch(/resilient/);
  });
});
