import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileLines } from '../model/lines.ts';
import { UserError } from '../model/errors.ts';
import { parseJsonReport, type JsonReport, type JsonRun } from './json.ts';

const RUNS_OPEN = /^ {2}"runs": \[$/;
const RUNS_CLOSE = /^ {2}\],?$/;
/** Reports larger than this (bytes) are never read as one string. */
const WHOLE_MAX = 200_000_000;

/**
 * Reads a saved JSON report for a page: the header whole, and of its runs only the first `runsLimit`
 * and those that found a counterexample (`runCount` then says how many there were). A report as ldfi
 * writes it (one run per line) is read a line at a time, so that a million-run report is never one
 * string; any other layout is parsed whole. Throws `UserError` naming the file (and line) for a file
 * that cannot be read or is not a report.
 */
export function readReportForPage(file: string, runsLimit: number): JsonReport {
  if (!existsSync(file)) throw new UserError('FILE', `cannot read report ${file}: no such file`);
  const head: string[] = [];
  const runs: JsonRun[] = [];
  let count = 0;
  let inRuns = false;
  let lineNo = 0;
  const take = (line: string) => {
    lineNo++;
    if (inRuns && RUNS_CLOSE.test(line)) {
      inRuns = false;
      head.push(`  "runs": []${line.endsWith(',') ? ',' : ''}`);
    } else if (inRuns) {
      count++;
      // Later runs are kept only if they may have found a counterexample (checked once the header is read).
      // Parsed at once: a line kept as text would keep the whole chunk it was cut from.
      if (count <= runsLimit || line.includes('"violated":true')) runs.push(parseRun(line.trim().replace(/,$/, ''), `${file}:${lineNo}:1`));
    } else if (RUNS_OPEN.test(line)) {
      inRuns = true;
    } else {
      head.push(line);
    }
  };
  try {
    for (const line of fileLines(file)) take(line);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError('FILE', `cannot read report ${file}: ${(e as Error).message}`);
  }
  if (inRuns) throw new UserError('BAD_REPORT', `${file}:${lineNo}: the list of runs is not closed (a report cut short?)`);
  let report: JsonReport;
  try {
    report = parseJsonReport(head.join('\n'), file);
  } catch (e) {
    // Positions in the header alone are not the file's: parse the file as it is to name the place
    // (when it can be one string).
    if (count === 0 || statSync(file).size > WHOLE_MAX) throw e;
    return parseJsonReport(readFileSync(file, 'utf8'), file);
  }
  // Runs read line by line, or (another layout) parsed with the rest.
  const parsed = count > 0 ? runs : report.runs;
  const total = count > 0 ? count : report.runs.length;
  const found = new Set(report.counterexamples.map((c) => c.foundAtRun));
  const kept = parsed.filter((run) => run.index <= runsLimit || found.has(run.index));
  return { ...report, runs: kept, ...(total > runsLimit ? { runCount: total } : {}) };
}

function parseRun(text: string, where: string): JsonRun {
  try {
    return JSON.parse(text) as JsonRun;
  } catch {
    throw new UserError('BAD_REPORT', `${where}: this run is not JSON`);
  }
}
