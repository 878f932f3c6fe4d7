import { table } from '../report/table.ts';
import type { SearchStatus } from '../search/result.ts';
import type { CorpusVerdict } from './corpus.ts';

/** One case of a campaign as the summary shows it. */
export interface CaseRow {
  readonly name: string;
  /** `EOT/EFF/crashes`. */
  readonly bounds: string;
  readonly status: SearchStatus | 'bad input';
  readonly verdict: string;
  readonly runs: number;
  /** Wall time; left out with --no-timings. */
  readonly seconds?: number;
  readonly counterexamples: number;
  /** The first counterexamples, so that a CI log shows what failed and how to replay it. */
  readonly found?: readonly { readonly faults: string; readonly violation: string; readonly replay: string }[];
}

export interface CorpusRow {
  readonly file: string;
  readonly case: string;
  readonly faults: string;
  readonly verdict: CorpusVerdict;
  readonly detail?: string;
}

export type CampaignVerdict = 'counterexample' | 'bad input' | 'not proven' | 'resilient';

/** summary.json: what a campaign run (or one shard of it) proved. */
export interface CampaignSummary {
  readonly format: 'ldfi-campaign-summary';
  readonly version: 1;
  readonly verdict: CampaignVerdict;
  /** The config file, relative to its folder's parent project (as given). */
  readonly config: string;
  /** This run's part of the cases (`--shard i/n`); absent when it ran them all. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** The cases this run was to make, in order (some may not have run: --bail, Ctrl-C). */
  readonly planned: readonly string[];
  readonly corpus: readonly CorpusRow[];
  readonly cases: readonly CaseRow[];
}

/** The verdict of cases and corpus entries, its words, and the exit code it means. */
export function verdictOfCampaign(
  planned: readonly string[],
  cases: readonly CaseRow[],
  corpus: readonly CorpusRow[],
  shard?: CampaignSummary['shard'],
): { verdict: CampaignVerdict; words: string[]; exit: 'ok' | 'counterexample' | 'usage' | 'internal' } {
  const failing = corpus.filter((c) => c.verdict === 'still failing').length;
  const unchecked = corpus.filter((c) => c.verdict === 'unchecked').length;
  const found = cases.filter((r) => r.counterexamples > 0).length;
  const bad = cases.filter((r) => r.status === 'bad input').length;
  const internal = cases.some((r) => r.status === 'internal-error');
  const unproven = cases.filter((r) => r.status !== 'resilient' && r.status !== 'bad input' && r.counterexamples === 0).length;
  const skipped = planned.filter((n) => !cases.some((r) => r.name === n)).length;
  // Nothing to run is not a proof of anything: a shard of more shards than cases, or --only matching none.
  const empty = planned.length === 0;
  const s = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const words = [
    found ? `✗ ${s(found, 'case')} found a counterexample` : undefined,
    failing ? `✗ ${s(failing, 'corpus entry', 'corpus entries')} still failing` : undefined,
    bad ? `✗ ${s(bad, 'case')} could not run: bad input` : undefined,
    empty ? `✗ ${shard ? `shard ${shard.index}/${shard.count}` : 'this campaign'} has no case to run: nothing was checked (use fewer shards than cases, or check --only)` : undefined,
    unproven ? `• ${s(unproven, 'case')} proved nothing (budget, interruption, a run that could not be checked, or target)` : undefined,
    unchecked ? `• ${s(unchecked, 'corpus entry', 'corpus entries')} could not be checked on replay` : undefined,
    skipped ? `• ${s(skipped, 'case')} not run (--bail or Ctrl-C)` : undefined,
  ].filter((w): w is string => w !== undefined);
  if (words.length === 0) words.push(`✓ every case resilient within its bounds (${cases.length})`);
  const verdict: CampaignVerdict = found || failing ? 'counterexample' : bad || empty ? 'bad input' : unproven || skipped || unchecked ? 'not proven' : 'resilient';
  // A counterexample first (the build is red for it), then a campaign that could not even run.
  const exit = internal ? 'internal' : found || failing ? 'counterexample' : bad || empty ? 'usage' : 'ok';
  return { verdict, words, exit };
}

