import { randomSchedule } from '../injector/random.ts';
import type { SearchRecorder } from './recorder.ts';
import type { SearchResult } from './result.ts';
import { violates } from './shrink.ts';

/**
 * The random baseline: seeded schedules, run i drawn from (seed, i). It can find counterexamples
 * but never certify resilience, so without one it ends with its run budget exhausted.
 */
export async function randomSearch(rec: SearchRecorder): Promise<SearchResult> {
  const kinds = rec.options.randomKinds.filter((k) => rec.target.supportedFaults.includes(k));
  // A targeted space keeps the drawn faults it allows.
  const scheduleOf = (i: number) => (i === 1 ? [] : randomSchedule(rec.target.bounds, rec.options.seed, i, kinds).filter(rec.options.allows));
  for (let i = 1; ; ) {
    if (rec.interrupted) return rec.finish('interrupted');
    if (!rec.budgetLeft) return rec.finish('budget-exhausted');
    const count = Math.min(BATCH, rec.options.maxRuns - rec.runs.length);
    const results = await rec.executeMany(Array.from({ length: count }, (_, k) => scheduleOf(i + k)), { lineage: false });
    for (const { result, ms } of results) {
      if (i++ === 1) rec.outcomes = result.outcomes;
      const record = rec.record(result, ms);
      if (violates(result)) {
        await rec.counterexample(result, record.index);
        if (!rec.options.findAll) return rec.finish('counterexample');
      }
    }
  }
}

/** Schedules handed to the target at once (targets that run several under one watchdog). */
const BATCH = 64;
