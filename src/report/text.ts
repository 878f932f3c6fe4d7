import { faultModel } from '../model/fault-model.ts';
import { formatFaults } from '../injector/text.ts';
import { faultStart, type FaultSet } from '../model/faults.ts';
import type { Violation } from '../model/target.ts';
import { DEFAULT_COMMAND } from '../search/options.ts';
import { shellQuote } from '../model/shell.ts';
import { runCount, uncheckedText, type Counterexample, type SearchResult } from '../search/result.ts';
import { spaceTimeListing } from './spacetime.ts';
import { attackedText, boundsText, lineageText, verdictOf } from './verdict.ts';

/** The human report, read top-down: verdict; then for each counterexample what broke, how to replay it, the faults, the run. */
export function formatSearchResult(r: SearchResult, opts: { command: string; explaining?: boolean } = { command: DEFAULT_COMMAND }): string {
  const lines: string[] = [];
  const b = r.bounds;
  const included = r.target.includes?.length ? ` (including ${r.target.includes.join(', ')})` : '';
  const where = `${r.target.files.join(' ')}${included} — ${boundsText(b, r.restriction)}`;
  const v = verdictOf(r);
  lines.push(`${v.mark} ${v.headline}`);
  if (r.status === 'internal-error') lines.push(`  internal error: ${r.error}`);
  lines.push(`  ${where}`);
  const lineage = lineageText(r.target);
  if (lineage) lines.push(`  lineage: ${lineage}`);
  lines.push(`  fault space: ${formatBig(r.faultSpace)} schedule${r.faultSpace === 1n ? '' : 's'}${r.restriction ? ` (targeted: '${r.restriction}')` : ''}; ${attackedText(r.outcomes, r.strategy, r.target.footprints)}`);
  if (r.symmetrySaved !== undefined) lines.push(`  symmetry: ${r.symmetrySaved} hypothes${r.symmetrySaved === 1 ? 'is' : 'es'} not run (a run with interchangeable nodes renamed was made)`);
  // Runs that could not be checked: the verdict names them wherever nothing was proven; beside a
  // counterexample, this line does.
  if (r.unchecked && r.status === 'counterexample') lines.push(`  ? ${uncheckedText(r.unchecked)}`);
  r.counterexamples.forEach((c, i) => lines.push('', ...formatCounterexample(c, i + 1, r.counterexamples.length)));
  lines.push('');
  for (const line of hints(r, opts)) lines.push(line);
  return lines.join('\n');
}

/**
 * Notes and hints after the report: real commands with the user's own files and bounds (built from
 * the search's replay command), and only those that apply to how this search ended.
 */
