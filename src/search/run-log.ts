import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileLines } from '../model/lines.ts';
import type { RunRecord, SpilledRuns } from './result.ts';

/** Runs kept in memory at most (0.3–3 KB each, by their faults); the rest go to a file (LDFI_RUNS_IN_MEMORY sets another). */
export const RUNS_IN_MEMORY = 5_000;
/** Runs beyond those held back before being written, so that a run's record can still be amended just after it was made. */
const PENDING = 256;

/** Spill folders not yet removed, removed at exit at the latest. */
const live = new Set<string>();
let exitHook = false;
const finalizer = new FinalizationRegistry<{ dir: string; fd: number }>(({ dir, fd }) => {
  closeSync(fd);
  removeSpill(dir);
});

function removeSpill(dir: string): void {
  live.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

function runsInMemory(): number {
  const env = Number(process.env.LDFI_RUNS_IN_MEMORY);
  return Number.isInteger(env) && env > 0 ? env : RUNS_IN_MEMORY;
}

/**
 * The runs of a search, in order: the first `RUNS_IN_MEMORY` in memory, the others written to a JSON
 * Lines file as they come, so that a search of a million runs keeps its memory flat. The file lives
 * in `dir` (the CLI gives the JSON report's folder, or the system's temporary folder), in a folder of
 * its own that is removed by `dispose`, when the log is collected, or at exit. A library search that
 * gives no `spillDir` keeps every run in memory (no file outlives it).
 */
export class RunLog {
  /** Runs 1..`kept.length`. */
  readonly kept: RunRecord[] = [];
  private readonly limit: number;
  private pending: RunRecord[] = [];
  private spill: { dir: string; file: string; fd: number; written: number } | undefined;
  private count = 0;

  /** `dir`: where runs beyond the first ones go; without one, every run stays in memory. */
  constructor(private readonly dir?: string) {
    this.limit = dir === undefined ? Infinity : runsInMemory();
  }

  get length(): number {
    return this.count;
  }

  /** Runs on disk (not in `kept`). */
  get spilled(): number {
    return this.count - this.kept.length;
  }

  push(run: RunRecord): void {
    this.count++;
    if (this.kept.length < this.limit) {
      this.kept.push(run);
      return;
    }
    this.pending.push(run);
    if (this.pending.length >= 2 * PENDING) this.flush(this.pending.length - PENDING);
  }

  /** The run with this number, when it is still in memory. */
  get(index: number): RunRecord | undefined {
    if (index <= this.kept.length) return this.kept[index - 1];
    return this.pending.find((r) => r.index === index);
  }

  /** Replaces a run's record if it is still in memory (a run amended long after it was written is left as it was). */
  update(index: number, change: (run: RunRecord) => RunRecord): void {
    if (index <= this.kept.length) {
      this.kept[index - 1] = change(this.kept[index - 1]);
      return;
    }
    const k = this.pending.findIndex((r) => r.index === index);
    if (k >= 0) this.pending[k] = change(this.pending[k]);
  }

  /** The runs beyond `kept` as they are now, read back from disk a chunk at a time when iterated. */
  spilledRuns(): SpilledRuns | undefined {
    const count = this.spilled;
    if (count === 0) return undefined;
    return {
      count,
      dispose: () => this.dispose(),
      [Symbol.iterator]: () => {
        this.flush(this.pending.length);
        if (!this.spill) throw new Error('the runs written to disk were removed (RunLog.dispose)');
        return readLines(this.spill.file, count);
      },
    };
  }

  /** Removes the file of runs (the runs on disk are gone after this). */
  dispose(): void {
    if (!this.spill) return;
    closeSync(this.spill.fd);
    removeSpill(this.spill.dir);
    finalizer.unregister(this);
    this.spill = undefined;
  }

  private flush(n: number): void {
    if (n <= 0) return;
    if (!this.spill) {
      const dir = mkdtempSync(join(this.dir ?? tmpdir(), '.ldfi-runs-'));
      live.add(dir);
      const fd = openSync(join(dir, 'runs.jsonl'), 'a');
      finalizer.register(this, { dir, fd }, this);
      if (!exitHook) {
        exitHook = true;
        process.once('exit', () => {
          for (const d of [...live]) removeSpill(d);
        });
      }
      this.spill = { dir, file: join(dir, 'runs.jsonl'), fd, written: 0 };
    }
    const out = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    writeSync(this.spill.fd, out.map((r) => `${JSON.stringify(r)}\n`).join(''));
    this.spill.written += out.length;
  }
}

/** The first `count` lines of a JSON Lines file, parsed. */
function* readLines(file: string, count: number): Generator<RunRecord> {
  let read = 0;
  for (const line of fileLines(file)) {
    if (read++ >= count) return;
    yield JSON.parse(line) as RunRecord;
  }
}
