import { idleSlotFaults } from '../injector/effect.ts';
import type { FaultSet } from '../model/faults.ts';
import type { RunOptions, RunResult, StateFact, Target } from '../model/target.ts';
import { formatFaults } from '../injector/text.ts';
import { shellQuote } from '../model/shell.ts';
import { faultSpaceSize } from '../injector/space.ts';
import { FAULT_KINDS } from '../model/fault-model.ts';
import type { SearchOptions } from './options.ts';
import { uncheckedText, type Counterexample, type RunRecord, type SearchResult, type SearchStatus, type ShrinkStep, type Unchecked } from './result.ts';
import { rootCause } from './root-cause.ts';
import { shrinkFaults, violates } from './shrink.ts';
import { DRAWN_MESSAGES, DRAWN_RUNS, type DrawnRecord, type Recorded } from './recorded.ts';
import { RunPacker } from './packed.ts';
import { RunLog } from './run-log.ts';
import { UserError } from '../model/errors.ts';
import { runVerdict } from '../model/run-verdict.ts';
import type { LineageGraph } from '../model/lineage.ts';

/** Optional hooks a reporter implements to follow a search as it goes. */
export interface SearchObserver {
  /**
   * Called once before the first run with a way to read the search so far as a result marked
   * `internal-error`: the CLI's last-resort handler uses it when something fails outside the
   * search's own promise chain (a worker, a timer, a WASM trap).
   */
  onStart?(partial: (error: string) => SearchResult): void;
  onRun?(record: RunRecord): void;
  onCounterexample?(cex: Counterexample): void;
  /** Hypotheses known and not yet run (LDFI: of the current size, or of the solver's last answer). */
  onPending?(pending: number): void;
}

/**
 * What every strategy shares: running the target and timing it, shrinking and recording
 * counterexamples, and assembling the final result.
 */
export class SearchRecorder {
  /** The runs so far (beyond the first ones, on disk: `run-log.ts`). */
  readonly runs: RunLog;
  readonly counterexamples: Counterexample[] = [];
  hypotheses = 0;
  outcomes: readonly string[] = [];
  solverMs = 0;
  /** Hypotheses not run because a symmetric one had been (`--symmetry`). */
  symmetrySaved = 0;
  runMs = 0;
  shrinkMs = 0;
  /** The first runs as they were made, messages and states, for reports to draw (`recorded.ts` limits). */
  private readonly drawn: DrawnRecord[] = [];
  private drawnCount = 0;
  /** The fault-free run's lineage, kept as it was made (reports draw outcomes from it when no union was learned). */
  private faultFreeLineage: LineageGraph | undefined;
  /** Whether any run evaluated the invariant (`RunResult.invariantChecks`). */
  private evaluated = false;
  /** Runs whose verdict was unknown (a check could not be made), and the first of them. */
  private unchecked = 0;
  private firstUnchecked: RunRecord | undefined;
  /** Messages of the other runs, packed for pages to draw on demand (`packed.ts` limits). */
  readonly packer = new RunPacker();
  /** The union of the lineage the search learned (LDFI), for reports to draw. */
  knownLineage: LineageGraph | undefined;
  private readonly started = performance.now();
  private lastYield = performance.now();

  constructor(
    readonly target: Target,
    readonly options: SearchOptions,
    private readonly observer: SearchObserver = {},
  ) {
    this.runs = new RunLog(options.spillDir);
    observer.onStart?.((error) => this.failed(error));
  }

  /** Runs and time left (`--max-runs`, a campaign's time budget). */
  get budgetLeft(): boolean {
    return this.runs.length < this.options.maxRuns && performance.now() < this.options.deadline;
  }

  get interrupted(): boolean {
    return this.options.signal?.aborted ?? false;
  }

