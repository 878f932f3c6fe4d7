import { reportRunCount, type JsonReport } from '../json.ts';
import type { OutcomeLineage } from '../details.ts';
import { esc } from './escape.ts';
import { leafText } from './faults-text.ts';
import { lineageSvg } from './lineage.ts';
import { outcomeLabel } from '../explain.ts';
import { detailId } from './run-detail.ts';

/** The vertices a support is made of: what faults remove or add. */
const LEAF_KINDS = new Set(['message', 'no-crash', 'crash', 'lost']);

/** Hypotheses linked per support at most; the rest are counted. */
const RUNS_LINKED = 12;

/**
 * Why the search ended as it did, and, for each good outcome, the supports found and the hypotheses
 * each one defeated (a hypothesis cut every support known then; the run showed another), as a table
 * and as the outcome's lineage with those supports' leaves marked. This is what makes a resilient
 * verdict believable: every attack and what withstood it.
 */
export function resilienceSection(j: JsonReport, withDiagram: (run: number) => boolean): string {
  const byOutcome = new Map<string, Map<string, { support: readonly string[]; runs: number[] }>>();
  for (const run of j.runs) {
    for (const d of run.defeatedBy) {
      const supports = byOutcome.get(d.outcome) ?? byOutcome.set(d.outcome, new Map()).get(d.outcome)!;
      const key = d.support.join('\u0000');
      (supports.get(key) ?? supports.set(key, { support: d.support, runs: [] }).get(key)!).runs.push(run.index);
    }
  }
  const lineage = new Map((j.details?.lineage ?? []).map((l) => [l.outcome, l]));
  const goods = j.outcomes.filter((o) => !o.startsWith('not:'));
  const out = ['<section id="why">', `<h2>Why ${j.status === 'resilient' ? 'resilient' : 'it ended here'} <small>${goods.length} good outcome${goods.length === 1 ? '' : 's'} attacked</small></h2>`, `<p class="ended">${esc(endedBecause(j))}</p>`];
  const runLink = (n: number) => (withDiagram(n) ? `<a href="#${detailId(`run-${n}`)}">${n}</a>` : `<a href="#run-${n}">${n}</a>`);
  if (j.target.footprints && j.strategy === 'ldfi') out.push(footprintSummary(j));
  for (const outcome of goods) {
    const supports = [...(byOutcome.get(outcome)?.values() ?? [])];
    const known = j.supports?.[outcome] ?? [];
    const defeating = new Set(supports.map((s) => s.support.join('\u0000')));
    const others = known.filter((k) => !defeating.has(k.join('\u0000')));
    const attacks = j.runs.filter((run) => run.attacked.includes(outcome)).length;
    out.push(
      `<h3><code>${esc(outcomeLabel(outcome))}</code> <small>${attacks} hypothes${attacks === 1 ? 'is' : 'es'} attacked it; ${supports.length} support${supports.length === 1 ? '' : 's'} defeated them; ${known.length} support${known.length === 1 ? '' : 's'} known in the end</small></h3>`,
    );
    if (supports.length) {
      out.push('<table class="supports"><thead><tr><th>support that withstood (all of it held in the run)</th><th>hypotheses it defeated (runs)</th></tr></thead><tbody>');
      for (const s of supports) {
        const links = s.runs.slice(0, RUNS_LINKED).map(runLink).join(', ') + (s.runs.length > RUNS_LINKED ? ` and ${s.runs.length - RUNS_LINKED} more` : '');
        out.push(`<tr><td>${s.support.map((k) => esc(leafText(k))).join('<br>')}</td><td>${links}</td></tr>`);
      }
      out.push('</tbody></table>');
    }
    if (others.length) out.push(`<p>${supports.length ? 'Other supports known' : 'Supports known'}: ${others.slice(0, 6).map((k) => k.map((x) => esc(leafText(x))).join(' ∧ ')).join(' <b>or</b> ')}${others.length > 6 ? ` and ${others.length - 6} more` : ''}.</p>`);
    const uncuttable = known.find((k) => k.every((leaf) => uncuttableLeaf(leaf, j.bounds)));
    if (uncuttable) out.push(`<p class="ended">No fault within the bounds can cut this support: ${uncuttable.map((x) => esc(leafText(x))).join(' ∧ ')} (${esc(whyUncuttable(j.bounds))}).</p>`);
    const l = lineage.get(outcome);
    if (l) {
      // Supports name their leaves by label (src/lineage/supports.ts); the picture marks vertices:
      // green, the leaves of the supports that defeated hypotheses.
      const labels = new Set(supports.flatMap((s) => s.support));
      const leaves = l.vertices.filter((v) => LEAF_KINDS.has(v.kind) && labels.has(v.label)).map((v) => v.id);
      out.push(lineageFigure(l, new Set(leaves), 'support'));
    }
  }
  // Violations faults could create: each tuple that stays absent, and what keeps it absent.
  const watched = j.outcomes.filter((o) => o.startsWith('not:'));
  if (watched.length) out.push(`<h3>Potential violations watched <small>${watched.length}: tuples that would break the invariant, absent in every run made</small></h3>`);
  for (const outcome of watched) {
    const l = lineage.get(outcome);
    out.push(`<h4><code>${esc(outcomeLabel(outcome))}</code></h4>`);
    if (l) out.push(lineageFigure(l, new Set(), 'absence'));
  }
  out.push('</section>');
  return out.join('\n');
}

