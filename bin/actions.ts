/**
 * What the `ldfi` commands do, once their options are parsed (bin/ldfi.ts). Loaded only when a
 * command runs, so that `--help`, `--version` and usage errors start without Z3, the targets or tsx.
 */
import type { Command } from 'commander';
import { errorText, isUserError, UserError } from '../src/model/errors.ts';
import { validateSchedule } from '../src/injector/faults.ts';
import { formatFaults, parseFaults } from '../src/injector/text.ts';
import { toDot } from '../src/lineage/dot.ts';
import { reachableFrom, toGexf } from '../src/lineage/export.ts';
import { lineageSvgDocument } from '../src/report/html/lineage.ts';
import type { SearchResult } from '../src/search/index.ts';
import type { RawSearchOptions } from '../src/search/options.ts';
import { runCount } from '../src/search/result.ts';
import { explain, idleFaults, openTarget, replay, replayOf, search, why, type Replay } from '../src/index.ts';
import { jsonReportChunks } from '../src/report/json.ts';
import { formatJUnit } from '../src/report/junit.ts';
import { formatHtmlReport, renderHtmlReport } from '../src/report/html.ts';
import { RUNS_IN_PAGE } from '../src/report/html/runs.ts';
import { readReportForPage } from '../src/report/read-report.ts';
import { spaceTimeListing } from '../src/report/spacetime.ts';
import { formatSearchResult, violationText } from '../src/report/text.ts';
import { checkDistinctOutputs, checkOutputPath, writeFileAtomic } from '../src/report/write.ts';
import type { RunResult, Target } from '../src/model/target.ts';
import type { Fault } from '../src/model/faults.ts';
import { terminalProgress } from '../src/report/progress.ts';
import { colorsFor, paintMessage, paintReport } from '../src/report/colors.ts';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { ParallelTarget } from '../src/parallel/pool.ts';
import { checkCodeFile, problemOf, type Problem } from '../src/targets/check.ts';
import { plural } from '../src/report/verdict.ts';
import { readTraceFile } from '../src/targets/trace-file.ts';
import { catchCtrlC, COMMAND, EXIT, setExit, signalExit, type BoundsFlags, type RunFlags } from './cli-common.ts';


function targetOptions(f: BoundsFlags) {
  // The kinds a search covers are the target's bounds; those the random strategy draws are its own.
  const searched = 'strategy' in f && f.strategy === 'random' ? {} : { faultKinds: f.faultKinds };
  return { eot: f.eot, eff: f.eff, crashes: f.crashes, nodes: f.nodes, ...(f.maxDelay !== undefined ? { maxDelay: f.maxDelay } : {}), ...(f.failStatus ? { failStatuses: f.failStatus } : {}), ...searched, negativeSupport: f.negativeSupport ?? true, includeDirs: f.include };
}

export async function target(files: string[], f: BoundsFlags, seed: string, opts: { quiet?: boolean } = {}) {
  const t = await openTarget(files, { ...targetOptions(f), seed });
  // The library checked the bounds; the command line also says what it inferred and warns.
  const paint = colorsFor(process.stderr);
  for (const w of t.warnings ?? []) process.stderr.write(`${paintMessage(`ldfi: warning: ${w}`, paint)}\n`);
  // Campaigns run many cases: the inferred nodes are in each report, not on the terminal.
  if (t.inferredNodes && !opts.quiet) {
    const list = t.inferredNodes.map((n) => `${n.node} ${n.reason}`).join('; ');
    process.stderr.write(`ldfi: nodes ${t.bounds.nodes.join(',')} (inferred; choose with --nodes): ${list}\n`);
  }
  return t;
}

