import { faultSetKey, isSubsetOf, renameFaults, type FaultSet } from '../model/faults.ts';
import { enumerateSchedules } from '../injector/space.ts';
import type { SearchRecorder } from './recorder.ts';
import type { SearchResult } from './result.ts';
import { violates } from './shrink.ts';

/**
 * The reference baseline: every canonical schedule within the bounds, smallest first. The first
 * counterexample it finds is of minimum size; a completed enumeration proves resilience.
 */
export async function exhaustiveSearch(rec: SearchRecorder): Promise<SearchResult> {
  const found: FaultSet[] = [];
  const symmetries = rec.options.symmetry ? (rec.target.symmetries ?? []) : [];
  // With symmetry, one schedule per class of schedules equal up to renaming interchangeable nodes.
  const made = new Set<string>();
  for (const schedule of enumerateSchedules(rec.target.bounds)) {
    if (rec.interrupted) return rec.finish('interrupted');
    if (!rec.budgetLeft) return rec.finish('budget-exhausted');
    if (found.some((c) => isSubsetOf(c, schedule))) continue;
    if (!schedule.every(rec.options.allows)) continue;
    if (symmetries.length) {
      if (symmetries.some((r) => made.has(faultSetKey(renameFaults(schedule, r))))) {
        rec.symmetrySaved++;
        continue;
      }
      made.add(faultSetKey(schedule));
    }
    const { result, ms } = await rec.execute(schedule, { lineage: false });
    if (rec.runs.length === 0) rec.outcomes = result.outcomes;
    const record = rec.record(result, ms);
    if (violates(result)) {
      const cex = await rec.counterexample(result, record.index);
      found.push(cex.faults);
      if (!rec.options.findAll) return rec.finish('counterexample');
    }
  }
  return rec.finish('resilient');
}
