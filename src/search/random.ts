import { randomSchedule } from '../injector/random.ts';
import type { SearchRecorder } from './recorder.ts';
import type { SearchResult } from './result.ts';
import { violates } from './shrink.ts';

/**
 * The random baseline: seeded schedules, run i drawn from (seed, i). It can find counterexamples
 * but never certify resilience, so without one it ends with its run budget exhausted.
 */
export async function randomSearch(rec: SearchRecorder): Promise<SearchResult> {
  for (let i = 1; ; i++) {
    if (rec.interrupted) return rec.finish('interrupted');
    if (!rec.budgetLeft) return rec.finish('budget-exhausted');
    const faults = i === 1 ? [] : randomSchedule(rec.target.bounds, rec.options.seed, i, rec.options.randomKinds.filter((k) => rec.target.supportedFaults.includes(k)));
    const { result, ms } = await rec.execute(faults, { lineage: false });
    if (i === 1) rec.outcomes = result.outcomes;
    const record = rec.record(result, ms);
    if (violates(result)) {
      await rec.counterexample(result, record.index);
      if (!rec.options.findAll) return rec.finish('counterexample');
    }
  }
}