async function runSearch(files: string[], flags: RunFlags, cmd: Command): Promise<SearchResult> {
  reportWriteFailure = undefined;
  const outputs = [['--json', flags.json], ['--junit', flags.junit], ['--html', flags.html]] as const;
  for (const [option, path] of outputs) if (path !== undefined) checkOutputPath(option, path, files);
  checkDistinctOutputs(outputs);
  // The library decides the seed and checks every option against the target (qualifySearchOptions);
  // a simulated network runs the seed given, or one drawn here and printed with the result.
  const seed = flags.seeds?.[0] ?? flags.seed ?? String(randomBytes(4).readUInt32BE(0));
  const opened = await target(files, flags, seed);
  // Runs of a simulated protocol spread over cores; a system of real processes runs one run at a time.
  const workers = flags.workers ?? 1;
  if (workers > 1 && !(opened.capabilities.cheapRuns && opened.capabilities.seeded)) {
    throw new UserError('BAD_OPTION', `--workers shares the runs of a simulated protocol over threads; a ${opened.kind} target's runs ${opened.capabilities.cheapRuns ? 'are made on the main thread' : 'are real processes, made one at a time'}`);
  }
  const t = opened.capabilities.cheapRuns && opened.capabilities.seeded && workers > 1 && !flags.seeds ? new ParallelTarget(opened, { files, options: { ...targetOptions(flags), seed } }, workers) : opened;
  const { controller, release: releaseCtrlC } = catchCtrlC();
  const progress = terminalProgress(process.stderr, { maxRuns: flags.maxRuns });
  const observer = { ...progress.observer, onStart: (partial: (error: string) => SearchResult) => (inFlight = { partial, flags }) };
  try {
    const options: RawSearchOptions = {
      strategy: flags.strategy,
      // A seeded target runs its own seed; for the others it is the random strategy's.
      ...(flags.seeds ? { seeds: flags.seeds, ...(flags.seed !== undefined ? { seed: flags.seed } : {}) } : { seed }),
      maxRuns: flags.maxRuns,
      findAll: flags.findAll,
      // The random strategy draws the kinds given (the target's searched kinds by default).
      ...(flags.strategy === 'random' && flags.faultKinds ? { randomKinds: flags.faultKinds } : {}),
      restriction: flags.onlyFaults,
      outcome: flags.outcome,
      symmetry: flags.symmetry,
      signal: controller.signal,
      command: COMMAND,
      // Runs beyond those kept in memory wait beside the JSON report they end up in.
      spillDir: flags.json ? dirname(resolve(flags.json)) : tmpdir(),
    };
    const result = await search(t, options, observer);
    inFlight = undefined;
    progress.stop();
    // A report that cannot be written (the disk filled, the folder went away) loses neither the
    // summary nor the verdict: the summary is printed, then the failure, and the exit code is 2.
    try {
      writeReports(result, flags, (line) => process.stderr.write(`${line}\n`));
    } catch (e) {
      reportWriteFailure = errorText(e);
    }
    if (result.status === 'internal-error') process.stderr.write(`ldfi: internal error: ${result.error}\n`);
    return result;
  } finally {
    inFlight = undefined;
    progress.stop();
    releaseCtrlC();
    if (t instanceof ParallelTarget) await t.close();
  }
}

/** Set when a report could not be written after the search: the CLI prints it after the summary. */
let reportWriteFailure: string | undefined;

/** Ends a search command: the summary is out; a report that could not be written is exit 2. */
function finishSearch(r: SearchResult): void {
  if (reportWriteFailure) {
    process.stderr.write(`ldfi: error: a report could not be written: ${reportWriteFailure}\n`);
    setExit(EXIT.usage);
    return;
  }
  setExit(exitFor(r));
}

function exitFor(r: SearchResult): number {
  if (r.status === 'internal-error') return EXIT.internal;
  // Cut short by a signal: its own code (130, 143, 129), so that an interrupted CI job is never green.
  const signalled = signalExit();
  if (r.status === 'interrupted' && signalled) return signalled;
  return r.counterexamples.length > 0 ? EXIT.counterexample : EXIT.ok;
}