  async execute(faults: FaultSet, options: RunOptions): Promise<{ result: RunResult; ms: number }> {
    // Let signals (Ctrl-C) and progress redraws in: runs that complete synchronously never yield.
    if (performance.now() - this.lastYield > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      this.lastYield = performance.now();
    }
    const t0 = performance.now();
    // The fault-free run's lineage is kept for reports: asked for once, on the run the search makes anyway.
    const keepLineage = faults.length === 0 && !this.faultFreeLineage && !options.lineage;
    const result = await this.target.run(faults, this.runOptions(keepLineage ? { ...options, lineage: true } : options));
    const ms = performance.now() - t0;
    this.runMs += ms;
    return { result, ms };
  }

  /**
   * Runs a prefix of `schedules` (at least one), several at a time when the target can; the time of
   * a batch is shared evenly among its runs.
   */
  async executeMany(schedules: readonly FaultSet[], options: RunOptions): Promise<{ result: RunResult; ms: number }[]> {
    // The fault-free run alone, so that it keeps its lineage for reports (a prefix: the caller asks again for the rest).
    const faultFreeFirst = schedules[0].length === 0 && !this.faultFreeLineage && !options.lineage;
    if (!this.target.runMany || schedules.length === 1 || faultFreeFirst) return [await this.execute(schedules[0], options)];
    if (performance.now() - this.lastYield > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      this.lastYield = performance.now();
    }
    const t0 = performance.now();
    const results = await this.target.runMany(schedules, this.runOptions(options));
    const ms = performance.now() - t0;
    this.runMs += ms;
    return results.map((result) => ({ result, ms: ms / results.length }));
  }

  /** Run options with the search's interrupt signal: a run not yet started once it fired is not made. */
  private runOptions(options: RunOptions): RunOptions {
    return this.options.signal ? { ...options, signal: this.options.signal } : options;
  }

  record(result: RunResult, ms: number, extra: Partial<Pick<RunRecord, 'attacked' | 'defeatedBy' | 'learned'>> = {}): RunRecord {
    const rec: RunRecord = {
      index: this.runs.length + 1,
      faults: result.faults,
      violations: result.violations,
      unknown: result.unknown ?? [],
      attacked: extra.attacked ?? [],
      defeatedBy: extra.defeatedBy ?? [],
      learned: extra.learned ?? 0,
      error: result.error,
      durationMs: ms,
    };
    this.runs.push(rec);
    if (result.faults.length === 0 && !this.faultFreeLineage && result.lineage.order > 0) this.faultFreeLineage = result.lineage;
    if ((result.invariantChecks ?? 1) > 0) this.evaluated = true;
    if (runVerdict(result) === 'unknown') {
      this.unchecked++;
      this.firstUnchecked ??= rec;
    }
    // The fault-free run is always drawn, whatever its size: every report starts from it.
    const faultFreeFirst = rec.index === 1 && result.faults.length === 0;
    if (faultFreeFirst || (rec.index <= DRAWN_RUNS && this.drawnCount + result.messages.length <= DRAWN_MESSAGES)) {
      const states = statesOf(result);
      this.drawn.push({ index: rec.index, messages: result.messages, ...(states ? { states } : {}) });
      this.drawnCount += result.messages.length;
    } else {
      this.packer.add(rec.index, result.messages);
    }
    this.observer.onRun?.(rec);
    return rec;
  }

  /** Tells the observer how many hypotheses wait to be run. */
  notePending(pending: number): void {
    this.observer.onPending?.(pending);
  }

  /** Sets how much a recorded run taught (when its lineage joins what is known after it was recorded). */
  setLearned(index: number, learned: number): void {
    this.runs.update(index, (run) => ({ ...run, learned }));
  }

