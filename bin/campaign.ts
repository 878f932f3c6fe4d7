/**
 * `ldfi campaign`: every campaign of a config, in CI. The regression corpus is replayed first (each
 * entry still failing, fixed, or stale), then each case is searched with its budget; every case gets
 * its JSON, JUnit and HTML reports, new counterexamples join the corpus, and one summary (a table on
 * the terminal, summary.json beside the reports) says what the campaigns proved. Exit 1 if a case
 * found a counterexample or a corpus entry still fails, else 2 if a case could not run (bad input: the
 * other cases still run), else 0.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { loadConfig, type CampaignCase } from '../src/campaign/config.ts';
import { readCorpus, saveToCorpus, type CorpusEntry, type CorpusVerdict } from '../src/campaign/corpus.ts';
import { validateSchedule } from '../src/injector/faults.ts';
import { parseFaults } from '../src/injector/text.ts';
import { isUserError, UserError } from '../src/model/errors.ts';
import { table } from '../src/report/table.ts';
import { verdictOf } from '../src/report/verdict.ts';
import { writeFileAtomic } from '../src/report/write.ts';
import { search, type SearchResult } from '../src/search/index.ts';
import { TcpTarget } from '../src/targets/tcp/target.ts';
import { target, writeReports } from './actions.ts';
import { COMMAND, EXIT, setExit } from './cli-common.ts';

export interface CampaignFlags {
  config?: string;
  only?: string[];
  bail?: boolean;
  timings: boolean;
}

interface CaseRow {
  readonly name: string;
  readonly bounds: string;
  readonly status: SearchResult['status'] | 'bad input';
  readonly verdict: string;
  readonly runs: number;
  readonly seconds: number;
  readonly counterexamples: number;
}

export async function campaignAction(flags: CampaignFlags): Promise<void> {
  const config = await loadConfig(flags.config);
  const base = dirname(config.file);
  const unknown = (flags.only ?? []).filter((n) => !config.campaigns.includes(n));
  if (unknown.length) throw new UserError('BAD_OPTION', `--only: no campaign ${unknown.join(', ')} in ${config.file} (campaigns: ${config.campaigns.join(', ')})`);
  const chosen = (c: string) => !flags.only?.length || flags.only.includes(c);
  const cases = config.cases.filter((c) => chosen(c.campaign));
  mkdirSync(config.reports, { recursive: true });

  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nldfi: interrupted; finishing the current run and writing what was found (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    // 1. The corpus first: what failed before must be seen to fail or pass again.
    const corpus: { entry: CorpusEntry; path: string; verdict: CorpusVerdict; detail: string }[] = [];
    for (const { path, entry } of readCorpus(config.corpus)) {
      const campaign = config.cases.find((c) => c.name === entry.case)?.campaign;
      if (campaign !== undefined && !chosen(campaign)) continue;
      corpus.push({ path, entry, ...(await replayEntry(entry, base, config.cases.find((c) => c.name === entry.case)?.nodes)) });
    }
    if (corpus.length) {
      process.stdout.write(`Corpus (${relative(process.cwd(), config.corpus) || '.'}, ${corpus.length} entr${corpus.length === 1 ? 'y' : 'ies'}):\n`);
      for (const c of corpus) process.stdout.write(`  ${c.verdict === 'still failing' ? '✗' : c.verdict === 'fixed' ? '✓' : '•'} ${c.verdict.padEnd(13)} ${c.entry.case}: ${c.entry.faults}${c.detail ? ` (${c.detail})` : ''}\n`);
      process.stdout.write('\n');
    }

    // 2. The cases.
    const rows: CaseRow[] = [];
    let internal = false;
    for (const c of cases) {
      if (controller.signal.aborted) break;
      const row = await runCase(c, config.reports, config.corpus, base, flags, controller.signal);
      rows.push(row.row);
      internal ||= row.row.status === 'internal-error';
      for (const added of row.saved) process.stdout.write(`  + corpus: ${relative(process.cwd(), added)}\n`);
      if (flags.bail && row.row.counterexamples > 0) break;
    }

    // 3. The summary.
    const header = ['campaign', 'bounds', 'verdict', 'runs', 'time'];
    const lines = rows.map((r) => [r.name, r.bounds, r.verdict, String(r.runs), `${r.seconds.toFixed(1)} s`]);
    process.stdout.write(`${table(header, lines)}\n`);
    const failing = corpus.filter((c) => c.verdict === 'still failing').length;
    const found = rows.filter((r) => r.counterexamples > 0).length;
    const bad = rows.filter((r) => r.status === 'bad input').length;
    const unproven = rows.filter((r) => r.status !== 'resilient' && r.status !== 'bad input' && r.counterexamples === 0).length;
    const skipped = cases.length - rows.length;
    const verdict = found || failing ? 'counterexample' : bad ? 'bad input' : unproven || skipped ? 'not proven' : 'resilient';
    const words = [
      found ? `✗ ${found} case${found === 1 ? '' : 's'} found a counterexample` : undefined,
      failing ? `✗ ${failing} corpus entr${failing === 1 ? 'y' : 'ies'} still failing` : undefined,
      bad ? `✗ ${bad} case${bad === 1 ? '' : 's'} could not run: bad input` : undefined,
      unproven ? `• ${unproven} case${unproven === 1 ? '' : 's'} proved nothing (budget, interruption or target)` : undefined,
      skipped ? `• ${skipped} case${skipped === 1 ? '' : 's'} not run (--bail or Ctrl-C)` : undefined,
    ].filter(Boolean);
    process.stdout.write(`\n${words.length ? words.join('\n') : `✓ every case resilient within its bounds (${rows.length})`}\n`);
    writeFileAtomic(
      join(config.reports, 'summary.json'),
      JSON.stringify(
        {
          format: 'ldfi-campaign-summary',
          version: 1,
          verdict,
          config: relative(base, config.file),
          corpus: corpus.map((c) => ({ file: relative(base, c.path), case: c.entry.case, faults: c.entry.faults, verdict: c.verdict })),
          cases: rows.map((r) => (flags.timings ? r : { ...r, seconds: undefined })),
        },
        null,
        2,
      ) + '\n',
    );
    // A counterexample first (the build is red for it), then a campaign that could not even run.
    setExit(internal ? EXIT.internal : found || failing ? EXIT.counterexample : bad ? EXIT.usage : EXIT.ok);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function runCase(c: CampaignCase, reports: string, corpusDir: string, base: string, flags: CampaignFlags, signal: AbortSignal): Promise<{ row: CaseRow; saved: string[] }> {
  const started = performance.now();
  const boundsOf = (b: { eot: number; eff: number; crashes: number }) => `${b.eot}/${b.eff}/${b.crashes}`;
  let result: SearchResult;
  try {
    const t = await target([...c.files], { eot: c.eot, eff: c.eff, crashes: c.crashes, nodes: c.nodes ? [...c.nodes] : undefined }, c.seed);
    if (t instanceof TcpTarget) t.signal = signal;
    result = await search(t, { strategy: c.strategy, seed: c.seed, maxRuns: c.maxRuns, timeMs: c.timeMs, findAll: c.findAll, signal, command: COMMAND });
  } catch (e) {
    if (!isUserError(e)) throw e;
    // One campaign's bad program fails that campaign, not the others.
    process.stderr.write(`ldfi: campaign ${c.name}: ${e.message}\n`);
    const bounds = [c.eot, c.eff, c.crashes].map((x) => (x === undefined ? '-' : String(x))).join('/');
    return { row: { name: c.name, bounds, status: 'bad input', verdict: '✗ bad input (above)', runs: 0, seconds: 0, counterexamples: 0 }, saved: [] };
  }
  writeReports(result, { json: join(reports, `${c.name}.json`), junit: join(reports, `${c.name}.xml`), html: join(reports, `${c.name}.html`), timings: flags.timings });
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
      runs: result.runs.length,
      seconds: (performance.now() - started) / 1000,
      counterexamples: result.counterexamples.length,
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
    const t = await target(files, { eot: entry.bounds.eot, eff: entry.bounds.eff, crashes: entry.bounds.crashes, nodes: nodes ? [...nodes] : undefined }, entry.seed);
    const faults = validateSchedule(parseFaults(entry.faults), t.bounds, t.supportedFaults);
    const r = await t.run(faults, { lineage: false });
    const changed = t.contentHash !== entry.contentHash ? 'the target changed since' : '';
    if (r.violations.length || r.error) return { verdict: 'still failing', detail: [r.violations[0]?.message ?? r.error, changed].filter(Boolean).join('; ') };
    return { verdict: 'fixed', detail: changed };
  } catch (e) {
    if (isUserError(e)) return { verdict: 'stale', detail: e.message };
    throw e;
  }
}
