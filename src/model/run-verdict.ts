/**
 * The verdict of one run, decided here and nowhere else, and the one way verdicts combine.
 *
 * As Jepsen's checkers do (`jepsen/checker.clj`, `check-safe` and `merge-valid`): a check that could
 * not be made (an invariant threw or never returned, a round of real processes did not settle) is
 * *unknown*, never *holds*, and verdicts merge with violated > unknown > holds.
 */
export type RunVerdict = 'violated' | 'unknown' | 'holds';

/** What a run says about its invariant: the fields of `RunResult` (and of a recorded run) that decide it. */
export interface Checked {
  readonly violations: readonly unknown[];
  /** The target itself failed (a protocol threw): a finding, reported like a violation. */
  readonly error?: string;
  /** Checks that could not be made. */
  readonly unknown?: readonly string[];
}

const RANK: Record<RunVerdict, number> = { holds: 0, unknown: 1, violated: 2 };

/** violated when the run broke the invariant (or the target failed), unknown when some check could not be made, else holds. */
export function runVerdict(r: Checked): RunVerdict {
  if (r.violations.length > 0 || r.error !== undefined) return 'violated';
  return r.unknown?.length ? 'unknown' : 'holds';
}

/** The verdicts of several runs (or checks) as one: violated > unknown > holds; none at all holds. */
export function mergeVerdicts(verdicts: Iterable<RunVerdict>): RunVerdict {
  let merged: RunVerdict = 'holds';
  for (const v of verdicts) if (RANK[v] > RANK[merged]) merged = v;
  return merged;
}
