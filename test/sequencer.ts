import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each of the heavier test files took in CI (two workers, December 2026), an ordering hint
 * only: the longest start first (longest processing time first), so that no long file starts last
 * while the other worker idles — a fresh clone has no timings of its own, and vitest would order
 * by file size. A file missing here (new, or quick) comes after these; the results never depend on it.
 */
const SECONDS: Readonly<Record<string, number>> = {
  'test/examples/sim-verdicts.test.ts': 72,
  'test/targets/tcp/double-halve.test.ts': 69,
  'test/search/footprint.test.ts': 61,
  'test/cli/cli.test.ts': 57,
  'test/search/parallel.test.ts': 52,
  'test/targets/tcp/checkout.test.ts': 50,
  'test/report/browser.test.ts': 46,
  'test/cli/campaign.test.ts': 44,
  'test/targets/tcp/exactly-once.test.ts': 42,
  'test/search/cut-search.test.ts': 41,
  'test/targets/tcp/primary-backup.test.ts': 38,
  'test/search/properties.test.ts': 37,
  'test/package/pack.test.ts': 32,
  'test/cli/check.test.ts': 28,
  'test/search/agreement.test.ts': 27,
  'test/targets/tcp/request-faults.test.ts': 27,
  'test/targets/tcp/fuzz.test.ts': 22,
  'test/search/unknown.test.ts': 22,
  'test/targets/tcp/trades.test.ts': 18,
  'test/examples/dedalus-verdicts.test.ts': 17,
  'test/examples/sim-determinism.test.ts': 17,
  'test/search/options.test.ts': 14,
  'test/targets/tcp/http.test.ts': 13,
  'test/report/schema.test.ts': 13,
  'test/targets/sim/fuzz.test.ts': 12,
  'test/search/threads.test.ts': 11,
  'test/targets/dedalus/derivable.test.ts': 10,
  'test/targets/tcp/proxy.test.ts': 9,
  'test/search/symmetry.test.ts': 8,
  'test/search/causal.test.ts': 8,
  'test/search/delay-search.test.ts': 7,
  'test/search/outcome-pattern.test.ts': 6,
  'test/cli/internal-error.test.ts': 6,
  'test/report/packed.test.ts': 5,
  'test/examples/sim-properties.test.ts': 5,
  'test/report/verdict.test.ts': 5,
  'test/injector/restriction.test.ts': 5,
};

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const cost = (f: TestSpecification) => SECONDS[relative(process.cwd(), f.moduleId)] ?? 0;
    // Stable: files without a cost keep vitest's own order.
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => cost(b.f) - cost(a.f) || a.i - b.i).map(({ f }) => f);
  }
}