/** Reports the user asked for, written atomically; the same three files whatever ended the search. */
export function writeReports(result: SearchResult, flags: Pick<RunFlags, 'json' | 'junit' | 'html' | 'timings'>, say?: (line: string) => void): void {
  const failures: string[] = [];
  const write = (what: string, option: string, path: string | undefined, content: () => string | Iterable<string>) => {
    if (!path) return;
    try {
      writeFileAtomic(path, content());
      say?.(`${what} report written to ${path}`);
    } catch (e) {
      failures.push(`${option} ${path}: ${errorText(e)}`);
    }
  };
  // Writing a million runs takes a while: say so, since the progress line has ended.
  if (flags.json && runCount(result) >= 100_000) say?.(`writing the JSON report of ${runCount(result).toLocaleString('en-US')} runs…`);
  // Each report on its own: one that fails does not stop the others.
  write('JSON', '--json', flags.json, () => jsonReportChunks(result, { timings: flags.timings }));
  write('JUnit', '--junit', flags.junit, () => formatJUnit(result));
  write('HTML', '--html', flags.html, () => formatHtmlReport(result));
  if (failures.length) throw new Error(failures.join('; '));
}

/**
 * Re-runs the run a trace file describes (files, bounds, seed, faults), checks that it is the same
 * run byte for byte, and checks the invariant like any replay. Exit 1 if the run differs or violates.
 */
async function replayFromTrace(path: string): Promise<number> {
  const stored = readTraceFile(path);
  const t = await target([...stored.target.files], { ...stored.bounds, nodes: [...stored.bounds.nodes] }, stored.seed);
  if (!t.trace) throw new UserError('BAD_OPTION', `${path}: not a sim or tcp trace`);
  if (t.contentHash !== stored.target.contentHash) {
    process.stderr.write(`ldfi: warning: ${stored.target.files.join(' ')} changed since the trace was written\n`);
  }
  const faults = validateSchedule(stored.faults, t.bounds, t.supportedFaults);
  const { trace: again, result: r } = await t.trace(faults);
  const same = again.hash === stored.hash;
  const replayed = replayOf(faults, r, await idleFaults(t, faults, r));
  const lines = [
    same
      ? `✓ replayed identically: trace ${again.hash} (${again.events.length} events, ${again.audit.length} audit entries)`
      : `✗ the replay differs from the trace: ${stored.hash} then, ${again.hash} now`,
    replayHeadline(replayed),
    ...replayFindings(replayed),
  ];
  process.stdout.write(paintReport(lines.join('\n'), colorsFor(process.stdout)) + '\n');
  return same ? REPLAY_EXIT[replayed.verdict] : EXIT.counterexample;
}

/**
 * The search under way, for the last-resort handler: something that fails outside the search's own
 * promise chain (a Z3 worker, a timer, a WASM trap) still ends with exit 3 and the partial reports.
 */
let inFlight: { partial: (error: string) => SearchResult; flags: RunFlags } | undefined;

/** Writes what the search under way found, marked internal-error (the CLI then exits 3). */
export function reportPartial(message: string): void {
  const search = inFlight;
  inFlight = undefined;
  if (!search) return;
  try {
    const partial = search.partial(message);
    writeReports(partial, search.flags);
    process.stdout.write(paintReport(formatSearchResult(partial, { command: COMMAND }), colorsFor(process.stdout)) + '\n');
  } catch (again) {
    process.stderr.write(`ldfi: the partial report could not be written either: ${errorText(again)}\n`);
  }
}

export async function runAction(files: string[], flags: RunFlags, cmd: Command): Promise<void> {
  const r = await runSearch(files, flags, cmd);
  process.stdout.write(paintReport(formatSearchResult(r, { command: COMMAND }), colorsFor(process.stdout)) + '\n');
  finishSearch(r);
}

export async function explainAction(files: string[], flags: RunFlags, cmd: Command): Promise<void> {
  const r = await runSearch(files, flags, cmd);
  process.stdout.write(paintReport(formatSearchResult(r, { command: COMMAND, explaining: true }), colorsFor(process.stdout)) + '\n\n' + explain(r) + '\n');
  finishSearch(r);
}

