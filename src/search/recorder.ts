import type { FaultSet } from '../model/faults.ts';
import type { MessageRecord, RunOptions, RunResult, Target } from '../model/target.ts';
import { formatFaults } from '../injector/text.ts';
import { shellQuote } from '../model/shell.ts';
import { faultSpaceSize } from '../injector/space.ts';
import type { SearchOptions } from './options.ts';
import type { Counterexample, RunRecord, SearchResult, SearchStatus, ShrinkStep } from './result.ts';
import { rootCause } from './root-cause.ts';
import { shrinkFaults, violates } from './shrink.ts';
import { DRAWN_MESSAGES, DRAWN_RUNS } from './details.ts';
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
  /** Messages of the first runs, for reports to draw (`details.ts` limits). */
  readonly drawnMessages = new Map<number, readonly MessageRecord[]>();
  private drawnCount = 0;
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
    const result = await this.target.run(faults, this.withSignal(options));
    const ms = performance.now() - t0;
    this.runMs += ms;
    return { result, ms };
  }

  /**
   * Runs a prefix of `schedules` (at least one), several at a time when the target can; the time of
   * a batch is shared evenly among its runs.
   */
  async executeMany(schedules: readonly FaultSet[], options: RunOptions): Promise<{ result: RunResult; ms: number }[]> {
    if (!this.target.runMany || schedules.length === 1) return [await this.execute(schedules[0], options)];
    if (performance.now() - this.lastYield > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      this.lastYield = performance.now();
    }
    const t0 = performance.now();
    const results = await this.target.runMany(schedules, this.withSignal(options));
    const ms = performance.now() - t0;
    this.runMs += ms;
    return results.map((result) => ({ result, ms: ms / results.length }));
  }

  /** Run options with the search's interrupt signal: a run not yet started once it fired is not made. */
  private withSignal(options: RunOptions): RunOptions {
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
    if ((result.invariantChecks ?? 1) > 0) this.evaluated = true;
    if (runVerdict(result) === 'unknown') {
      this.unchecked++;
      this.firstUnchecked ??= rec;
    }
    if (rec.index <= DRAWN_RUNS && this.drawnCount + result.messages.length <= DRAWN_MESSAGES) {
      this.drawnMessages.set(rec.index, result.messages);
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
    const shrunk = await shrinkFaults(found, async (faults) => await this.target.run(faults, this.withSignal({ lineage: false })), (r) =>
      steps.push({ faults: r.faults, violated: violates(r), messages: r.messages }),
    );
    this.shrinkMs += performance.now() - t0;
    const cex: Counterexample = {
      faults: shrunk.faults,
      // As the run that found it was recorded (a probe's run may name faults that dropped nothing).
      foundAs: this.runs.get(foundAtRun)?.faults ?? found.faults,
      violations: shrunk.violations,
      messages: shrunk.messages,
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
    const reason = finalStatus === 'resilient' ? (this.uncheckedReason() ?? this.unprovable()) : undefined;
    if (reason) return { ...this.common(supports), status: 'no-counterexample-found', reason };

    if (finalStatus === 'budget-exhausted') return { ...this.common(supports), status: finalStatus, budget: this.runs.length >= this.options.maxRuns ? 'runs' : 'time' };
    return { ...this.common(supports), status: finalStatus };
  }

  /**
   * Why runs whose check could not be made rule out a proof (violated > unknown > holds): how many,
   * what the first could not check, and its replay line. Undefined when every run was checked.
   */
  private uncheckedReason(): string | undefined {
    const first = this.firstUnchecked;
    if (!first) return undefined;
    const runs = `${this.unchecked.toLocaleString('en-US')} run${this.unchecked === 1 ? '' : 's'}`;
    return `${runs} could not be checked; the first, run ${first.index}: ${first.unknown[0]}; replay it: ${this.replayLine(first.faults)}`;
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
    return {
      strategy: this.options.strategy,
      seed: this.options.seed,
      findAll: this.options.findAll,
      bounds: t.bounds,
      target: { kind: t.kind, files: t.files, ...(t.includes?.length ? { includes: t.includes } : {}), contentHash: t.contentHash, tracksAbsence: t.tracksAbsence, ...(t.footprints ? { footprints: true } : {}), ...(t.capabilities.seeded ? { seeded: true } : {}), ...(t.capabilities.tuples ? { tuples: true } : {}) },
      // A copy: the log goes on growing if the result is taken mid-search (an internal error).
      runs: this.runs.kept.slice(),
      ...(this.runs.spilled ? { spilledRuns: this.runs.spilledRuns() } : {}),
      replayCommand: this.replayCommand(),
      hypotheses: this.hypotheses,
      outcomes: this.outcomes,
      counterexamples: this.counterexamples,
      faultSpace: faultSpaceSize(t.bounds, this.options.allows),
      ...(this.options.restriction ? { restriction: this.options.restriction.text } : {}),
      ...(this.options.outcome ? { outcomePattern: this.options.outcome.text } : {}),
      ...(this.options.symmetry ? { symmetrySaved: this.symmetrySaved } : {}),
      timings: { totalMs: performance.now() - this.started, solverMs: this.solverMs, runMs: this.runMs, shrinkMs: this.shrinkMs },
      supports,
    };
  }
}
