import { randomBytes } from 'node:crypto';
import { DEFAULT_RANDOM_KINDS } from '../injector/random.ts';
import type { Fault, FaultKind } from '../model/faults.ts';
import type { FaultRestriction } from '../injector/restriction.ts';
import type { Target } from '../model/target.ts';
import { OptionError } from '../model/errors.ts';
import { MAX_RUNS } from '../model/limits.ts';
import type { OutcomePattern } from './outcome-pattern.ts';
import type { Strategy } from './result.ts';
import { DEFAULT_COMMAND } from '../model/shell.ts';

/** Options as a user gives them (all optional); `qualifySearchOptions` checks them against the target. */
export interface RawSearchOptions {
  strategy?: Strategy;
  /** The seed of the random strategy; of a seeded target (a simulated network), it must be the target's own. */
  seed?: string;
  /** A seed sweep: the same search on each of these seeds of a reseedable target (`Target.withSeed`), merged. */
  seeds?: readonly string[];
  maxRuns?: number;
  findAll?: boolean;
  /**
   * Compare runs by state where the target can (`capabilities.stateTraces`): a run that meets another
   * run's state is not extended past it. Default true; false gives the footprint search alone (the
   * benchmarks' "before").
   */
  compareStates?: boolean;
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
  /** The seed the runs used (a seeded target's own) or the random strategy's; always printed. */
  readonly seed: string;
  /** A seed sweep (`seeds`): the seeds in order, the first being `seed`. */
  readonly seeds?: readonly string[];
  readonly maxRuns: number;
  readonly findAll: boolean;
  readonly compareStates: boolean;
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

const STRATEGIES: readonly Strategy[] = ['ldfi', 'random', 'exhaustive', 'molly', 'causal'];

/**
 * Raw options → qualified options, once, at the edge (fast-check's `QualifiedParameters`): every
 * default and every rule that depends on the target is decided here, so the command line, the
 * library, campaigns and `expectResilient` accept and refuse the same things with the same words.
 * Throws `OptionError` (a `UserError`, code BAD_OPTION) naming the option by its field; the CLI
 * words the same sentence with its flags.
 */
export function qualifySearchOptions(target: Target, raw: RawSearchOptions): SearchOptions {
  const can = target.capabilities;
  const strategy = raw.strategy ?? 'ldfi';
  if (!STRATEGIES.includes(strategy)) throw new OptionError('strategy', (n) => `${n('strategy', String(strategy))} is not a strategy; choose from ${STRATEGIES.join(', ')}`);
  if (raw.maxRuns !== undefined && !(Number.isInteger(raw.maxRuns) && raw.maxRuns >= 1 && raw.maxRuns <= MAX_RUNS)) {
    throw new OptionError('maxRuns', (n) => `${n('maxRuns', String(raw.maxRuns))} must be a whole number from 1 to ${MAX_RUNS.toLocaleString('en-US')}`);
  }
  if (raw.timeMs !== undefined && !(raw.timeMs >= 0)) throw new OptionError('timeMs', (n) => `${n('timeMs', String(raw.timeMs))} must be a number of ms ≥ 0`);
  if (raw.symmetry && !can.symmetry) {
    throw new OptionError('symmetry', (n) => `${n('symmetry')} finds interchangeable nodes in a Dedalus program; a ${target.kind} target's nodes are code ldfi cannot compare`);
  }
  if (strategy === 'causal' && !can.causalBaseline) {
    throw new OptionError('strategy', (n) => `${n('strategy', 'causal')} is Molly's baseline for Dedalus programs; a ${target.kind} target's LDFI already covers every fault that could change a run`);
  }
  if (raw.outcome && !can.outcomePatterns) throw new OptionError('outcome', (n) => `${n('outcome')} chooses a Dedalus program's outcomes; a ${target.kind} target's invariant is checked whole`);
  if (raw.outcome && strategy !== 'ldfi' && strategy !== 'molly' && strategy !== 'causal') {
    throw new OptionError('outcome', (n) => `${n('outcome')} steers the outcomes LDFI attacks; ${n('strategy', strategy)} attacks none`);
  }
  if (raw.randomKinds !== undefined) {
    if (strategy !== 'random') throw new OptionError('randomKinds', (n) => `${n('randomKinds')} chooses what ${n('strategy', 'random')} draws; the kinds other strategies search are the target's bounds (faultKinds)`);
    const unsupported = raw.randomKinds.filter((k) => !target.supportedFaults.includes(k));
    if (unsupported.length) {
      throw new OptionError('randomKinds', (n) => `${n('randomKinds')}: a ${target.kind} target cannot apply ${unsupported.join(', ')} (it supports ${target.supportedFaults.join(', ')})`);
    }
  }
  // A node the target does not have would target nothing: the search would prove resilience of an empty space.
  for (const e of raw.restriction?.entries ?? []) {
    const unknown = e.nodes.filter((node) => !target.bounds.nodes.includes(node));
    if (unknown.length) {
      throw new OptionError('restriction', (n) => `${n('restriction')}: '${e.text}' names ${unknown.join(', ')}, not ${unknown.length === 1 ? 'a node' : 'nodes'} of this target (nodes: ${target.bounds.nodes.join(', ')})`);
    }
  }
  return {
    strategy,
    ...qualifySeed(target, raw),
    maxRuns: raw.maxRuns ?? (strategy === 'random' ? DEFAULT_RANDOM_RUNS : Infinity),
    findAll: raw.findAll ?? false,
    compareStates: raw.compareStates ?? true,
    batch: raw.batch ?? 16,
    signal: raw.signal,
    command: raw.command ?? DEFAULT_COMMAND,
    randomKinds: raw.randomKinds ?? target.bounds.kinds ?? DEFAULT_RANDOM_KINDS,
    deadline: raw.timeMs === undefined ? Infinity : performance.now() + raw.timeMs,
    restriction: raw.restriction,
    allows: raw.restriction ? (f) => raw.restriction!.allows(f) : () => true,
    outcome: raw.outcome,
    symmetry: raw.symmetry ?? false,
    ...(raw.spillDir !== undefined ? { spillDir: raw.spillDir } : {}),
  };
}

/**
 * The seed, decided once: a seeded target's runs use its own seed, so the result names that one (a
 * different `seed` is refused, never silently printed beside runs of another); a sweep's first seed;
 * otherwise the given seed, or one drawn here and printed with every result.
 */
function qualifySeed(target: Target, given: RawSearchOptions): { seed: string; seeds?: readonly string[] } {
  // A seed is text: one given as a number from JavaScript is taken as its digits, as the CLI would.
  const raw = { ...given, seed: given.seed === undefined ? undefined : String(given.seed), seeds: given.seeds?.map(String) };
  if (raw.seeds !== undefined) {
    if (!target.capabilities.reseedable) throw new OptionError('seeds', (n) => `${n('seeds')} is for simulated networks: a ${target.kind} run does not depend on a seed`);
    if (raw.seed !== undefined) throw new OptionError('seeds', (n) => `${n('seed')} and ${n('seeds')}: give one or the other`);
    const seeds = [...new Set(raw.seeds)];
    if (seeds.length === 0 || seeds.some((s) => s.trim() === '')) throw new OptionError('seeds', (n) => `${n('seeds')} needs at least one seed, none of them empty`);
    return { seed: seeds[0], seeds };
  }
  if (raw.seed !== undefined && raw.seed.trim() === '') throw new OptionError('seed', (n) => `${n('seed')} cannot be empty`);
  if (target.capabilities.seeded && target.seed !== undefined) {
    if (raw.seed !== undefined && raw.seed !== target.seed) {
      throw new OptionError('seed', (n) => `${n('seed', raw.seed)}, but the target was opened with seed '${target.seed}' and its runs use that one: open it with that seed, or give the same`);
    }
    return { seed: target.seed };
  }
  return { seed: raw.seed ?? randomBytes(4).readUInt32BE(0).toString() };
}
