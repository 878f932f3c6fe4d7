import { faultSetKey, isSubsetOf, renameFaults, type Fault, type FaultSet } from '../model/faults.ts';
import { newLineageGraph } from '../model/lineage.ts';
import { brokenOutcomes } from '../lineage/evaluate.ts';
import { mergeLineage } from '../lineage/merge.ts';
import { enumerateSupports, witnessSupport } from '../lineage/supports.ts';
import { FaultSetSolver } from '../solver/solver.ts';
import type { RunResult } from '../model/target.ts';
import type { SearchRecorder } from './recorder.ts';
import type { SearchResult } from './result.ts';
import { violates } from './shrink.ts';
import { footprintSearch } from './footprint.ts';
import { causalLineage } from './causal.ts';
import { targetedOutcomes } from './outcome-pattern.ts';

/**
 * The LDFI loop: fault-free run → the solver proposes minimal fault sets that cut every known
 * support of a good outcome → inject → a violation is a counterexample; a survivor reveals a new
 * support, which is learned → no proposal left: resilient within the bounds.
 */
export async function ldfiSearch(rec: SearchRecorder, mode: 'lineage' | 'causal' = 'lineage'): Promise<SearchResult> {
  // Molly's potential-causality baseline: the causal past instead of lineage, good outcomes only.
  const causal = mode === 'causal';
  const lineageOf = (r: RunResult) => (causal ? causalLineage(r, [...r.outcomes, ...(r.preconditions?.values() ?? [])]) : r.lineage);
  const known = newLineageGraph();
  const tried: FaultSet[] = [];
  const triedKeys = new Set<string>();
  const counterexamples: FaultSet[] = [];
  let defeated: FaultSet[] = [];
  /**
   * outcome → absences seen in runs that attacked it without a violation: of its precondition (a good
   * outcome broken with its precondition), or of the watched tuple (a potential violation that did not
   * appear). By negative support, a fault set under which any of them still holds cannot make that
   * tuple appear, so it cannot violate the invariant through that outcome: it is not proposed for it.
   */
  const stillAbsent = new Map<string, string[]>();
  const symmetries = rec.options.symmetry ? (rec.target.symmetries ?? []) : [];

  rec.knownLineage = known;
  const first = await rec.execute([], { lineage: true, explainPreconditions: !causal, stateHashes: rec.target.capabilities.stateTraces && rec.options.compareStates && 'untimed' });
  // What each run asked to be watched (potential violations), handed back to later runs.
  const watch = new Map(first.result.watch ?? []);
  mergeLineage(known, lineageOf(first.result));
  rec.outcomes = targetedOutcomes(rec.options.outcome, first.result.outcomes).filter((o) => !causal || !isWatched(o));
  const preconditions = new Map(first.result.preconditions ?? []);
  // An outcome whose precondition is absent can be part of a violation only where faults make the
  // precondition appear: the fault-free run's explanation of its absence must be broken first.
  for (const [o, p] of preconditions) {
    const absence = first.result.absences?.get(p);
    if (absence !== undefined) stillAbsent.set(o, [absence]);
  }
  rec.record(first.result, first.ms);
  tried.push([]);
  triedKeys.add('');
  if (violates(first.result)) {
    await rec.counterexample(first.result, 1);
    if (!rec.options.findAll) return rec.finish('counterexample', supportsOf(known, rec.outcomes));
    counterexamples.push([]);
  }

  // Opaque nodes: negative support is the run's footprint, enumerated directly.
  if (first.result.footprint && !causal) return footprintSearch(rec, first.result, known, () => supportsOf(known, rec.outcomes));

  const solver = await FaultSetSolver.start();
  try {
    const queue: Fault[][] = [];
    for (;;) {
      // Let a Ctrl-C that came during the last run be seen before the next run or query (both
      // synchronous for up to a second on a large lineage).
      await new Promise((resolve) => setImmediate(resolve));
      if (rec.interrupted) return rec.finish('interrupted', supportsOf(known, rec.outcomes, INTERRUPTED_WORK));
      if (!rec.budgetLeft) return rec.finish('budget-exhausted', supportsOf(known, rec.outcomes));
      if (queue.length === 0) {
        const t0 = performance.now();
        const query = { lineage: known, outcomes: rec.outcomes, bounds: rec.target.bounds, tried: [...tried, ...defeated], counterexamples, stillAbsent, limit: rec.options.batch, allow: rec.options.allows, stop: () => rec.interrupted };
        // First the faults that break an outcome but keep its precondition (they can violate the
        // invariant); then, for completeness, any that break an outcome.
        const answer = await solver.next(preconditions.size ? { ...query, keepPreconditions: preconditions } : query);
        rec.solverMs += performance.now() - t0;
        // A query stopped by Ctrl-C proves nothing.
        if (answer.stopped || rec.interrupted) return rec.finish('interrupted', supportsOf(known, rec.outcomes, INTERRUPTED_WORK));
        if (answer.hypotheses.length === 0) return rec.finish('resilient', supportsOf(known, rec.outcomes));
        rec.hypotheses += answer.hypotheses.length;
        for (const h of answer.hypotheses) queue.push(h);
      }
      const hypothesis = queue.shift()!;
      rec.notePending(queue.length + 1);
      if (triedKeys.has(faultSetKey(hypothesis))) continue;
      if (counterexamples.some((c) => isSubsetOf(c, hypothesis))) continue;
      // Symmetry: the same hypothesis with interchangeable nodes renamed gives the same run renamed.
      if (symmetries.length) {
        const images = symmetries.map((r) => renameFaults(hypothesis, r));
        if (images.some((h) => triedKeys.has(faultSetKey(h)) || counterexamples.some((c) => isSubsetOf(c, h)))) {
          rec.symmetrySaved++;
          tried.push(hypothesis);
          triedKeys.add(faultSetKey(hypothesis));
          continue;
        }
      }
      // Supports learned since the batch was proposed may already defeat this hypothesis.
      const attacked = brokenOutcomes(known, rec.outcomes, hypothesis);
      if (attacked.length === 0) {
        // Excluded like a tried set while the outcomes stay the same, so the solver cannot hand it
        // back forever; new outcomes may make it worth proposing again.
        defeated.push(hypothesis);
        continue;
      }

      // What must appear for an attacked outcome to become a violation: its precondition (a good
      // outcome), or the watched tuple itself (a potential violation). If the run leaves it absent,
      // how it could still appear is learned.
      const mustAppear = new Map(attacked.map((o) => [o, isWatched(o) ? o : preconditions.get(o)]));
      const explainAbsent = causal ? [] : [...new Set([...mustAppear.values()].filter((k): k is string => k !== undefined))];
      const { result, ms } = await rec.execute(hypothesis, { lineage: true, watch, explainAbsent });
      for (const [o, key] of mustAppear) {
        const absence = key === undefined ? undefined : result.absences?.get(key);
        if (absence === undefined) continue;
        const list = stillAbsent.get(o) ?? [];
        if (!list.includes(absence)) list.push(absence);
        stillAbsent.set(o, list);
      }
      for (const [k, v] of result.watch ?? []) watch.set(k, v);
      tried.push(hypothesis);
      triedKeys.add(faultSetKey(hypothesis));
      const runLineage = lineageOf(result);
      const learned = mergeLineage(known, runLineage);
      const defeatedBy = attacked
        .map((outcome) => ({ outcome, support: witnessSupport(runLineage, outcome, hypothesis) }))
        .filter((d): d is { outcome: string; support: string[] } => d.support !== undefined);
      const record = rec.record(result, ms, { attacked, defeatedBy, learned });
      const before = rec.outcomes;
      learnOutcomes(rec, result, preconditions, stillAbsent);
      if (rec.outcomes.length !== before.length || rec.outcomes.some((o, i) => o !== before[i])) defeated = [];
      if (violates(result)) {
        const cex = await rec.counterexample(result, record.index);
        counterexamples.push(cex.faults);
        if (!rec.options.findAll) return rec.finish('counterexample', supportsOf(known, rec.outcomes));
      }
    }
  } finally {
    await solver.close();
  }
}