export async function replayAction(files: string[], flags: BoundsFlags & { faults: string; seed: string; trace?: string; fromTrace?: string }): Promise<void> {
  if (flags.fromTrace) {
    setExit(await replayFromTrace(flags.fromTrace));
    return;
  }
  if (files.length === 0) throw new UserError('BAD_OPTION', 'replay needs program files (or --from-trace FILE)');
  if (flags.trace !== undefined) checkOutputPath('--trace', flags.trace, files);
  const t = await target(files, flags, flags.seed);
  if (flags.trace && !t.trace) throw new UserError('BAD_OPTION', '--trace is for sim protocols and tcp systems (a Dedalus run is its schedule)');
  let r: Replay;
  if (flags.trace && t.trace) {
    const faults = validateSchedule(parseFaults(flags.faults), t.bounds, t.supportedFaults);
    const { trace, result } = await t.trace(faults);
    writeFileAtomic(flags.trace, JSON.stringify(trace, null, 1) + '\n');
    process.stderr.write(`trace ${trace.hash} written to ${flags.trace}\n`);
    r = replayOf(faults, result, await idleFaults(t, faults, result));
  } else {
    r = await replay(t, flags.faults);
  }
  const lines = [
    replayHeadline(r),
    `  ${files.join(' ')} — EOT ${t.bounds.eot}, EFF ${t.bounds.eff}, crashes ${t.bounds.crashes}, nodes ${t.bounds.nodes.join(',')}`,
    ...replayFindings(r),
    '  run:',
    ...spaceTimeListing(r.messages, r.faults, '    '),
  ];
  process.stdout.write(paintReport(lines.join('\n'), colorsFor(process.stdout)) + '\n');
  setExit(REPLAY_EXIT[r.verdict]);
}

/** A replay's exit code by its verdict: an unchecked run is neither a pass (0) nor a counterexample (1). */
const REPLAY_EXIT = { violated: EXIT.counterexample, unknown: EXIT.unchecked, holds: EXIT.ok } as const;

/** The first line of a replay: its verdict under the faults, and the faults that changed nothing. */
function replayHeadline(r: Replay): string {
  const under = formatFaults(r.faults);
  const head =
    r.verdict === 'violated' ? `✗ invariant violated under: ${under}` : r.verdict === 'unknown' ? `? invariant could not be checked under: ${under}` : `✓ invariant holds under: ${under}`;
  if (r.idle.length === 0) return head;
  const all = r.idle.length === r.faults.length;
  const omissions = r.idle.filter((f) => f.kind === 'omit');
  const failed = r.idle.filter((f) => f.kind === 'fail');
  const resets = r.idle.filter((f) => f.kind === 'reset');
  const others = r.idle.filter((f) => f.kind !== 'omit' && f.kind !== 'fail' && f.kind !== 'reset');
  const said = [
    ...(omissions.length ? [`${formatFaults(omissions)} dropped nothing (no message was sent on that channel at that time)`] : []),
    ...(failed.length ? [`${formatFaults(failed)} failed nothing (no HTTP request was sent on that channel at that time: only answers, or nothing)`] : []),
    ...(resets.length ? [`${formatFaults(resets)} cut nothing short (no message was sent on that channel at that time)`] : []),
    ...(others.length ? [`${formatFaults(others)} changed nothing (the run is the same without ${others.length === 1 ? 'it' : 'them'})`] : []),
  ];
  return `${head}\n  ${all ? 'no fault acted' : 'not every fault acted'}: ${said.join('; ')}`;
}

/** Violations, errors, unchecked checks and notes of a replay, one per line. */
function replayFindings(r: Replay): string[] {
  return [
    ...r.violations.map((v) => `  violated: ${violationText(v, r.faults)}`),
    ...(r.error ? [`  error:    ${r.error}`] : []),
    ...r.unknown.map((u) => `  unknown:  ${u}`),
    ...r.notes.map((n) => `  note:     ${n}`),
  ];
}

