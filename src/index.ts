/**
 * ldfi as a library (`import { openTarget, search, replay, why, explain } from 'ldfi'`): what the
 * command line does, for programs and tests. Every function throws `UserError` (with `code`) for bad
 * input — a program that does not parse, a fault schedule beyond the bounds — and nothing else for
 * anything the user did; a search that fails inside ldfi ends with status `internal-error` instead.
 *
 * ```ts
 * const target = await openTarget('examples/dedalus/broadcast-naive.ded', { eot: 4, eff: 2 });
 * const result = await search(target);
 * if (result.status === 'counterexample') console.log(result.counterexamples[0].replay);
 * ```
 */
import { validateSchedule } from './injector/faults.ts';
import { formatFaults, parseFaults } from './injector/text.ts';
import { formatWhyTree } from './lineage/why.ts';
import type { FaultSet } from './model/faults.ts';
import type { MessageRecord, RunResult, Target, Violation, WhyAnswer } from './model/target.ts';
import { runVerdict, type RunVerdict } from './model/run-verdict.ts';
import { idleSlotFaults } from './injector/effect.ts';
import { formatExplanation } from './report/explain.ts';
import { search as runSearch, type SearchObserver, type SearchResult } from './search/index.ts';
import type { RawSearchOptions } from './search/options.ts';
import { checkBounds, openTarget as open, type TargetOptions } from './targets/index.ts';

import { OptionError, UserError } from './model/errors.ts';

export { UserError, isUserError } from './model/errors.ts';
export type { Bounds, BoundsOptions } from './model/bounds.ts';
import type { BoundsOptions } from './model/bounds.ts';
export { mergeVerdicts, runVerdict, type RunVerdict } from './model/run-verdict.ts';
export type { Fault, FaultKind, FaultSet } from './model/faults.ts';
export type { MessageRecord, RunResult, Target, Violation, WhyAnswer } from './model/target.ts';
export type { Counterexample, RunRecord, SearchObserver, SearchResult, Strategy } from './search/index.ts';
export { formatFaults, parseFaults } from './injector/text.ts';
export { formatJsonReport, toJsonReport } from './report/json.ts';
export { formatJUnit } from './report/junit.ts';
export { formatHtmlReport } from './report/html.ts';
export { formatSearchResult } from './report/text.ts';
export { verdictOf, type Verdict } from './report/verdict.ts';
export { defineConfig, type CampaignConfig, type CampaignSpec } from './campaign/config.ts';

/** Options of `openTarget`; bounds default to the program's or protocol's own (Dedalus: EOT 3, EFF 2, no crash). */
export interface OpenOptions extends BoundsOptions {
  /** Seed of a simulated network's delivery order (sim). Default '1'. */
  readonly seed?: string;
  /** Dedalus: Molly's negative support (default true); without it a search proves nothing. */
  readonly negativeSupport?: boolean;
  /** Dedalus: more folders for `include`. */
  readonly includeDirs?: readonly string[];
}

/**
 * Opens what the files describe, by their names: Dedalus programs (`.ded`, read as one program), a
 * system of real processes (`*.tcp.ts`, `*.tcp.json`) or a TypeScript protocol (`.ts`).
 * Throws `UserError` for a file that cannot be read, parsed or checked, or bad bounds.
 */
export async function openTarget(files: string | readonly string[], options: OpenOptions = {}): Promise<Target> {
  // Bounds from JavaScript are checked before anything is opened, each named by its field.
  for (const [field, least] of [['eot', 1], ['eff', 0], ['crashes', 0], ['maxDelay', 0]] as const) {
    const v = options[field];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < least)) throw new OptionError(field, (n) => `${n(field, String(v))} is not a whole number ≥ ${least}`);
  }
  if (options.failStatuses !== undefined && (!Array.isArray(options.failStatuses) || !options.failStatuses.every((c) => Number.isInteger(c) && c >= 400 && c <= 599))) {
    throw new OptionError('failStatuses', (n) => `${n('failStatuses', JSON.stringify(options.failStatuses))} must list error statuses, 400 to 599`);
  }
  // A seed is text (a number given from JavaScript is taken as its digits, as the CLI would).
  const opts: TargetOptions = { ...options, negativeSupport: options.negativeSupport ?? true, seed: options.seed === undefined ? '1' : String(options.seed) };
  const t = await open(typeof files === 'string' ? [files] : files, opts);
  checkBounds(t, { given: { eot: options.eot !== undefined, eff: options.eff !== undefined, crashes: options.crashes !== undefined, nodes: options.nodes !== undefined } });
  return t;
}

/** Options of `search`: the strategy (`ldfi` by default), seed, run budget, `findAll`, an `AbortSignal`. */
export type SearchOptions = RawSearchOptions;

