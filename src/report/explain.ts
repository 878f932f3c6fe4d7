import { formatFaults } from '../injector/text.ts';
import { runVerdict } from '../model/run-verdict.ts';
import { eachRun, runCount, type SearchResult } from '../search/result.ts';

/**
 * Why a run was resilient: for each good outcome, the supports the search came to know, and each
 * hypothesis that attacked it with the support that survived it.
 */
export function formatExplanation(r: SearchResult): string {
  const lines: string[] = [];
  lines.push(`Explanation (${runCount(r)} run${runCount(r) === 1 ? '' : 's'}, ${r.hypotheses} hypothes${r.hypotheses === 1 ? 'is' : 'es'}, status ${r.status}):`);
  if (r.outcomes.length === 0) lines.push('', 'No outcome is left to attack: every violation faults could create was reached (see the counterexamples).');
  for (const outcome of r.outcomes) {
    lines.push('', outcomeLabel(outcome));
    const supports = r.supports?.get(outcome) ?? [];
    lines.push(`  known supports (${supports.length}${supports.length >= 8 ? '+, smallest shown' : ''}); faults must cut every one of them:`);
    for (const s of supports) lines.push(`    • ${s.length ? s.join(', ') : '(no faultable step: holds under any faults)'}`);
    const attacks = Array.from(eachRun(r)).filter((run) => run.attacked.includes(outcome));
    if (attacks.length === 0) {
      lines.push('  no hypothesis could attack it within the bounds.');
      continue;
    }
    lines.push(`  hypotheses that attacked it (${attacks.length}):`);
    for (const run of attacks) {
      const d = run.defeatedBy.find((x) => x.outcome === outcome);
      const checked = runVerdict(run);
      const verdict = d
        ? `survived via ${d.support.length ? d.support.join(', ') : 'a derivation no fault can touch'}`
        : checked === 'violated'
          ? 'BROKEN: counterexample'
          : checked === 'unknown'
            ? `outcome lost, and the run could not be checked (${run.unknown[0]}): nothing is known either way`
            : r.target.footprints
              ? 'outcome lost, and the invariant still held (no violation)'
              : 'outcome lost, but its precondition too (no violation)';
      lines.push(`    run ${run.index}: ${formatFaults(run.faults)} → ${verdict}`);
    }
  }
  return lines.join('\n');
}

/** Outcome keys read as sentences: `not:pre(a,b)@4#…` is the potential violation pre(a,b) staying absent. */
export function outcomeLabel(key: string): string {
  const m = /^not:(.*?)(#.*)?$/.exec(key);
  if (m) return `${m[1]} stays absent (a violation faults could create)`;
  const out = /^out:([^:]+):(.*)#(\d+)$/.exec(key);
  if (out) return `output ${out[2]} at ${out[1]}${out[3] === '1' ? '' : ` (occurrence ${out[3]})`}`;
  return key;
}