export async function whyAction(files: string[], flags: BoundsFlags & { tuple: string; faults: string; seed: string; dot?: string; svg?: string; gexf?: string; depth: number }): Promise<void> {
  const outputs = [['--dot', flags.dot], ['--svg', flags.svg], ['--gexf', flags.gexf]] as const;
  for (const [option, path] of outputs) if (path !== undefined) checkOutputPath(option, path, files);
  checkDistinctOutputs(outputs);
  const t = await target(files, { ...flags, negativeSupport: true }, flags.seed);
  const w = await why(t, flags.tuple, flags.faults, { depth: flags.depth });
  process.stdout.write(w.text + '\n');
  const wrote = (what: string, file: string) => process.stderr.write(`${what} written to ${file}\n`);
  if (flags.dot) (writeFileAtomic(flags.dot, toDot(w.lineage, w.root)), wrote('Graphviz DOT', flags.dot));
  if (flags.gexf) (writeFileAtomic(flags.gexf, toGexf(w.lineage, w.root)), wrote('GEXF', flags.gexf));
  if (flags.svg) {
    const g = reachableFrom(w.lineage, w.root);
    const vertices = g.keys.map((id, i) => ({ ...g.vertices[i], id }));
    const edges: (readonly [string, string])[] = [];
    g.forEachEdge((from, to) => edges.push([from, to]));
    writeFileAtomic(flags.svg, lineageSvgDocument({ outcome: w.root, vertices, edges, truncated: 0 }));
    wrote('SVG picture', flags.svg);
  }
}

/**
 * `ldfi report FILE --html OUT`: the HTML page of a saved JSON report, the same page `--html` wrote
 * during the search (both are drawn from the JSON report). Exit 0 when written; 2 for a file that is
 * not an ldfi JSON report.
 */
export async function reportAction(file: string, flags: { html: string }): Promise<void> {
  checkOutputPath('--html', flags.html, [file]);
  const report = readReportForPage(file, RUNS_IN_PAGE);
  writeFileAtomic(flags.html, renderHtmlReport(report));
  process.stderr.write(`HTML report written to ${flags.html}\n`);
  setExit(EXIT.ok);
}

/**
 * `ldfi check`: static problems, one per line as file:line:column, before any run. A TypeScript
 * protocol is type-checked against ldfi/sim and its handlers' names are checked; Dedalus files are
 * parsed and compiled as one program. Exit 2 if there is an error, 0 otherwise (warnings too).
 */
export async function checkAction(files: string[], flags: { include?: string[] }): Promise<void> {
  const problems: Problem[] = [];
  // Each protocol or system file is a program of its own; the Dedalus files given together are one.
  const isCode = (f: string) => /\.(ts|mts|js|mjs)$/.test(f);
  for (const f of files.filter(isCode)) for (const p of await checkCodeFile(f)) problems.push(p);
  const dedalus = files.filter((f) => !isCode(f));
  if (dedalus.length) {
    try {
      const t = await openTarget(dedalus, { negativeSupport: true, seed: '1', includeDirs: flags.include });
      // What would be printed as warnings before a search (a relation nothing defines, a fact after EOT).
      for (const w of t.warnings ?? []) problems.push({ ...problemOf(w, /^(.*?):\d+:\d+: /s.exec(w)?.[1] ?? dedalus.join(' ')), warning: true });
    } catch (e) {
      if (!isUserError(e)) throw e;
      // A Dedalus error names its own file (an included one, perhaps).
      const file = /^(.*?):\d+:\d+: /s.exec(e.message)?.[1] ?? dedalus.join(' ');
      problems.push(problemOf(e.message, file));
    }
  }
  for (const p of problems) {
    const where = p.line ? `${p.file}:${p.line}:${p.column}` : p.file;
    process.stdout.write(`${where}: ${p.warning ? 'warning' : 'error'}: ${p.message}\n`);
  }
  const errors = problems.filter((p) => !p.warning).length;
  const warnings = problems.length - errors;
  const what = files.join(' ');
  const paint = colorsFor(process.stdout);
  if (errors) process.stdout.write(`${paintReport(`✗ ${what}: ${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`, paint)}\n`);
  else process.stdout.write(`${paintReport(`✓ ${what}: no errors${warnings ? ` (${plural(warnings, 'warning')})` : ''}`, paint)}\n`);
  setExit(errors ? EXIT.usage : EXIT.ok);
}
