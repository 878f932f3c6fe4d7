import { violationText } from '../text.ts';
import type { JsonCounterexample, JsonReport } from '../json.ts';
import { esc } from './escape.ts';
import { cutBy } from './lineage.ts';
import { lineageFigure } from './resilience.ts';
import { detailId, runDetail, violationTexts, type DetailInput } from './run-detail.ts';

/** Outcomes whose lineage is drawn with the counterexample's cut, at most. */
const CUT_LINEAGES = 3;

type Drawn = NonNullable<JsonReport['details']>['runs'][number];

/** Shrinking starts from the faults that acted: an omission that dropped no message is removed first. */
function shrinkStart(c: JsonCounterexample): string {
  const first = c.shrinkSteps?.[0];
  if (!first) return '';
  // The first step tries the starting set less one fault (none left: it started from one).
  const start = (first.faults === 'none' ? 0 : first.faults.split('; ').length) + 1;
  const found = c.foundAs === 'none' ? 0 : c.foundAs.split('; ').length;
  return start < found ? `the ${found - start} omission${found - start === 1 ? '' : 's'} that dropped no message removed first (the run is the same without them); then ` : '';
}

/**
 * A counterexample: what broke, the pasteable replay line, its run drawn, the shrink steps that led
 * to its minimal fault set (each with its own diagram), and the lineage of the outcomes whose
 * supports its faults cut.
 */
export function counterexampleSection(j: JsonReport, c: JsonCounterexample, n: number, drawn: ReadonlyMap<string, Drawn>): string {
  const of = j.counterexamples.length;
  const idle = c.foundIdle ? ` (${c.foundIdle} of them dropped no message)` : '';
  const shrunk = c.foundAs !== c.faults ? `, shrunk from ${c.foundAs}${idle} to ${c.faultList.length} fault${c.faultList.length === 1 ? '' : 's'}` : '';
  const same = c.sameCause ? `; ${c.sameCause} more of the same cause (the same faults at other times or seeds)` : '';
  const rows: [string, string][] = [
    ['faults', `<code>${esc(c.faults)}</code>`],
    ...c.violations.map((v) => ['violated', esc(violationText(v, c.faultList))] as [string, string]),
    ...(c.error ? [['error', esc(c.error)] as [string, string]] : []),
    ...(c.notes ?? []).map((note) => ['note', esc(note)] as [string, string]),
  ];
  const self = drawn.get(`cex-${n}`);
  const detail: DetailInput = {
    key: `cex-${n}`,
    title: `The run of counterexample ${n}`,
    faults: c.faultList,
    faultText: c.faults,
    violated: true,
    messages: self?.messages ?? c.messages,
    states: self?.states,
    violations: violationTexts(c),
    findings: c.violations,
  };
  const steps = c.shrinkSteps ?? [];
  const stepRows = steps.map((s, k) => {
    const key = `cex-${n}-step-${k + 1}`;
    return `<tr><td class="num">${k + 1}</td><td><code>${esc(s.faults)}</code></td><td class="${s.violated ? 'bad">✗ still violated: kept' : s.unknown?.length ? 'unknown">? could not be checked: that fault is kept' : 'good">✓ held: that fault is needed'}</td><td>${drawn.has(key) ? `<a href="#${detailId(key)}">diagram</a>` : ''}</td></tr>`;
  });
  const stepDetails = steps.flatMap((s, k) => {
    const d = drawn.get(`cex-${n}-step-${k + 1}`);
    return d ? [runDetail({ key: d.key, title: `Counterexample ${n}, shrink step ${k + 1}`, faults: d.faultList, faultText: d.faults, violated: d.violated, unchecked: s.unknown, messages: d.messages, states: d.states }, j.bounds, j.replayCommand)] : [];
  });
  // The supports the fault set cut: leaves of good outcomes' lineage that its faults remove.
  const cuts = (j.details?.lineage ?? [])
    .map((l) => ({ l, cut: new Set(l.vertices.filter((v) => cutBy(v, c.faultList)).map((v) => v.id)) }))
    .filter((x) => x.cut.size > 0)
    .slice(0, CUT_LINEAGES);
  return [
    `<section class="cex" id="cex-${n}">`,
    `<h2>Counterexample${of > 1 ? ` ${n}/${of}` : ''} <small>found at <a href="#run-${c.foundAtRun}">run ${c.foundAtRun}</a>${esc(shrunk + same)}</small></h2>`,
    `<dl class="cex-facts">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`,
    '<h3>Replay</h3>',
    `<pre class="replay"><code>${esc(c.replay)}</code></pre>`,
    runDetail(detail, j.bounds, j.replayCommand, { shown: true }),
    ...(steps.length
      ? [
          `<h3>Shrinking <small>found as <code>${esc(c.foundAs)}</code>; ${shrinkStart(c)}each step below took one fault away and kept the set if the invariant still broke</small></h3>`,
          `<table class="shrink"><thead><tr><th>step</th><th>faults tried</th><th>result</th><th>run</th></tr></thead><tbody>${stepRows.join('')}</tbody></table>`,
          ...stepDetails,
        ]
      : []),
    ...(cuts.length ? ['<h3>What the faults cut</h3>', ...cuts.map(({ l, cut }) => `<h4><code>${esc(l.outcome)}</code></h4>${lineageFigure(l, cut, 'cut')}`)] : []),
    '</section>',
  ].join('\n');
}
