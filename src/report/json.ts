import { formatFaults } from '../injector/text.ts';
import type { SearchResult } from '../search/result.ts';
import { verdictOf } from './verdict.ts';

export const REPORT_FORMAT = 'ldfi-report';
export const REPORT_VERSION = 1;

export interface JsonReportOptions {
  /** Leave out wall-clock figures, so that the same seed gives a byte-identical report. */
  timings: boolean;
}

/** The versioned machine-readable report; docs/report-format.md documents every field. */
export function toJsonReport(r: SearchResult, opts: JsonReportOptions = { timings: true }): object {
  const verdict = verdictOf(r);
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    status: r.status,
    ...(r.status === 'internal-error' ? { error: r.error } : {}),
    ...(r.status === 'budget-exhausted' && r.budget ? { budget: r.budget } : {}),
    // The same verdict every other report shows; the caveat when nothing was proven.
    proven: verdict.proven,
    ...(verdict.caveat ? { caveat: verdict.caveat } : {}),
    strategy: r.strategy,
    seed: r.seed,
    findAll: r.findAll,
    target: r.target,
    bounds: r.bounds,
    faultSpace: r.faultSpace.toString(),
    ...(r.restriction ? { restriction: r.restriction } : {}),
    ...(r.outcomePattern ? { outcomePattern: r.outcomePattern } : {}),
    ...(r.symmetrySaved !== undefined ? { symmetrySaved: r.symmetrySaved } : {}),
    outcomes: r.outcomes,
    hypotheses: r.hypotheses,
    runs: r.runs.map((run) => ({
      index: run.index,
      faults: formatFaults(run.faults),
      faultList: run.faults,
      violated: run.violations.length > 0 || run.error !== undefined,
      violations: run.violations,
      ...(run.unknown.length ? { unknown: run.unknown } : {}),
      attacked: run.attacked,
      defeatedBy: run.defeatedBy,
      learned: run.learned,
      ...(run.error ? { error: run.error } : {}),
      ...(opts.timings ? { durationMs: round(run.durationMs) } : {}),
    })),
    counterexamples: r.counterexamples.map((c) => ({
      faults: formatFaults(c.faults),
      faultList: c.faults,
      foundAs: formatFaults(c.foundAs),
      foundAtRun: c.foundAtRun,
      ...(c.sameCause ? { sameCause: c.sameCause } : {}),
      violations: c.violations,
      ...(c.error ? { error: c.error } : {}),
      ...(c.notes?.length ? { notes: c.notes } : {}),
      replay: c.replay,
      messages: c.messages,
    })),
    ...(r.supports ? { supports: Object.fromEntries(r.supports) } : {}),
    ...(opts.timings
      ? { timings: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, round(v)])) }
      : {}),
  };
}

export function formatJsonReport(r: SearchResult, opts?: JsonReportOptions): string {
  return JSON.stringify(toJsonReport(r, opts), null, 2) + '\n';
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
