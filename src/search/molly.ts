import { canonicalFaults, faultSetKey, isSubsetOf, type FaultSet } from '../model/faults.ts';
import { FaultSetSolver } from '../solver/solver.ts';
import type { SearchRecorder } from './recorder.ts';
import type { SearchResult } from './result.ts';
import { violates } from './shrink.ts';
import { targetedOutcomes } from './outcome-pattern.ts';

/**
 * Molly's own strategy, for comparison (Alvaro et al., SIGMOD 2015, §5; Molly's implementation):
 * every run is solved on its own. From each surviving run, the solver is asked for the smallest fault
 * sets that cut every support of its outcomes *in that run's lineage*, and each is added to the run's
 * own faults to make a new hypothesis; runs are explored breadth first, each fault set once, never a
 * superset of a counterexample. Unlike `ldfi`, it keeps no union of what runs revealed, so it re-learns
 * supports it has already seen. No hypothesis left: resilient within the bounds.
 */
export async function mollySearch(rec: SearchRecorder): Promise<SearchResult> {
  const queue: FaultSet[] = [[]];
  const seen = new Set<string>(['']);
  const counterexamples: FaultSet[] = [];
  const solver = await FaultSetSolver.start();
  try {
    while (queue.length) {
      if (rec.interrupted) return rec.finish('interrupted');
      if (!rec.budgetLeft) return rec.finish('budget-exhausted');
      const faults = queue.shift()!;
      if (counterexamples.some((c) => isSubsetOf(c, faults))) continue;
      const { result, ms } = await rec.execute(faults, { lineage: true });
      if (rec.runs.length === 0) rec.outcomes = targetedOutcomes(rec.options.outcome, result.outcomes);
      const record = rec.record(result, ms);
      if (violates(result)) {
        const cex = await rec.counterexample(result, record.index);
        counterexamples.push(cex.faults);
        if (!rec.options.findAll) return rec.finish('counterexample');
        continue;
      }
      const t0 = performance.now();
      for (const extra of await allMinimalCuts(solver, result.lineage, result.outcomes, rec, faults)) {
        const next = canonicalFaults([...faults, ...extra]);
        const key = faultSetKey(next);
        if (seen.has(key) || !withinBudget(next, rec.target.bounds.crashes)) continue;
        seen.add(key);
        rec.hypotheses++;
        queue.push(next);
      }
      rec.solverMs += performance.now() - t0;
    }
    // The queue may have emptied because a Ctrl-C stopped a solver query: that proves nothing.
    if (rec.interrupted) return rec.finish('interrupted');
    return rec.finish('resilient');
  } finally {
    await solver.close();
  }
}

/**
 * Every minimal set of further faults (none of those already in `faults`) that cuts every support of
 * some outcome of one run's lineage, all sizes: each size's sets become exclusions for the next.
 */
async function allMinimalCuts(solver: FaultSetSolver, lineage: Parameters<FaultSetSolver['next']>[0]['lineage'], outcomes: readonly string[], rec: SearchRecorder, faults: FaultSet): Promise<FaultSet[]> {
  const found: FaultSet[] = [];
  for (;;) {
    const answer = await solver.next({ lineage, outcomes, bounds: rec.target.bounds, tried: [], counterexamples: found, required: faults, limit: 1000, allow: rec.options.allows, stop: () => rec.interrupted });
    if (answer.hypotheses.length === 0) return found;
    for (const h of answer.hypotheses) found.push(h);
  }
}

/** A node crashes once, and at most `crashes` nodes crash. */
function withinBudget(faults: FaultSet, crashes: number): boolean {
  const crashed = faults.filter((f) => f.kind === 'crash').map((f) => (f.kind === 'crash' ? f.node : ''));
  return new Set(crashed).size === crashed.length && crashed.length <= crashes;
}
