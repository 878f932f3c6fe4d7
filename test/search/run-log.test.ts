import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTarget } from '../../src/index.ts';
import { renderHtmlReport } from '../../src/report/html/page.ts';
import { formatJsonReport, toJsonReport } from '../../src/report/json.ts';
import { readReportForPage } from '../../src/report/read-report.ts';
import { search } from '../../src/search/index.ts';
import { eachRun, runCount, type RunRecord } from '../../src/search/result.ts';
import { RunLog } from '../../src/search/run-log.ts';
import { schemaErrors } from '../helpers/report-schema.ts';

const dirs: string[] = [];
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'ldfi-check-runlog-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  delete process.env.LDFI_RUNS_IN_MEMORY;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const run = (index: number): RunRecord => ({ index, faults: [{ kind: 'crash', node: `n${index % 7}`, time: index }], violations: [], unknown: [], attacked: [], defeatedBy: [], learned: 0, durationMs: 0.5, ...(index % 3 ? {} : { error: `é ${'x'.repeat(index % 50)}` }) });

describe('the run log (runs beyond the first ones on disk)', () => {
  it('gives back every run in order, amends recent ones, and removes its file', () => {
    process.env.LDFI_RUNS_IN_MEMORY = '10';
    const dir = scratch();
    const log = new RunLog(dir);
    const all = Array.from({ length: 5000 }, (_, i) => run(i + 1));
    for (const r of all) log.push(r);
    log.update(4999, (r) => ({ ...r, learned: 7 }));
    all[4998] = { ...all[4998], learned: 7 };
    expect(log.length).toBe(5000);
    expect(log.kept).toHaveLength(10);
    const spilled = log.spilledRuns()!;
    expect(spilled.count).toBe(4990);
    expect([...log.kept, ...spilled]).toEqual(all);
    // Read twice, and after more runs were made: a snapshot of the runs as they were.
    log.push(run(5001));
    expect([...spilled]).toHaveLength(4990);
    expect(readdirSync(dir)).toHaveLength(1);
    log.dispose();
    expect(readdirSync(dir)).toEqual([]);
    expect(() => [...spilled]).toThrow(/removed/);
  });

  it('a search with its runs on disk gives the same JSON report and page as one with every run in memory', async () => {
    const target = await openTarget(['examples/sim/retry-broadcast.ts'], { seed: '3' });
    const options = { strategy: 'random' as const, seed: '3', maxRuns: 1500, spillDir: scratch() };
    const inMemory = await search(target, options);
    process.env.LDFI_RUNS_IN_MEMORY = '100';
    const onDisk = await search(target, options);
    expect(onDisk.runs).toHaveLength(100);
    expect(runCount(onDisk)).toBe(1500);
    expect([...eachRun(onDisk)].map((r) => r.faults)).toEqual(inMemory.runs.map((r) => r.faults));
    const json = formatJsonReport(onDisk, { timings: false });
    expect(json).toBe(formatJsonReport(inMemory, { timings: false }));
    expect(schemaErrors(JSON.parse(json))).toEqual([]);
    // A page of at most 400 runs: drawn from the search, or from the saved report read a line at a time.
    const file = join(scratch(), 'run.json');
    writeFileSync(file, json);
    const fromSearch = renderHtmlReport(toJsonReport(onDisk, { timings: false }, { runs: true, runsLimit: 400 }));
    const fromFile = renderHtmlReport(readReportForPage(file, 400));
    expect(fromFile).toBe(fromSearch);
    expect(fromSearch).toContain('<dt>runs</dt><dd>1500</dd>');
    expect(fromSearch).toContain('1,100 runs');
  });

  it('reads a report that is not in ldfi\'s own layout whole, and names the line of a broken run', () => {
    const dir = scratch();
    const good = join(dir, 'compact.json');
    writeFileSync(good, JSON.stringify({ format: 'ldfi-report', version: 1, status: 'resilient', verdict: {}, bounds: {}, target: {}, runs: [{ index: 1 }, { index: 2 }], counterexamples: [], replayCommand: 'x' }));
    expect(readReportForPage(good, 1).runs.map((r) => r.index)).toEqual([1]);
    expect(readReportForPage(good, 1).runCount).toBe(2);
    const broken = join(dir, 'broken.json');
    const header = ['{', '  "format": "ldfi-report",', '  "version": 1,', '  "status": "resilient",', '  "verdict": {},', '  "bounds": {},', '  "target": {},', '  "replayCommand": "x",'];
    writeFileSync(broken, [...header, '  "runs": [', '    {"index":1},', '    {"index":2,,},', '  ],', '  "counterexamples": []', '}'].join('\n'));
    expect(() => readReportForPage(broken, 10)).toThrow(/broken\.json:11:1: this run is not JSON/);
    // A broken header: the file is not a report.
    writeFileSync(broken, [...header, '  "runs": [', '    {"index":1}', '  ],', '  "counterexamples": [}', '}'].join('\n'));
    expect(() => readReportForPage(broken, 10)).toThrow(/broken\.json.*not a JSON report/);
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, ['{', '  "format": "ldfi-report",', '  "version": 1,', '  "runs": [', '    {"index":1},'].join('\n'));
    expect(() => readReportForPage(cut, 10)).toThrow(/cut\.json/);
    // Cut after its runs, at a line's end: named as a report that ends early.
    writeFileSync(cut, [...header, '  "runs": [', '    {"index":1}', '  ],'].join('\n'));
    expect(() => readReportForPage(cut, 10)).toThrow(/cut\.json: the report ends early \(cut short\?/);
    expect(existsSync(join(dir, 'nothing.json'))).toBe(false);
    expect(() => readReportForPage(join(dir, 'nothing.json'), 10)).toThrow(/no such file/);
  });
});
