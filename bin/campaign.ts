/**
 * `ldfi campaign`: every campaign of a config, in CI. The regression corpus is replayed first (each
 * entry still failing, fixed, or stale), then each case is searched with its budget; every case gets
 * its JSON, JUnit and HTML reports, new counterexamples join the corpus, and one summary (a table on
 * the terminal, summary.json beside the reports) says what the campaigns proved. Exit 1 if a case
 * found a counterexample or a corpus entry still fails, else 2 if a case could not run (bad input: the
 * other cases still run), else 0.
 */
import { violationText } from '../src/report/text.ts';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { loadConfig, type CampaignCase } from '../src/campaign/config.ts';
import { readCorpus, saveToCorpus, type CorpusEntry, type CorpusVerdict } from '../src/campaign/corpus.ts';
import { formatSummary, mergeSummaries, shardOf, verdictOfCampaign, type CampaignSummary, type CaseRow, type CorpusRow } from '../src/campaign/summary.ts';
import { formatFaults } from '../src/injector/text.ts';
import { isUserError, OptionError, UserError } from '../src/model/errors.ts';
import { verdictOf } from '../src/report/verdict.ts';
import { writeFileAtomic } from '../src/report/write.ts';
import type { SearchResult } from '../src/search/index.ts';
import { runCount } from '../src/search/result.ts';
import { replay, search } from '../src/index.ts';
import { target, writeReports } from './actions.ts';
import { catchCtrlC, COMMAND, EXIT, setExit, signalExit } from './cli-common.ts';

export interface CampaignFlags {
  config?: string;
  only?: string[];
  bail?: boolean;
  timings: boolean;
  /** This machine's part of the cases: `{ index: 2, count: 3 }` for `--shard 2/3`. */
  shard?: { index: number; count: number };
}


