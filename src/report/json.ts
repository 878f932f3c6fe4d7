import { formatFaults } from '../injector/text.ts';
import type { Bounds } from '../model/bounds.ts';
import type { FaultSet } from '../model/faults.ts';
import type { MessageRecord, Violation } from '../model/target.ts';
import { reportDetails, type DrawnRun, type ReportDetails } from './details.ts';
import { eachRun, runCount, type RunRecord, type SearchResult, type SearchStatus, type Strategy } from '../search/result.ts';
import { verdictOf, type Verdict } from './verdict.ts';
import { runVerdict, type RunVerdict } from '../model/run-verdict.ts';
import { UserError } from '../model/errors.ts';

/** One run in the JSON report. */
export interface JsonRun {
  readonly index: number;
  readonly faults: string;
  readonly faultList: FaultSet;
  readonly violated: boolean;
  /** The run's verdict (model/run-verdict.ts): unknown when a check could not be made. */
  readonly check: RunVerdict;
  readonly violations: readonly Violation[];
  readonly unknown?: readonly string[];
  readonly attacked: readonly string[];
  readonly defeatedBy: readonly { readonly outcome: string; readonly support: readonly string[] }[];
  readonly learned: number;
  readonly error?: string;
  readonly durationMs?: number;
}

export interface JsonCounterexample {
  readonly faults: string;
  readonly faultList: FaultSet;
  readonly foundAs: string;
  /** How many omissions of `foundAs` dropped no message in its run. */
  readonly foundIdle?: number;
  readonly foundAtRun: number;
  readonly sameCause?: number;
  readonly violations: readonly Violation[];
  readonly error?: string;
  readonly notes?: readonly string[];
  readonly replay: string;
  readonly messages: readonly MessageRecord[];
  readonly shrinkSteps?: readonly { readonly faults: string; readonly violated: boolean; readonly unknown?: readonly string[] }[];
}

/** The JSON report (docs/report-format.md, docs/report.schema.json): what every other report can be drawn from. */
export interface JsonReport {
  readonly format: typeof REPORT_FORMAT;
  readonly version: typeof REPORT_VERSION;
  readonly status: SearchStatus;
  readonly error?: string;
  readonly budget?: 'runs' | 'time';
  /** The verdict every report shows (`verdict.ts`), so a report drawn from this file says the same. */
  readonly verdict: Pick<Verdict, 'mark' | 'headline'>;
  readonly proven: boolean;
  /** Runs that could not be checked: how many, the first, what it could not check, its replay line. */
  readonly unchecked?: { readonly runs: number; readonly first: number; readonly why: string; readonly replay: string };
  readonly caveat?: string;
  readonly strategy: Strategy;
  readonly seed: string;
  readonly findAll: boolean;
  readonly target: SearchResult['target'];
  readonly bounds: Bounds;
  readonly faultSpace: string;
  readonly restriction?: string;
  readonly outcomePattern?: string;
  readonly symmetrySaved?: number;
  readonly outcomes: readonly string[];
  readonly hypotheses: number;
  readonly replayCommand: string;
  readonly runs: readonly JsonRun[];
  /** Present when `runs` holds only some runs (the first ones and those that found a counterexample: what an HTML page lists): how many there were. */
  readonly runCount?: number;
  readonly counterexamples: readonly JsonCounterexample[];
  readonly supports?: Readonly<Record<string, readonly (readonly string[])[]>>;
  readonly details?: Omit<ReportDetails, 'runs'> & { readonly runs: readonly (Omit<DrawnRun, 'faults'> & { readonly faults: string; readonly faultList: FaultSet })[] };
  readonly timings?: Readonly<Record<string, number>>;
}

export const REPORT_FORMAT = 'ldfi-report' as const;

/** How many runs the search made, whether `runs` holds them all or (a page's report) only some. */
export function reportRunCount(j: Pick<JsonReport, 'runs' | 'runCount'>): number {
  return j.runCount ?? j.runs.length;
}
export const REPORT_VERSION = 1 as const;

export interface JsonReportOptions {
  /** Leave out wall-clock figures, so that the same seed gives a byte-identical report. */
  timings: boolean;
}