/** The summary as the terminal shows it: the corpus, a table of the cases, the verdict in words. */
export function formatSummary(s: CampaignSummary): string {
  const lines: string[] = [];
  if (s.corpus.length) {
    lines.push(`Corpus (${s.corpus.length} entr${s.corpus.length === 1 ? 'y' : 'ies'}):`);
    for (const c of s.corpus) lines.push(`  ${c.verdict === 'still failing' ? '✗' : c.verdict === 'fixed' ? '✓' : c.verdict === 'unchecked' ? '?' : '•'} ${c.verdict.padEnd(13)} ${c.case}: ${c.faults}${c.detail ? ` (${c.detail})` : ''}`);
    lines.push('');
  }
  const rows = s.cases.map((r) => [r.name, r.bounds, r.verdict, String(r.runs), r.seconds === undefined ? '-' : `${r.seconds.toFixed(1)} s`]);
  lines.push(table(['campaign', 'bounds', 'verdict', 'runs', 'time'], rows));
  const found = s.cases.filter((r) => r.found?.length);
  if (found.length) lines.push('');
  for (const r of found) {
    for (const f of r.found!) lines.push(`${r.name}: ${f.faults}`, `  violated: ${f.violation}`, `  replay:   ${f.replay}`);
  }
  lines.push('', ...verdictOfCampaign(s.planned, s.cases, s.corpus, s.shard).words);
  return lines.join('\n');
}

/**
 * One summary from the summaries of the shards of one campaign run (`--shard i/n`, each on its own
 * machine): every shard exactly once, all of the same config; cases and corpus entries in the order
 * the unsharded run has them. Throws `Error` naming what is missing or mixed.
 */
export function mergeSummaries(parts: readonly { file: string; summary: CampaignSummary }[]): CampaignSummary {
  if (parts.length === 0) throw new Error('no summaries to merge');
  for (const p of parts) if (p.summary?.format !== 'ldfi-campaign-summary' || p.summary.version !== 1) throw new Error(`${p.file}: not a campaign summary (format ldfi-campaign-summary, version 1)`);
  const count = parts[0].summary.shard?.count ?? 1;
  const configs = new Set(parts.map((p) => p.summary.config));
  if (configs.size > 1) throw new Error(`the summaries come from different configs: ${[...configs].join(', ')}`);
  const byIndex = new Map<number, string>();
  for (const p of parts) {
    const shard = p.summary.shard ?? { index: 1, count: 1 };
    if (shard.count !== count) throw new Error(`${p.file}: shard ${shard.index}/${shard.count}, but ${parts[0].file} is one of ${count}`);
    if (byIndex.has(shard.index)) throw new Error(`shard ${shard.index}/${count} is given twice: ${byIndex.get(shard.index)} and ${p.file}`);
    byIndex.set(shard.index, p.file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) throw new Error(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);
  // Each case in one shard only: summaries of different campaign runs (another --only) overlap.
  const owner = new Map<string, string>();
  for (const p of parts) {
    for (const name of p.summary.planned) {
      const other = owner.get(name);
      if (other !== undefined) throw new Error(`case ${name} is in two shards: ${other} and ${p.file} (summaries of different campaign runs?)`);
      owner.set(name, p.file);
    }
  }
  // Shard i has the cases i, i+n, i+2n, … of the whole list: interleave them back.
  const ordered = [...parts].sort((a, b) => (a.summary.shard?.index ?? 1) - (b.summary.shard?.index ?? 1));
  const interleave = <T>(lists: readonly (readonly T[])[]): T[] => {
    const out: T[] = [];
    for (let k = 0; lists.some((l) => k < l.length); k++) for (const l of lists) if (k < l.length) out.push(l[k]);
    return out;
  };
  const planned = interleave(ordered.map((p) => p.summary.planned));
  const cases = interleave(ordered.map((p) => p.summary.cases));
  const corpus = interleave(ordered.map((p) => p.summary.corpus));
  return { format: 'ldfi-campaign-summary', version: 1, verdict: verdictOfCampaign(planned, cases, corpus).verdict, config: parts[0].summary.config, planned, corpus, cases };
}

/** The cases (or corpus entries) of shard `index` of `count`: every count-th from the index-th. */
export function shardOf<T>(items: readonly T[], shard: { index: number; count: number } | undefined): T[] {
  return shard ? items.filter((_, k) => k % shard.count === shard.index - 1) : [...items];
}