export async function campaignAction(flags: CampaignFlags): Promise<void> {
  const config = await loadConfig(flags.config);
  const base = dirname(config.file);
  const unknown = (flags.only ?? []).filter((n) => !config.campaigns.includes(n));
  if (unknown.length) throw new UserError('BAD_OPTION', `--only: no campaign ${unknown.join(', ')} in ${config.file} (campaigns: ${config.campaigns.join(', ')})`);
  const chosen = (c: string) => !flags.only?.length || flags.only.includes(c);
  const cases = shardOf(config.cases.filter((c) => chosen(c.campaign)), flags.shard);
  mkdirSync(config.reports, { recursive: true });

  const { controller, release } = catchCtrlC();
  try {
    // 1. The corpus first: what failed before must be seen to fail or pass again.
    const corpus: CorpusRow[] = [];
    const entries = readCorpus(config.corpus).filter(({ entry }) => {
      const campaign = config.cases.find((c) => c.name === entry.case)?.campaign;
      return campaign === undefined || chosen(campaign);
    });
    for (const { path, entry } of shardOf(entries, flags.shard)) {
      const replayed = await replayEntry(entry, base, config.cases.find((c) => c.name === entry.case)?.nodes);
      corpus.push({ file: relative(base, path), case: entry.case, faults: entry.faults, verdict: replayed.verdict, ...(replayed.detail ? { detail: replayed.detail } : {}) });
    }

    // 2. The cases.
    const rows: CaseRow[] = [];
    const added: string[] = [];
    for (const c of cases) {
      if (controller.signal.aborted) break;
      const row = await runCase(c, config.reports, config.corpus, base, flags, controller.signal);
      rows.push(flags.timings ? row.row : { ...row.row, seconds: undefined });
      for (const path of row.saved) added.push(path);
      if (flags.bail && row.row.counterexamples > 0) break;
    }

    // 3. The summary.
    const planned = cases.map((c) => c.name);
    const summary: CampaignSummary = {
      format: 'ldfi-campaign-summary',
      version: 1,
      verdict: verdictOfCampaign(planned, rows, corpus, flags.shard).verdict,
      config: relative(base, config.file),
      ...(flags.shard ? { shard: flags.shard } : {}),
      planned,
      corpus,
      cases: rows,
    };
    for (const path of added) process.stdout.write(`+ corpus: ${relative(process.cwd(), path)}\n`);
    process.stdout.write(`${added.length ? '\n' : ''}${formatSummary(summary)}\n`);
    writeFileAtomic(join(config.reports, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    // A campaign cut short by a signal exits with that signal's code, whatever it found before.
    setExit(signalExit() ?? EXIT[verdictOfCampaign(planned, rows, corpus, flags.shard).exit]);
  } finally {
    release();
  }
}

/** How a config names a search option (the library's field, but for the two it names its own way). */
function configField(option: string, value?: string): string {
  const field = ({ restriction: 'onlyFaults', timeMs: 'timeSeconds', randomKinds: 'faultKinds' } as Record<string, string>)[option] ?? option;
  return value === undefined ? field : `${field}: '${value}'`;
}

async function runCase(c: CampaignCase, reports: string, corpusDir: string, base: string, flags: CampaignFlags, signal: AbortSignal): Promise<{ row: CaseRow; saved: string[] }> {
  const started = performance.now();
  const boundsOf = (b: { eot: number; eff: number; crashes: number }) => `${b.eot}/${b.eff}/${b.crashes}`;
  let result: SearchResult;
  try {
    const kinds = c.faultKinds ? [...c.faultKinds] : undefined;
    const t = await target([...c.files], { eot: c.eot, eff: c.eff, crashes: c.crashes, nodes: c.nodes ? [...c.nodes] : undefined, faultKinds: c.strategy === 'random' ? undefined : kinds, maxDelay: c.maxDelay }, c.seed, { quiet: true });
    // As on the command line: the kinds are what LDFI searches, or what the random strategy draws.
    const drawn = c.strategy === 'random' && kinds ? { randomKinds: kinds } : {};
    result = await search(t, { strategy: c.strategy, seed: c.seed, maxRuns: c.maxRuns, timeMs: c.timeMs, findAll: c.findAll, restriction: c.restriction, outcome: c.outcome, signal, command: COMMAND, spillDir: reports, ...drawn });
  } catch (e) {
    if (!isUserError(e)) throw e;
    // One campaign's bad program fails that campaign, not the others.
    process.stderr.write(`ldfi: campaign ${c.name}: ${e instanceof OptionError ? e.say(configField) : e.message}\n`);
    const bounds = [c.eot, c.eff, c.crashes].map((x) => (x === undefined ? '-' : String(x))).join('/');
    return { row: { name: c.name, bounds, status: 'bad input', verdict: '✗ bad input (above)', runs: 0, seconds: 0, counterexamples: 0 }, saved: [] };
  }
  try {
    writeReports(result, { json: join(reports, `${c.name}.json`), junit: join(reports, `${c.name}.xml`), html: join(reports, `${c.name}.html`), timings: flags.timings });
  } finally {
    // The next cases need no file of this one's runs.
    result.spilledRuns?.dispose();
  }
  const saved = result.counterexamples.flatMap((cex) => {
    const path = saveToCorpus(corpusDir, {
      case: c.name,
      files: c.files.map((f) => relative(base, f)),
      contentHash: result.target.contentHash,
      bounds: result.bounds,
      seed: c.seed,
      faults: cex.faults,
      violations: cex.violations.map((v) => v.message),
    });
    return path ? [path] : [];
  });
  const v = verdictOf(result);
  return {
    row: {
      name: c.name,
      bounds: boundsOf(result.bounds),
      status: result.status,
      verdict: `${v.mark} ${result.status}`,
      runs: runCount(result),
      seconds: Math.round((performance.now() - started) / 100) / 10,
      counterexamples: result.counterexamples.length,
      ...(result.counterexamples.length
        ? { found: result.counterexamples.slice(0, 3).map((c) => ({ faults: formatFaults(c.faults), violation: c.violations[0] ? violationText(c.violations[0], c.faults) : (c.error ?? ''), replay: c.replay })) }
        : {}),
    },
    saved,
  };
}

/**
 * Replays a corpus entry: still failing, fixed, or stale (its files are gone, or its schedule no longer
 * applies: a node it names is no longer one). The nodes are the target's own (or its campaign's
 * `nodes`), not the entry's, so that a renamed node makes the entry stale.
 */
async function replayEntry(entry: CorpusEntry, base: string, nodes: readonly string[] | undefined): Promise<{ verdict: CorpusVerdict; detail: string }> {
  const files = entry.files.map((f) => resolve(base, f));
  const missing = files.find((f) => !existsSync(f));
  if (missing) return { verdict: 'stale', detail: `${relative(base, missing)} is gone` };
  try {
    const b = entry.bounds;
    const t = await target(files, { eot: b.eot, eff: b.eff, crashes: b.crashes, nodes: nodes ? [...nodes] : undefined, ...(b.kinds ? { faultKinds: [...b.kinds] } : {}), ...(b.maxDelay ? { maxDelay: b.maxDelay } : {}) }, entry.seed, { quiet: true });
    const r = await replay(t, entry.faults);
    const changed = t.contentHash !== entry.contentHash ? 'replayed on the target as it is now, changed since the entry was saved' : '';
    if (r.verdict === 'violated') return { verdict: 'still failing', detail: [r.violations[0]?.message ?? r.error, changed].filter(Boolean).join('; ') };
    if (r.verdict === 'unknown') return { verdict: 'unchecked', detail: [r.unknown[0], changed].filter(Boolean).join('; ') };
    return { verdict: 'fixed', detail: changed };
  } catch (e) {
    if (isUserError(e)) return { verdict: 'stale', detail: e.message };
    throw e;
  }
}

/**
 * `ldfi merge-reports`: the summaries of a campaign's shards (one per CI machine) as one summary and
 * one verdict, printed, and written to `--out` if given; exit as `ldfi campaign` would have.
 */
export async function mergeReportsAction(files: string[], flags: { out?: string }): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const parts = files.map((file) => {
    try {
      return { file, summary: JSON.parse(readFileSync(file, 'utf8')) as CampaignSummary };
    } catch (e) {
      throw new UserError('FILE', `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not a JSON summary'}`);
    }
  });
  let merged: CampaignSummary;
  try {
    merged = mergeSummaries(parts);
  } catch (e) {
    throw new UserError('BAD_OPTION', (e as Error).message);
  }
  process.stdout.write(`${formatSummary(merged)}\n`);
  if (flags.out) writeFileAtomic(flags.out, JSON.stringify(merged, null, 2) + '\n');
  setExit(EXIT[verdictOfCampaign(merged.planned, merged.cases, merged.corpus).exit]);
}