export function lineageFigure(l: OutcomeLineage, marked: ReadonlySet<string>, as: 'support' | 'cut' | 'absence'): string {
  const caption =
    as === 'support'
      ? 'Lineage (outcome on top, what it depends on below; OR: any one of its firings derives it). Green: leaves of the supports that withstood the hypotheses.'
      : as === 'cut'
        ? 'Lineage in the fault-free run (OR: any one of its firings derives it). Red, struck through: the leaves the counterexample\'s faults cut.'
        : 'Negative support: the tuple stays absent while every way to derive it stays blocked (yellow); a fault that unblocks one (a lost message, a crash) could make it appear.';
  return `<figure class="lineage">${lineageSvg(l, as === 'support' ? { support: marked } : as === 'cut' ? { cut: marked } : {})}<figcaption class="rule">${esc(caption)}${l.truncated ? ` ${l.truncated} more vertices beyond the first ${l.vertices.length} are not drawn.` : ''}</figcaption></figure>`;
}

/** For opaque code (sim, tcp): what the hypotheses were, beyond the supports they attacked. */
function footprintSummary(j: JsonReport): string {
  const hypotheses = reportRunCount(j) - 1;
  const attacking = j.runs.filter((r) => r.attacked.length > 0).length;
  return (
    `<p>The nodes are code, so every fault that could change a run is a hypothesis: each of the ${hypotheses.toLocaleString('en-US')} hypotheses ` +
    `added to a run already made one fault of its footprint (a message it sent before EFF, or a crash between two of a node's events). ` +
    `${attacking.toLocaleString('en-US')} of ${j.runCount ? `the first ${j.runs.length.toLocaleString('en-US')}` : 'them'} also cut every known support of a good outcome; the supports that withstood those are below. ` +
    `The others changed a run without touching a known support, and none broke the invariant${j.unchecked ? ` (but ${j.unchecked.runs.toLocaleString('en-US')} could not be checked at all: see above)` : ''}.</p>`
  );
}

/** A leaf no fault within the bounds removes: a delivery at or after EFF with no crash allowed, or a node alive with no crash allowed. */
function uncuttableLeaf(leaf: string, b: JsonReport['bounds']): boolean {
  if (b.crashes > 0) return false;
  const message = /^(?:.*?)(\S+)→(\S+) @(\d+)$/.exec(leaf);
  if (message && !leaf.startsWith('lost')) return Number(message[3]) >= b.eff;
  return /^no crash of|alive|up @/.test(leaf);
}

function whyUncuttable(b: JsonReport['bounds']): string {
  return `a message sent at or after EFF ${b.eff} cannot be lost, and no crash is allowed`;
}

/** The reason the search ended, in a sentence (the verdict's headline says what it means). */
export function endedBecause(j: JsonReport): string {
  const b = j.bounds;
  const within = `EOT ${b.eot}, EFF ${b.eff}, ${b.crashes} crash${b.crashes === 1 ? '' : 'es'}`;
  switch (j.status) {
    case 'resilient':
      if (j.strategy === 'exhaustive') return `Every schedule of the fault space within ${within} was run; none broke the invariant.`;
      if (j.target.footprints) return `No hypothesis was left within ${within}: every fault set is equivalent to one of the ${reportRunCount(j)} runs made (a fault outside a run's footprint changes nothing), and none broke the invariant.`;
      if (j.hypotheses === 0) return `No fault set within ${within} can break a good outcome or make a watched violation appear: every outcome has a support no fault there can cut, so there was no hypothesis to run.`;
      return `No hypothesis was left within ${within}: every fault set that cuts all the known supports of a good outcome was run (${j.hypotheses} hypothes${j.hypotheses === 1 ? 'is' : 'es'}), and each revealed another support.`;
    case 'counterexample':
      return j.findAll ? `The search went on to the end (--find-all) and found ${j.counterexamples.length} counterexample${j.counterexamples.length === 1 ? '' : 's'}.` : 'The search stopped at its first counterexample (--find-all goes on).';
    case 'budget-exhausted':
      return j.budget === 'time' ? `The time budget stopped the search after ${reportRunCount(j)} runs, with hypotheses left: not a proof.` : `The run budget (--max-runs) stopped the search after ${reportRunCount(j)} runs, with hypotheses left: not a proof.`;
    case 'no-counterexample-found':
      return `No hypothesis was left, but this is not a proof: ${j.caveat ?? ''}`;
    case 'interrupted':
      return `Interrupted (Ctrl-C) after ${reportRunCount(j)} runs: not a proof.`;
    case 'internal-error':
      return `ldfi itself failed after ${reportRunCount(j)} runs: no verdict (${j.error ?? ''}).`;
  }
}