/**
 * Searches a target for counterexamples; the result is a union on `status` (`counterexample`,
 * `resilient`, `no-counterexample-found` with its reason, `budget-exhausted`, `interrupted`,
 * `internal-error`). Every counterexample carries its shrunk fault set, the violations and a replay line.
 */
export function search(target: Target, options: SearchOptions = {}, observer?: SearchObserver): Promise<SearchResult> {
  return runSearch(target, options, observer);
}

/** What one run under a fault schedule showed. */
export interface Replay {
  readonly faults: FaultSet;
  /** The invariant held: no violation, no error, nothing left unchecked (`verdict` is `holds`). */
  readonly holds: boolean;
  /** The run's verdict: violated > unknown (a check could not be made) > holds. */
  readonly verdict: RunVerdict;
  /**
   * Faults of the schedule that acted on nothing: omissions that dropped no message (none was sent on
   * that channel then), and — for targets whose runs are cheap — other faults without which the run
   * is the same (messages, outcomes, verdict). They tested nothing.
   */
  readonly idle: FaultSet;
  readonly violations: readonly Violation[];
  /** Checks that could not be made (an invariant threw, a round of real processes did not settle). */
  readonly unknown: readonly string[];
  /** The target itself failed (a protocol threw, a handler never returned). */
  readonly error?: string;
  readonly messages: readonly MessageRecord[];
  /** What happened that the messages do not show (a process that exited on its own). */
  readonly notes: readonly string[];
}

/**
 * Runs one fault schedule (text as `omit a→b @1; crash c @3`, or faults) and checks the invariant.
 * Throws `UserError` for a schedule that does not parse, is beyond the bounds, or that the target
 * cannot apply.
 */
export async function replay(target: Target, faults: string | FaultSet = []): Promise<Replay> {
  const schedule = validateSchedule(typeof faults === 'string' ? parseFaults(faults) : faults, target.bounds, target.supportedFaults);
  const r = await target.run(schedule, { lineage: false });
  return replayOf(schedule, r, await idleFaults(target, schedule, r));
}

/** What a replay shows of one run of `schedule` (`idle`: its faults that acted on nothing, `idleFaults`). */
export function replayOf(schedule: FaultSet, r: RunResult, idle: FaultSet = idleSlotFaults(schedule, r.messages)): Replay {
  const verdict = runVerdict(r);
  return { faults: schedule, holds: verdict === 'holds', verdict, idle, violations: r.violations, unknown: r.unknown ?? [], error: r.error, messages: r.messages, notes: r.notes ?? [] };
}

/**
 * The faults of a schedule that acted on nothing in its run `r`: omissions that dropped no message,
 * read off the run; and, where runs are cheap (not real processes), each other fault whose removal
 * leaves the run the same — its messages, outcomes and verdict — found by running the schedule
 * without it once.
 */
export async function idleFaults(target: Target, schedule: FaultSet, r: RunResult): Promise<FaultSet> {
  const idle = idleSlotFaults(schedule, r.messages);
  if (!target.capabilities.cheapRuns) return idle;
  const seen = (x: RunResult) => JSON.stringify([x.messages, x.outcomes, runVerdict(x), x.violations, x.unknown ?? []]);
  const same = seen(r);
  for (const f of schedule) {
    if (f.kind === 'omit') continue;
    const without = await target.run(schedule.filter((g) => g !== f), { lineage: false });
    if (seen(without) === same) idle.push(f);
  }
  return idle;
}

/**
 * "How did I get here": the lineage of a tuple (Dedalus, e.g. `log(c,hello)@4`) or an output (sim and
 * tcp, `node:value` with the value as JSON) in the run of `faults`, with every alternative, or why it
 * is absent; `text` is the tree the command line prints (`depth`: levels shown, default 64). Throws
 * `UserError` for a malformed tuple.
 */
export async function why(target: Target, tuple: string, faults: string | FaultSet = [], options: { depth?: number } = {}): Promise<WhyAnswer & { text: string }> {
  if (!target.why) throw new UserError('BAD_OPTION', `why is not available for ${target.kind} targets`);
  const schedule = validateSchedule(typeof faults === 'string' ? parseFaults(faults) : faults, target.bounds, target.supportedFaults);
  const answer = await target.why(tuple, schedule);
  const head = answer.holds ? '' : `${tuple} does not hold in this run (faults: ${formatFaults(schedule)}).\n`;
  const roots = [answer.root, ...(answer.others ?? [])];
  // An output produced more than once: every occurrence, each with its own tree.
  const trees = roots.map((root, i) => (roots.length > 1 ? `occurrence ${i + 1} of ${roots.length} (${tuple.trim()}#${i + 1}):\n` : '') + formatWhyTree(answer.lineage, root, { maxDepth: options.depth }));
  return { ...answer, text: head + trees.join('\n\n') };
}

/** Why a search ended as it did: for each good outcome, its supports and the hypotheses they defeated. */
export function explain(result: SearchResult): string {
  return formatExplanation(result);
}