/** The versioned machine-readable report; docs/report-format.md documents every field. */
export function toJsonReport(r: SearchResult, opts: JsonReportOptions = { timings: true }, parts: { runs: boolean; runsLimit?: number } = { runs: true }): JsonReport {
  const count = runCount(r);
  const limit = parts.runsLimit ?? Infinity;
  const verdict = verdictOf(r);
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    status: r.status,
    ...(r.status === 'internal-error' ? { error: r.error } : {}),
    ...(r.status === 'budget-exhausted' && r.budget ? { budget: r.budget } : {}),
    // The same verdict every other report shows; the caveat when nothing was proven.
    verdict: { mark: verdict.mark, headline: verdict.headline },
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
    replayCommand: r.replayCommand,
    // Left empty for the streamed form, which writes the runs one by one in their place.
    runs: parts.runs ? keptRuns(r, limit).map((run) => jsonRun(run, opts)) : [],
    ...(parts.runs && count > limit ? { runCount: count } : {}),
    counterexamples: r.counterexamples.map((c) => ({
      faults: formatFaults(c.faults),
      faultList: c.faults,
      foundAs: formatFaults(c.foundAs),
      ...(c.foundIdle ? { foundIdle: c.foundIdle } : {}),
      foundAtRun: c.foundAtRun,
      ...(c.sameCause ? { sameCause: c.sameCause } : {}),
      violations: c.violations,
      ...(c.error ? { error: c.error } : {}),
      ...(c.notes?.length ? { notes: c.notes } : {}),
      replay: c.replay,
      messages: c.messages,
      ...(c.shrinkSteps ? { shrinkSteps: c.shrinkSteps.map((step) => ({ faults: formatFaults(step.faults), violated: step.violated, ...(step.unknown?.length && !step.violated ? { unknown: step.unknown } : {}) })) } : {}),
    })),
    ...(r.supports ? { supports: Object.fromEntries(r.supports) } : {}),
    ...(r.unchecked ? { unchecked: r.unchecked } : {}),
    ...(r.recorded ? { details: jsonDetails(reportDetails(r)) } : {}),
    ...(opts.timings
      ? { timings: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, round(v)])) }
      : {}),
  };
}

/** The first `limit` runs, and every later one that found a counterexample. */
function keptRuns(r: SearchResult, limit: number): RunRecord[] {
  const found = new Set(r.counterexamples.map((c) => c.foundAtRun));
  // Runs on disk are read only as far as needed.
  let last = limit;
  for (const f of found) last = Math.max(last, f);
  const out: RunRecord[] = [];
  for (const run of eachRun(r)) {
    if (run.index > last) break;
    if (run.index <= limit || found.has(run.index)) out.push(run);
  }
  return out;
}

function jsonDetails(d: ReportDetails): NonNullable<JsonReport['details']> {
  return { ...d, runs: d.runs.map((run) => ({ ...run, faults: formatFaults(run.faults), faultList: run.faults })) };
}

function jsonRun(run: RunRecord, opts: JsonReportOptions): JsonRun {
  return {
    index: run.index,
    faults: formatFaults(run.faults),
    faultList: run.faults,
    violated: runVerdict(run) === 'violated',
    check: runVerdict(run),
    violations: run.violations,
    ...(run.unknown.length ? { unknown: run.unknown } : {}),
    attacked: run.attacked,
    defeatedBy: run.defeatedBy,
    learned: run.learned,
    ...(run.error ? { error: run.error } : {}),
    ...(opts.timings ? { durationMs: round(run.durationMs) } : {}),
  };
}

/** The JSON report as text: pretty, but one line per run, so that a long search stays readable and small. */
export function formatJsonReport(r: SearchResult, opts?: JsonReportOptions): string {
  return [...jsonReportChunks(r, opts)].join('');
}

/**
 * The JSON report's text in pieces, each run its own piece, built as they are written: a search of a
 * million runs never becomes one string (V8 caps a string near 512 MB) nor one array of run objects.
 */
