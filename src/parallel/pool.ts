import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import { LineageGraph } from '../model/lineage.ts';
import type { FaultSet } from '../model/faults.ts';
import type { RunOptions, RunResult, Target } from '../model/target.ts';
import type { TargetOptions } from '../targets/index.ts';
import type { RunTask, WireResult } from './worker.ts';

/**
 * The module a worker starts from: the compiled worker when ldfi runs from its build (dist/), where no
 * TypeScript source sits beside it; from the sources, a plain-JavaScript boot that registers tsx first.
 */
function workerEntry(): string {
  const compiled = import.meta.url.endsWith('.js');
  return fileURLToPath(new URL(compiled ? './worker.js' : './worker-boot.mjs', import.meta.url));
}

/** Runs made on the main thread before the pool starts: a small search is done before workers would be ready. */
const WARM_UP_RUNS = 128;

/**
 * A target whose batches of runs (`runMany`) are shared out over this thread and `workers - 1` worker
 * threads (tinypool), each worker with its own copy of the target, opened once from the same files and
 * options. Results come back in the
 * order asked, and a run does not depend on where it was made (targets are deterministic), so a search
 * ends the same, run for run, whatever the number of workers. Single runs, and the first batches,
 * stay on the main thread. `close()` stops the workers.
 */
export class ParallelTarget implements Target {
  private pool: Tinypool | undefined;

  /** Enough schedules at once for every worker to amortize a message between threads. */
  get batchSize(): number {
    return this.workers < 2 ? 64 : 256 * this.workers;
  }

  private ran = 0;

  constructor(
    private readonly inner: Target,
    private readonly open: { files: readonly string[]; options: TargetOptions },
    readonly workers: number,
  ) {}

  get kind() {
    return this.inner.kind;
  }
  get files() {
    return this.inner.files;
  }
  get contentHash() {
    return this.inner.contentHash;
  }
  get bounds() {
    return this.inner.bounds;
  }
  get supportedFaults() {
    return this.inner.supportedFaults;
  }
  get tracksAbsence() {
    return this.inner.tracksAbsence;
  }
  get footprints() {
    return this.inner.footprints;
  }
  get invariantless() {
    return this.inner.invariantless;
  }
  get warnings() {
    return this.inner.warnings;
  }
  get replayOptions() {
    return this.inner.replayOptions;
  }
  get capabilities() {
    return this.inner.capabilities;
  }
  get seed() {
    return this.inner.seed;
  }

  run(faults: FaultSet, options?: RunOptions): RunResult | Promise<RunResult> {
    this.ran++;
    return this.inner.run(faults, options);
  }

  why(text: string, faults: FaultSet) {
    if (!this.inner.why) throw new Error(`why is not available for ${this.inner.kind} targets`);
    return this.inner.why(text, faults);
  }

  async runMany(schedules: readonly FaultSet[], options: RunOptions = { lineage: true }): Promise<RunResult[]> {
    if (this.workers < 2 || this.ran < WARM_UP_RUNS || schedules.length < 2) {
      const results = this.inner.runMany ? await this.inner.runMany(schedules, options) : [await this.inner.run(schedules[0], options)];
      this.ran += results.length;
      return results;
    }
    this.pool ??= new Tinypool({ filename: workerEntry(), minThreads: this.workers - 1, maxThreads: this.workers - 1, });
    // Contiguous slices, so that the results come back in order: the first on this thread (its code is
    // warm and its results cross no thread), the others on the workers, started first.
    const size = Math.ceil(schedules.length / this.workers);
    const slices = Array.from({ length: Math.ceil(schedules.length / size) }, (_, i) => schedules.slice(i * size, (i + 1) * size));
    // An AbortSignal cannot cross threads: the workers' slices are short, and the next batch sees it.
    const { signal: _signal, ...wire } = options;
    const remote = slices.slice(1).map((slice) => this.pool!.run({ files: this.open.files, target: this.open.options, schedules: slice, options: wire } satisfies RunTask) as Promise<WireResult[]>);
    const local: RunResult[] = [];
    while (local.length < slices[0].length) {
      const rest = slices[0].slice(local.length);
      for (const r of this.inner.runMany ? await this.inner.runMany(rest, options) : [await this.inner.run(rest[0], options)]) local.push(r);
    }
    const parts = await Promise.all(remote);
    const results = local;
    for (const part of parts) {
      for (const w of part) {
        const lineage = w.lineage ? LineageGraph.fromSerialized(w.lineage) : new LineageGraph();
        results.push({ ...w, lineage } as RunResult);
      }
    }
    this.ran += results.length;
    return results;
  }

  /** Stops the workers (they would keep the process alive). */
  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = undefined;
  }
}