  /** Shrinks a violating schedule so every fault is necessary, then records it. */
  async counterexample(found: RunResult, foundAtRun: number): Promise<Counterexample> {
    const t0 = performance.now();
    const steps: ShrinkStep[] = [];
    // Shrink runs are few: each keeps its states, as made, for the report.
    const shrunk = await shrinkFaults(found, async (faults) => await this.target.run(faults, this.runOptions({ lineage: false, states: true })), (r) => {
      const states = statesOf(r);
      steps.push({ faults: r.faults, violated: violates(r), ...(r.unknown?.length ? { unknown: r.unknown } : {}), messages: r.messages, ...(states ? { states } : {}) });
    });
    const states = statesOf(shrunk);
    this.shrinkMs += performance.now() - t0;
    const idle = idleSlotFaults(this.runs.get(foundAtRun)?.faults ?? found.faults, found.messages);
    const cex: Counterexample = {
      faults: shrunk.faults,
      // As the run that found it was recorded (a probe's run may name faults that dropped nothing).
      foundAs: this.runs.get(foundAtRun)?.faults ?? found.faults,
      ...(idle.length ? { foundIdle: idle.length } : {}),
      violations: shrunk.violations,
      messages: shrunk.messages,
      ...(states ? { states } : {}),
      ...(shrunk.notes?.length ? { notes: shrunk.notes } : {}),
      error: shrunk.error,
      foundAtRun,
      replay: this.replayLine(shrunk.faults),
      shrinkSteps: steps,
    };
    // One report per root cause: the same faults at other times are counted, not repeated.
    const cause = rootCause(cex.faults);
    const same = this.counterexamples.findIndex((c) => rootCause(c.faults) === cause);
    if (same >= 0) {
      this.counterexamples[same] = { ...this.counterexamples[same], sameCause: (this.counterexamples[same].sameCause ?? 0) + 1 };
      return cex;
    }
    this.counterexamples.push(cex);
    this.observer.onCounterexample?.(cex);
    return cex;
  }

  replayLine(faults: FaultSet): string {
    return `${this.replayCommand()} --faults ${shellQuote(formatFaults(faults))}`;
  }

  /** The replay command of this search without its `--faults`: any run's line is it plus its faults. */
  replayCommand(): string {
    const b = this.target.bounds;
    const parts = [
      this.options.command,
      'replay',
      ...this.target.files.map(shellQuote),
      `--eot ${b.eot}`,
      `--eff ${b.eff}`,
      `--crashes ${b.crashes}`,
      `--nodes ${shellQuote(b.nodes.join(','))}`,
      ...(b.maxDelay ? [`--max-delay ${b.maxDelay}`] : []),
      ...(this.target.replayOptions ?? []),
    ];
    return parts.join(' ');
  }

  finish(status: Exclude<SearchStatus, 'internal-error' | 'no-counterexample-found'>, supports?: SearchResult['supports']): SearchResult {
    const finalStatus = this.counterexamples.length > 0 && status !== 'interrupted' ? 'counterexample' : status;
    // No run checked the invariant, and none within the bounds can: any verdict would be vacuous, most
    // likely a mistake in the invariant, so bad input rather than a green (or grey) verdict.
    const vacuous = finalStatus !== 'counterexample' && finalStatus !== 'interrupted' && !this.evaluated ? this.target.neverEvaluated?.() : undefined;
    if (vacuous) throw new UserError('BAD_PROGRAM', vacuous);
    // No hypothesis left is a proof only if every run was checked and the lineage could show every
    // way to a violation.
    const unchecked = this.uncheckedRuns();
    const reason = finalStatus === 'resilient' ? (unchecked ? uncheckedText(unchecked) : this.unprovable()) : undefined;
    if (reason) return { ...this.common(supports), status: 'no-counterexample-found', reason };

    if (finalStatus === 'budget-exhausted') return { ...this.common(supports), status: finalStatus, budget: this.runs.length >= this.options.maxRuns ? 'runs' : 'time' };
    return { ...this.common(supports), status: finalStatus };
  }

  /**
   * The runs whose check could not be made (any rules out a proof: violated > unknown > holds): how
   * many, what the first could not check, and its replay line. Undefined when every run was checked.
   */
  private uncheckedRuns(): Unchecked | undefined {
    const first = this.firstUnchecked;
    return first ? { runs: this.unchecked, first: first.index, why: first.unknown[0], replay: this.replayLine(first.faults) } : undefined;
  }

