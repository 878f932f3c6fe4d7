import { rootCause } from './root-cause.ts';
import type { Target } from '../model/target.ts';
import { searchOnce } from './once.ts';
import { qualifySearchOptions, type RawSearchOptions } from './options.ts';
import type { SearchObserver } from './recorder.ts';
import { eachRun, runCount, type Counterexample, type RunRecord, type SearchResult, type Unchecked } from './result.ts';

/**
 * The same search over several seeds, i.e. several delivery orders of a simulated network (a seed
 * decides each message's latency, and LDFI explores one order per seed). Counterexamples are reported
 * once per root cause: the shape of their minimal fault set (which kinds of fault on which nodes or
 * channels, whatever the times), the first found standing for the others.
 * The verdict is the weakest of the seeds': any counterexample, else any search that proved nothing.
 */
export async function searchSeeds(target: Target, seeds: readonly string[], raw: RawSearchOptions, observer?: SearchObserver): Promise<SearchResult> {
  const results: SearchResult[] = [];
  let stopped = false;
  for (const seed of seeds) {
    if (results.length > 0) {
      // A turn of the event loop between seeds: a seed's search can end before it ever yields, and a
      // Ctrl-C must still be seen. The first seed always runs (a stop already asked ends it at once).
      await new Promise((resolve) => setImmediate(resolve));
      if (raw.signal?.aborted) {
        stopped = true;
        break;
      }
    }
    const t = seed === target.seed ? target : await target.withSeed!(seed);
    const r = await searchOnce(t, qualifySearchOptions(t, { ...raw, seeds: undefined, seed }), observer);
    results.push(r);
    if (r.status === 'internal-error' || r.status === 'interrupted') break;
    if (r.status === 'counterexample' && !raw.findAll) break;
  }
  return merge(results, seeds, stopped);
}

/** One result for the seeds searched; `stopped`: a signal ended the sweep between seeds (interrupted, never a proof). */
function merge(results: readonly SearchResult[], seeds: readonly string[], stopped: boolean): SearchResult {
  const first = results[0];
  const runs: RunRecord[] = [];
  const counterexamples: Counterexample[] = [];
  const causes = new Map<string, number>();
  for (const r of results) {
    const offset = runs.length;
    for (const run of eachRun(r)) runs.push({ ...run, index: run.index + offset });
    for (const c of r.counterexamples) {
      const cause = rootCause(c.faults);
      const known = causes.get(cause);
      if (known !== undefined) {
        const kept = counterexamples[known];
        // The merged one brings its own count of the same cause along.
        counterexamples[known] = { ...kept, sameCause: (kept.sameCause ?? 0) + 1 + (c.sameCause ?? 0) };
        continue;
      }
      causes.set(cause, counterexamples.length);
      counterexamples.push({ ...c, foundAtRun: c.foundAtRun + offset });
    }
  }
  const outcomes = [...new Set(results.flatMap((r) => r.outcomes))];
  // Runs that could not be checked, over every seed: how many, and the first (numbered in the merged runs).
  let unchecked: Unchecked | undefined;
  let before = 0;
  for (const r of results) {
    if (r.unchecked) unchecked = unchecked ? { ...unchecked, runs: unchecked.runs + r.unchecked.runs } : { ...r.unchecked, first: r.unchecked.first + before };
    before += runCount(r);
  }
  const sum = (f: (r: SearchResult) => number) => results.reduce((s, r) => s + f(r), 0);
  // The seeds searched: a counterexample in the first ends the sweep there (`1`, not `1..1`).
  const seed = results.length > 1 ? `${seeds[0]}..${seeds[results.length - 1]}` : seeds[0];
  const common = {
    ...first,
    seed,
    runs,
    counterexamples,
    outcomes,
    unchecked,
    hypotheses: sum((r) => r.hypotheses),
    supports: undefined,
    timings: {
      totalMs: sum((r) => r.timings.totalMs),
      solverMs: sum((r) => r.timings.solverMs),
      runMs: sum((r) => r.timings.runMs),
      shrinkMs: sum((r) => r.timings.shrinkMs),
    },
  };
  const failed = results.find((r) => r.status === 'internal-error');
  if (failed && failed.status === 'internal-error') return { ...common, status: 'internal-error', error: failed.error };
  if (stopped || results.some((r) => r.status === 'interrupted')) return { ...common, status: 'interrupted' };
  if (counterexamples.length) return { ...common, status: 'counterexample' };
  if (results.some((r) => r.status === 'budget-exhausted')) return { ...common, status: 'budget-exhausted' };
  const unproven = results.find((r) => r.status === 'no-counterexample-found');
  if (unproven && unproven.status === 'no-counterexample-found') return { ...common, status: 'no-counterexample-found', reason: `${unproven.reason} (over ${results.length} delivery orders)` };
  return { ...common, status: 'resilient' };
}