function hints(r: SearchResult, opts: { explaining?: boolean }): string[] {
  const out: string[] = [];
  // The replay command is the user's command, files and bounds: another subcommand of the same.
  // A search command searches the kinds this search did (the replay command has no kinds: a replay
  // runs the faults it is given); random search's drawn kinds are not what LDFI would search.
  // The kinds the bounds leave room for: asking for crashes with a crash budget of 0 searches the same.
  const kindsFor = (sub: string) => ((sub === 'run' || sub === 'explain') && r.strategy !== 'random' && r.bounds.kinds ? ` --fault-kinds ${(faultModel(r.bounds).effectiveKinds.length ? faultModel(r.bounds).effectiveKinds : r.bounds.kinds).join(',')}` : '');
  // The same search again: its kinds, its targeted space and the statuses its requests failed with.
  const space = (sub: string) =>
    sub === 'run' || sub === 'explain' ? `${r.restriction ? ` --only-faults ${shellQuote(r.restriction)}` : ''}${r.bounds.failStatuses?.length ? ` --fail-status ${r.bounds.failStatuses.join(',')}` : ''}` : '';
  const command = (sub: string, extra = '') => `${r.replayCommand.replace(' replay ', ` ${sub} `)}${kindsFor(sub)}${space(sub)}${extra}`;
  const first = r.counterexamples[0];
  if (r.status === 'counterexample' && first) {
    const faultFree = r.counterexamples.find((c) => c.faults.length === 0);
    if (faultFree && faultFree.error) {
      out.push('Note: the protocol failed in the run without faults (the error above): fix it before searching for faults.');
    } else if (faultFree) {
      out.push(`Note: the run without faults already violates the invariant: the protocol is wrong even without faults, or it needs more time (${command('run').replace(/ --eot \d+/, ` --eot ${r.bounds.eot * 2}`)}), or the invariant is wrong.`);
    }
    if (r.strategy === 'ldfi' && !r.findAll) out.push(`Hint: ${command('run', ' --find-all')} keeps searching after the first counterexample.`);
    if (r.target.tuples) {
      const key = first.violations[0]?.key;
      const pre = key === undefined ? undefined : /^pre\((.*)\)$/.exec(key);
      const tuple = pre ? `post(${pre[1]})@${r.bounds.eot}` : key;
      if (tuple && first.faults.length > 0) out.push(`Hint: ${command('why', ` --tuple ${shellQuote(tuple)} --faults ${shellQuote(formatFaults(first.faults))}`)} shows why ${tuple} does not hold under these faults.`);
    } else if (!first.error) {
      out.push(`Hint: ${first.replay} --trace run.trace.json keeps the run's trace and audit log.`);
    }
  }
  if (r.status === 'no-counterexample-found' && !r.target.tracksAbsence && r.target.tuples) {
    out.push(`Hint: ${command('run')} (with negative support, the default) can prove resilience.`);
  }
  // Nothing to explain without an invariant: no hypothesis could have broken anything.
  const invariantless = r.status === 'no-counterexample-found' && /no invariant/.test(r.reason);
  const allUnchecked = r.unchecked !== undefined && r.unchecked.runs === runCount(r);
  if ((r.status === 'resilient' || r.status === 'no-counterexample-found') && !invariantless && !allUnchecked && r.strategy === 'ldfi' && !opts.explaining && r.runs.length > 1) {
    out.push(`Hint: ${command('explain')} shows which supports defeated which hypotheses.`);
  }
  if (r.status === 'budget-exhausted') {
    if (r.budget === 'time') out.push('Hint: a larger time budget lets the search go on: it had hypotheses left.');
    else if (r.strategy === 'random' || r.strategy === 'exhaustive') out.push(`Hint: ${command('run')} (LDFI, the default strategy) can prove resilience.`);
    else out.push(`Hint: ${command('run', ` --max-runs ${Math.max(10, r.runs.length * 10)}`)} lets the search go on: it had hypotheses left.`);
  }
  return out;
}

export function formatCounterexample(c: Counterexample, n: number, of: number): string[] {
  const lines: string[] = [];
  const same = c.sameCause ? `; ${c.sameCause} more of the same cause (the same faults at other times or seeds)` : '';
  lines.push(`Counterexample${of > 1 ? ` ${n}/${of}` : ''} (found at run ${c.foundAtRun}${c.foundAs.length !== c.faults.length ? `, shrunk from ${c.foundAs.length} faults to ${c.faults.length}${c.foundIdle ? ` (${c.foundIdle} of the ${c.foundAs.length} dropped no message)` : ''}` : ''}${same}):`);
  lines.push(`  faults:   ${formatFaults(c.faults)}`);
  for (const v of c.violations) lines.push(`  violated: ${violationText(v, c.faults)}`);
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

/**
 * A violation as one line: its message and, when a black-box check named the outputs it is about,
 * the faults that had begun by the last of them (`duplicated: … (@5, @16) — after restart desk @6..6`).
 */
export function violationText(v: Violation, faults: FaultSet): string {
  const outs = v.evidence?.outputs ?? [];
  if (outs.length === 0) return v.message;
  const last = outs.reduce((m, o) => Math.max(m, o.at), -Infinity);
  const before = faults.filter((f) => faultStart(f) <= last);
  return before.length ? `${v.message} — after ${formatFaults(before)}` : v.message;
}