  /** Why this target's lineage-driven verdict cannot be a proof of resilience, if it cannot. */
  private unprovable(): string | undefined {
    const t = this.target;
    if (t.invariantless) return t.invariantless;
    // Exhaustive search ran every schedule: it needs no lineage.
    if (this.options.strategy === 'causal') {
      return 'the causal baseline attacks good outcomes through their causal past only: violations that faults create are not searched for';
    }
    if (t.footprints && this.options.strategy === 'molly') {
      return "Molly's strategy attacks the good outcomes only; it does not cover the runs' footprints (what faults could change), so violations that faults create may be missed: use --strategy ldfi";
    }
    if (!t.tracksAbsence && this.options.strategy !== 'exhaustive') {
      return t.capabilities.tuples
        ? 'without negative support, violations that faults create (a timeout firing because a message is missing) are not searched for'
        : "violations that faults create are not searched for: a protocol's lineage shows what its outputs used, not what they waited for in vain";
    }
    return undefined;
  }

  /**
   * The result of a search that ldfi itself could not finish (a solver trap, a bug): no verdict, but
   * every run and counterexample found before is kept, so reports can still be written.
   */
  failed(error: string): SearchResult {
    return { ...this.common(), status: 'internal-error', error };
  }

  private common(supports?: SearchResult['supports']) {
    const t = this.target;
    // What random search drew is its own choice of kinds: reports name those, not the target's.
    const bounds = this.options.strategy === 'random' ? { ...t.bounds, kinds: FAULT_KINDS.filter((k) => this.options.randomKinds.includes(k) && t.supportedFaults.includes(k)) } : t.bounds;
    return {
      strategy: this.options.strategy,
      seed: this.options.seed,
      findAll: this.options.findAll,
      bounds,
      target: { kind: t.kind, files: t.files, ...(t.includes?.length ? { includes: t.includes } : {}), contentHash: t.contentHash, tracksAbsence: t.tracksAbsence, ...(t.footprints ? { footprints: true } : {}), ...(t.capabilities.seeded ? { seeded: true } : {}), ...(t.capabilities.tuples ? { tuples: true } : {}), ...(t.conservativeLineage?.length ? { conservativeLineage: t.conservativeLineage } : {}) },
      // A copy: the log goes on growing if the result is taken mid-search (an internal error).
      runs: this.runs.kept.slice(),
      ...(this.runs.spilled ? { spilledRuns: this.runs.spilledRuns() } : {}),
      replayCommand: this.replayCommand(),
      hypotheses: this.hypotheses,
      outcomes: this.outcomes,
      counterexamples: this.counterexamples,
      faultSpace: faultSpaceSize(bounds, this.options.allows),
      ...(this.options.restriction ? { restriction: this.options.restriction.text } : {}),
      ...(this.options.outcome ? { outcomePattern: this.options.outcome.text } : {}),
      ...(this.options.symmetry ? { symmetrySaved: this.symmetrySaved } : {}),
      timings: { totalMs: performance.now() - this.started, solverMs: this.solverMs, runMs: this.runMs, shrinkMs: this.shrinkMs },
      supports,
      ...(this.firstUnchecked ? { unchecked: this.uncheckedRuns() } : {}),
      recorded: this.recorded(),
    };
  }

  /** What reports draw, as recorded (a copy of the lists: the search may go on after an internal error). */
  private recorded(): Recorded {
    const lineage = this.knownLineage ?? this.faultFreeLineage;
    return { drawn: this.drawn.slice(), ...(lineage ? { lineage } : {}), ...(this.packer.size ? { packed: this.packer.result() } : {}) };
  }
}

/** A run's state over time as it was made: given, or computed now from the same execution. */
function statesOf(r: RunResult): readonly StateFact[] | undefined {
  return r.states ?? r.statesOf?.();
}