export function* jsonReportChunks(r: SearchResult, opts: JsonReportOptions = { timings: true }): Generator<string> {
  const whole = toJsonReport(r, opts, { runs: false }) as unknown as Record<string, unknown>;
  const keys = Object.keys(whole);
  yield '{\n';
  for (const [i, key] of keys.entries()) {
    const comma = i < keys.length - 1 ? ',' : '';
    if (key === 'runs') {
      const count = runCount(r);
      if (count === 0) {
        yield `  "runs": []${comma}\n`;
        continue;
      }
      yield '  "runs": [\n';
      let k = 0;
      for (const run of eachRun(r)) yield `    ${JSON.stringify(jsonRun(run, opts))}${++k < count ? ',' : ''}\n`;
      yield `  ]${comma}\n`;
      continue;
    }
    if (key === 'details') {
      yield* detailsChunks(whole[key] as NonNullable<JsonReport['details']>, comma);
      continue;
    }
    yield `  ${JSON.stringify(key)}: ${JSON.stringify(whole[key], null, 2).replace(/\n/g, '\n  ')}${comma}\n`;
  }
  yield '}\n';
}

/**
 * The details, one drawn run, lineage or packed run per line: pretty-printed field by field, the
 * 300,000 messages a search may pack would be millions of lines.
 */
function* detailsChunks(details: NonNullable<JsonReport['details']>, comma: string): Generator<string> {
  const list = function* (items: readonly unknown[], indent: string): Generator<string> {
    if (items.length === 0) return yield '[]';
    yield '[\n';
    for (const [i, item] of items.entries()) yield `${indent}  ${JSON.stringify(item)}${i < items.length - 1 ? ',' : ''}\n`;
    yield `${indent}]`;
  };
  const entries = Object.entries(details);
  yield '  "details": {\n';
  for (const [i, [key, value]] of entries.entries()) {
    yield `    ${JSON.stringify(key)}: `;
    if (Array.isArray(value)) yield* list(value, '    ');
    else if (key === 'packed') {
      const packed = value as NonNullable<typeof details.packed>;
      yield `{\n      "strings": ${JSON.stringify(packed.strings)},\n      "runs": `;
      yield* list(packed.runs, '      ');
      yield '\n    }';
    } else yield JSON.stringify(value);
    yield `${i < entries.length - 1 ? ',' : ''}\n`;
  }
  yield `  }${comma}\n`;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * Reads a JSON report written by `--json`. Throws `UserError` naming the file, and the line and
 * column of a JSON syntax error, for anything that is not an ldfi report of this version.
 */
export function parseJsonReport(text: string, file: string): JsonReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    const where = at ? lineColumn(text, Number(at[1])) : '';
    // Node's message quotes the text around the error, newlines and all: the first clause is enough.
    const why = (e as Error).message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*$/s, '');
    // A report that ends early was most likely cut short (a full disk, a copy interrupted).
    if (/Unexpected end of JSON input/.test((e as Error).message) || (at && Number(at[1]) >= text.trimEnd().length)) throw new UserError('BAD_REPORT', `${file}: the report ends early (cut short? ${text.length.toLocaleString('en-US')} characters); write it again with ldfi run --json FILE`);
    throw new UserError('BAD_REPORT', `${file}${where}: not a JSON report (${why}); write one with ldfi run --json FILE`);
  }
  const r = data as Partial<JsonReport> | null;
  if (!r || typeof r !== 'object' || r.format !== REPORT_FORMAT) throw new UserError('BAD_REPORT', `${file}: not an ldfi JSON report (no "format": "${REPORT_FORMAT}"); write one with ldfi run --json FILE`);
  if (r.version !== REPORT_VERSION) throw new UserError('BAD_REPORT', `${file}: report version ${String(r.version)}, this ldfi reads version ${REPORT_VERSION}`);
  for (const field of ['status', 'verdict', 'bounds', 'target', 'runs', 'counterexamples', 'replayCommand'] as const) {
    if (r[field] === undefined) throw new UserError('BAD_REPORT', `${file}: the report has no "${field}" (written by an older ldfi? run the search again with --json)`);
  }
  return r as JsonReport;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `:${line}:${offset - before.lastIndexOf('\n')}`;
}
