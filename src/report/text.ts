import { formatFaults } from '../injector/text.ts';
import { DEFAULT_COMMAND } from '../search/options.ts';
import type { Counterexample, SearchResult } from '../search/result.ts';
import { spaceTimeListing } from './spacetime.ts';
import { verdictOf } from './verdict.ts';

/** The human report, read top-down: verdict; then for each counterexample what broke, how to replay it, the faults, the run. */
export function formatSearchResult(r: SearchResult, opts: { command: string; explaining?: boolean } = { command: DEFAULT_COMMAND }): string {
  const lines: string[] = [];
  const b = r.bounds;
  const where = `${r.target.files.join(' ')} — EOT ${b.eot}, EFF ${b.eff}, crashes ${b.crashes}, nodes ${b.nodes.join(',')}`;
  const v = verdictOf(r);
  lines.push(`${v.mark} ${v.headline}`);
  if (r.status === 'internal-error') lines.push(`  internal error: ${r.error}`);
  lines.push(`  ${where}`);
  const good = r.outcomes.filter((o) => !o.startsWith('not:')).length;
  const watched = r.outcomes.length - good;
  lines.push(
    `  fault space: ${formatBig(r.faultSpace)} schedule${r.faultSpace === 1n ? '' : 's'}${r.restriction ? ` (targeted: '${r.restriction}')` : ''}; ${good} good outcome${good === 1 ? '' : 's'} attacked` +
      (watched ? `, ${watched} potential violation${watched === 1 ? '' : 's'} watched` : ''),
  );
  if (r.symmetrySaved !== undefined) lines.push(`  symmetry: ${r.symmetrySaved} hypothes${r.symmetrySaved === 1 ? 'is' : 'es'} not run (a run with interchangeable nodes renamed was made)`);
  const unchecked = r.runs.filter((run) => run.unknown.length > 0);
  if (unchecked.length) {
    lines.push(`  ? ${unchecked.length} run${unchecked.length === 1 ? '' : 's'} could not be fully checked, e.g. run ${unchecked[0].index}: ${unchecked[0].unknown[0]}`);
  }
  r.counterexamples.forEach((c, i) => lines.push('', ...formatCounterexample(c, i + 1, r.counterexamples.length)));
  lines.push('');
  if (r.status === 'counterexample') {
    if (r.counterexamples.some((c) => c.faults.length === 0)) {
      lines.push(`Note: the run without faults already violates the invariant: the protocol is wrong even without faults, or it needs more time (raise --eot), or the invariant is wrong.`);
    }
    if (r.strategy === 'ldfi' && !r.findAll) lines.push('Hint: --find-all keeps searching after the first counterexample.');
    if (r.target.kind === 'dedalus') {
      lines.push(`Hint: ${opts.command} why FILES… --tuple 'post(…)@${b.eot}' --faults '…' shows how a tuple was, or was not, derived.`);
    } else lines.push(`Hint: add --trace FILE to the replay line to keep the run's trace and audit log.`);
  } else if (r.status === 'no-counterexample-found' && r.target.kind !== 'dedalus') {
    lines.push('Hint: --strategy random draws faults without lineage, so it can find what this search could not look for.');
  }
  if ((r.status === 'resilient' || r.status === 'no-counterexample-found') && r.strategy === 'ldfi' && !opts.explaining) {
    lines.push(`Hint: ${opts.command} explain FILES… (same options) shows which supports defeated which hypotheses.`);
  } else if (r.status === 'budget-exhausted') {
    lines.push('Hint: raise --max-runs, or use the default ldfi strategy, which can prove resilience.');
  }
  return lines.join('\n');
}

export function formatCounterexample(c: Counterexample, n: number, of: number): string[] {
  const lines: string[] = [];
  const same = c.sameCause ? `; ${c.sameCause} more of the same cause (the same faults at other times or seeds)` : '';
  lines.push(`Counterexample${of > 1 ? ` ${n}/${of}` : ''} (found at run ${c.foundAtRun}${c.foundAs.length !== c.faults.length ? `, shrunk from ${c.foundAs.length} faults to ${c.faults.length}` : ''}${same}):`);
  lines.push(`  faults:   ${formatFaults(c.faults)}`);
  for (const v of c.violations) lines.push(`  violated: ${v.message}`);
  if (c.error) lines.push(`  error:    ${c.error}`);
  for (const note of c.notes ?? []) lines.push(`  note:     ${note}`);
  lines.push(`  replay:   ${c.replay}`);
  lines.push('  run:');
  for (const line of spaceTimeListing(c.messages, c.faults, '    ')) lines.push(line);
  return lines;
}

export function formatBig(n: bigint): string {
  const s = n.toString();
  if (s.length <= 9) return Number(n).toLocaleString('en-US');
  return `${s[0]}.${s.slice(1, 3)}e${s.length - 1}`;
}
