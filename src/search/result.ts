import type { Bounds } from '../model/bounds.ts';
import type { FaultSet } from '../model/faults.ts';
import type { MessageRecord, StateFact, Violation } from '../model/target.ts';
import type { Recorded } from './recorded.ts';

export type Strategy = 'ldfi' | 'random' | 'exhaustive' | 'molly' | 'causal';

/** Runs kept on disk: how many, and each in order when iterated (read back a chunk at a time). */
export interface SpilledRuns extends Iterable<RunRecord> {
  readonly count: number;
  /** Removes the file (also done at exit): iterating after this throws. */
  dispose(): void;
}

/** Runs that could not be checked, in one sentence every report shares: how many, the first, its replay line. */
export function uncheckedText(u: Unchecked): string {
  return `${u.runs.toLocaleString('en-US')} run${u.runs === 1 ? '' : 's'} could not be checked; the first, run ${u.first}: ${u.why}; replay it: ${u.replay}`;
}

/** How many runs the search made (`runs` and those on disk). */
export function runCount(r: Pick<SearchResult, 'runs' | 'spilledRuns'>): number {
  return r.runs.length + (r.spilledRuns?.count ?? 0);
}

/** Every run of the search, in order, without holding those on disk in memory at once. */
export function* eachRun(r: Pick<SearchResult, 'runs' | 'spilledRuns'>): Generator<RunRecord> {
  yield* r.runs;
  if (r.spilledRuns) yield* r.spilledRuns;
}

/** One run of the search. */
export interface RunRecord {
  readonly index: number;
  readonly faults: FaultSet;
  readonly violations: readonly Violation[];
  /** Invariants that could not be checked in this run (they threw). */
  readonly unknown: readonly string[];
  /** Outcomes the hypothesis was meant to break (LDFI only). */
  readonly attacked: readonly string[];
  /** For each attacked outcome that survived: the support that defeated the hypothesis. */
  readonly defeatedBy: readonly { outcome: string; support: readonly string[] }[];
  /** Lineage vertices and edges this run added to what was known (LDFI only). */
  readonly learned: number;
  readonly error?: string;
  readonly durationMs: number;
}

export interface Counterexample {
  /** The shrunk fault set: removing any one fault makes the invariant hold. */
  readonly faults: FaultSet;
  /** The fault set as first found, before shrinking. */
  readonly foundAs: FaultSet;
  /** How many omissions of `foundAs` dropped no message in its run (a probe's window over idle times). */
  readonly foundIdle?: number;
  readonly violations: readonly Violation[];
  readonly messages: readonly MessageRecord[];
  /** The shrunk run's state over time, from the very run that found or confirmed it. */
  readonly states?: readonly StateFact[];
  readonly error?: string;
  /** What the listing does not show (a process that exited on its own). */
  readonly notes?: readonly string[];
  /** The run (1-based) that found it. */
  readonly foundAtRun: number;
  /** One pasteable command that reproduces it. */
  readonly replay: string;
  /** Over several seeds: how many more counterexamples of the same root cause were found. */
  readonly sameCause?: number;
  /** The runs shrinking made, in order: each removed one fault and kept the set if it still violated. */
  readonly shrinkSteps?: readonly ShrinkStep[];
}

/** The runs of a search that could not be checked. */
export interface Unchecked {
  readonly runs: number;
  /** The first such run (1-based), what it could not check, and the line that replays it. */
  readonly first: number;
  readonly why: string;
  readonly replay: string;
}

export interface ShrinkStep {
  readonly faults: FaultSet;
  readonly violated: boolean;
  /** Checks this step could not make: it neither held nor broke (the fault is kept). */
  readonly unknown?: readonly string[];
  readonly messages: readonly MessageRecord[];
  readonly states?: readonly StateFact[];
}

interface Common {
  readonly strategy: Strategy;
  readonly seed: string;
  /** Whether the search went on after the first counterexample (--find-all). */
  readonly findAll: boolean;
  readonly bounds: Bounds;
  readonly target: { readonly kind: string; readonly files: readonly string[]; readonly includes?: readonly string[]; readonly contentHash: string; readonly tracksAbsence: boolean; readonly footprints?: boolean; readonly seeded?: boolean; readonly tuples?: boolean; readonly conservativeLineage?: readonly string[] };
  /** The runs, in order; beyond `RUNS_IN_MEMORY` (run-log.ts), only the first ones, the others in `spilledRuns`. */
  readonly runs: readonly RunRecord[];
  /** The runs after those in `runs`, on disk, read back when iterated (`eachRun`). */
  readonly spilledRuns?: SpilledRuns;
  /** The command that replays a run of this search, but for its `--faults '…'`. */
  readonly replayCommand: string;
  readonly hypotheses: number;
  readonly outcomes: readonly string[];
  readonly counterexamples: readonly Counterexample[];
  /** Exact number of canonical fault schedules within the bounds (and the restriction). */
  readonly faultSpace: bigint;
  /** The targeted fault space searched (`--only-faults`), when not every fault. */
  readonly restriction?: string;
  /** The outcomes attacked (`--outcome`), when not every one. */
  readonly outcomePattern?: string;
  /** With `--symmetry`: hypotheses not run because a renaming of interchangeable nodes had been. */
  readonly symmetrySaved?: number;
  readonly timings: { readonly totalMs: number; readonly solverMs: number; readonly runMs: number; readonly shrinkMs: number };
  /** The supports known for each good outcome at the end (LDFI only; for `ldfi explain`). */
  readonly supports?: ReadonlyMap<string, readonly (readonly string[])[]>;
  /**
   * Runs whose check could not be made (an invariant threw or never returned, a round did not
   * settle): how many, and the first with what it could not check and its replay line. Absent when
   * every run was checked. Any of them rules out a proof (violated > unknown > holds).
   */
  readonly unchecked?: Unchecked;
  /** What reports draw, recorded as the runs were made (report/details.ts draws from it; nothing is run again). */
  readonly recorded?: Recorded;
}

/** A search ends in one of six ways; each carries what it explored so far. */
export type SearchResult =
  | (Common & { readonly status: 'counterexample' })
  /** Every hypothesis within the bounds was refuted (LDFI) or every schedule run (exhaustive). */
  | (Common & { readonly status: 'resilient' })
  /**
   * No hypothesis was left, but the search could not have seen every violation (`reason`: e.g. the
   * target's lineage does not show absences, so violations that faults create were not searched for).
   */
  | (Common & { readonly status: 'no-counterexample-found'; readonly reason: string })
  /** --max-runs (or the random strategy's run budget) stopped the search first. */
  | (Common & { readonly status: 'budget-exhausted'; readonly budget?: 'runs' | 'time' })
  /** Ctrl-C: what was found before is kept. */
  | (Common & { readonly status: 'interrupted' })
  /** ldfi itself failed (a solver trap, a bug): no verdict; what was found before is kept. */
  | (Common & { readonly status: 'internal-error'; readonly error: string });

export type SearchStatus = SearchResult['status'];
