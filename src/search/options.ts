import { randomBytes } from 'node:crypto';
import { DEFAULT_RANDOM_KINDS } from '../injector/random.ts';
import type { Fault, FaultKind } from '../model/faults.ts';
import type { FaultRestriction } from '../injector/restriction.ts';
import type { OutcomePattern } from './outcome-pattern.ts';
import type { Strategy } from './result.ts';
import { DEFAULT_COMMAND } from '../model/shell.ts';

/** Options as a user gives them (all optional). */
export interface RawSearchOptions {
  strategy?: Strategy;
  seed?: string;
  maxRuns?: number;
  findAll?: boolean;
  /** How many hypotheses of one size the solver hands over per call. */
  batch?: number;
  signal?: AbortSignal;
  /** Command prefix for replay lines, e.g. `npx ldfi`. */
  command?: string;
  /** Fault kinds the random strategy draws (default: omissions and crashes, Molly's model). */
  randomKinds?: readonly FaultKind[];
  /** Real milliseconds the search may take; then it ends as `budget-exhausted`, keeping what it found. */
  timeMs?: number;
  /** A targeted fault space (`--only-faults`): the search uses only the faults it allows. */
  restriction?: FaultRestriction;
  /** The good outcomes LDFI attacks (`--outcome`, Dedalus); all when absent. */
  outcome?: OutcomePattern;
  /** Make one run of each set of runs that differ only by renaming interchangeable nodes (`--symmetry`). */
  symmetry?: boolean;
  /** Folder for the runs beyond the first 5,000, written to disk to keep memory flat (`run-log.ts`); without it, every run stays in memory. */
  spillDir?: string;
}

/** Every default decided once, here; nothing downstream re-reads raw options. */
export interface SearchOptions {
  readonly strategy: Strategy;
  readonly seed: string;
  readonly maxRuns: number;
  readonly findAll: boolean;
  readonly batch: number;
  readonly signal?: AbortSignal;
  readonly command: string;
  readonly randomKinds: readonly FaultKind[];
  /** `performance.now()` past which no run starts (Infinity: no time budget). */
  readonly deadline: number;
  readonly restriction?: FaultRestriction;
  /** Whether a fault is in the space searched (every fault, without a restriction). */
  readonly allows: (f: Fault) => boolean;
  readonly outcome?: OutcomePattern;
  readonly symmetry: boolean;
  readonly spillDir?: string;
}

export const DEFAULT_RANDOM_RUNS = 1000;
export { DEFAULT_COMMAND };

export function qualifySearchOptions(raw: RawSearchOptions): SearchOptions {
  const strategy = raw.strategy ?? 'ldfi';
  return {
    strategy,
    seed: raw.seed ?? randomBytes(4).readUInt32BE(0).toString(),
    maxRuns: raw.maxRuns ?? (strategy === 'random' ? DEFAULT_RANDOM_RUNS : Infinity),
    findAll: raw.findAll ?? false,
    batch: raw.batch ?? 16,
    signal: raw.signal,
    command: raw.command ?? DEFAULT_COMMAND,
    randomKinds: raw.randomKinds ?? DEFAULT_RANDOM_KINDS,
    deadline: raw.timeMs === undefined ? Infinity : performance.now() + raw.timeMs,
    restriction: raw.restriction,
    allows: raw.restriction ? (f) => raw.restriction!.allows(f) : () => true,
    outcome: raw.outcome,
    symmetry: raw.symmetry ?? false,
    ...(raw.spillDir !== undefined ? { spillDir: raw.spillDir } : {}),
  };
}