/**
 * Outcomes grow with what runs show: a violation that faults made possible (a new `pre`) is no
 * longer attacked as such once realized; the outcomes of that run (its `post` tuples) are.
 */
function learnOutcomes(rec: SearchRecorder, result: RunResult, preconditions: Map<string, string>, stillAbsent: Map<string, string[]>): void {
  const realized = new Set(result.realized ?? []);
  // Only a realized potential violation makes a faulty run's outcomes worth attacking: elsewhere
  // they exist only under faults that other hypotheses do not have.
  if (realized.size === 0) return;
  const next = rec.outcomes.filter((o) => !realized.has(o));
  for (const o of targetedOutcomes(rec.options.outcome, result.outcomes)) if (!next.includes(o) && !realized.has(o) && !o.startsWith('not:')) next.push(o);
  for (const [o, p] of result.preconditions ?? []) {
    if (preconditions.has(o)) continue;
    preconditions.set(o, p);
    // A learned outcome can only be violated where its precondition appears again: its absences from
    // earlier runs (the watched vertex it realized, and what runs attacking that one left absent) must
    // all be broken, or the fault set cannot violate the invariant through it.
    const before = (result.realizedBy?.get(p) ?? []).flatMap((w) => [w, ...(stillAbsent.get(w) ?? [])]);
    if (before.length) stillAbsent.set(o, [...new Set([...(stillAbsent.get(o) ?? []), ...before])]);
  }
  rec.outcomes = next;
}

/** Potential violations are outcomes of the form "this tuple stays absent" (`not:` keys). */
function isWatched(outcome: string): boolean {
  return outcome.startsWith('not:');
}

/**
 * After a Ctrl-C the report is wanted within 2 s: the supports it lists (an aid) get a tenth of the
 * usual enumeration work (on Paxos's union lineage the full budget took 1.6 s).
 */
const INTERRUPTED_WORK = 20_000;

export function supportsOf(g: ReturnType<typeof newLineageGraph>, outcomes: readonly string[], work?: number): Map<string, string[][]> {
  return new Map(outcomes.filter((o) => g.hasNode(o)).map((o) => [o, enumerateSupports(g, o, 8, work)]));
}
