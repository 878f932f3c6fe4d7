import { violationText } from './text.ts';
import { formatFaults } from '../injector/text.ts';
import { runCount, type Counterexample, type SearchResult } from '../search/result.ts';
import { outcomeLabel } from './explain.ts';
import { boundsText, lineageText, verdictOf } from './verdict.ts';

/**
 * JUnit XML for CI, read by people in a CI page: one failed test case per counterexample (named by
 * what it violated, its replay line in the body), one test case per good outcome that no
 * counterexample broke, and one for the invariant as a whole. A case passes only when the search
 * proved it (src/report/verdict.ts); nothing proven (a budget, Ctrl-C, a target that cannot show
 * every violation, a search that stopped at its first counterexample) is skipped with the reason;
 * a failure of ldfi itself is an error. Never a plain pass without a proof.
 */
export function formatJUnit(r: SearchResult): string {
  const files = r.target.files.join(' ');
  const verdict = verdictOf(r);
  const cases: string[] = [];
  const testCase = (name: string, inner = '') => `    <testcase classname="${esc(files)}" name="${esc(name)}">${inner ? `\n      ${inner}\n    ` : ''}</testcase>`;
  // Passing means proven; a search that stopped early, or cannot prove anything, skips with its reason.
  const notProven = verdict.proven
    ? undefined
    : r.status === 'counterexample'
      ? 'not searched to the end: the search stopped at its first counterexample (--find-all goes on)'
      : `not a proof: ${verdict.caveat ?? r.status}`;
  r.counterexamples.forEach((c, i) => cases.push(testCase(counterexampleName(c, i + 1, r.counterexamples.length), failure(c))));
  const broken = new Set(r.counterexamples.flatMap((c) => c.violations.map((v) => v.key)));
  for (const outcome of r.outcomes) {
    // Dedalus: post(x)@EOT is the good outcome of the invariant tuple pre(x); a counterexample's case covers it.
    const key = /^post\((.*)\)@\d+$/.exec(outcome)?.[1];
    if (key !== undefined && broken.has(`pre(${key})`)) continue;
    if (outcome.startsWith('not:') && broken.has(outcome.slice(4).replace(/@\d+(#.*)?$/, ''))) continue;
    const name = `${outcomeLabel(outcome)} survives every fault set within the bounds`;
    cases.push(testCase(name, skipOrError(r, notProven)));
  }
  if (r.counterexamples.length === 0 || r.status === 'internal-error') cases.push(testCase(`the invariant holds within EOT ${r.bounds.eot}, EFF ${r.bounds.eff}, ${r.bounds.crashes} crashes`, skipOrError(r, notProven)));
  const failures = cases.filter((c) => c.includes('<failure')).length;
  const errors = cases.filter((c) => c.includes('<error')).length;
  const skipped = cases.filter((c) => c.includes('<skipped')).length;
  const time = (r.timings.totalMs / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ldfi" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${time}">`,
    `  <testsuite name="${esc(`ldfi ${files}`)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}">`,
    '    <properties>',
    `      <property name="status" value="${r.status}"/>`,
    `      <property name="verdict" value="${esc(`${verdict.mark} ${verdict.headline}`)}"/>`,
    `      <property name="strategy" value="${r.strategy}"/>`,
    `      <property name="seed" value="${esc(r.seed)}"/>`,
    `      <property name="bounds" value="${esc(boundsText(r.bounds, r.restriction))}"/>`,
    ...(lineageText(r.target) ? [`      <property name="lineage" value="${esc(lineageText(r.target)!)}"/>`] : []),
    `      <property name="runs" value="${runCount(r)}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** `counterexample 1/2: pre(b,hello) holds at end of time (4) but post(b,hello) does not`. */
function counterexampleName(c: Counterexample, n: number, of: number): string {
  const what = c.violations[0]?.message ?? (c.error ? `the protocol failed: ${c.error}` : 'violated');
  const more = c.violations.length > 1 ? ` (and ${c.violations.length - 1} more)` : '';
  return `counterexample${of > 1 ? ` ${n}/${of}` : ''}: ${what}${more}`;
}

function failure(c: Counterexample): string {
  const body = [...c.violations.map((v) => `violated: ${violationText(v, c.faults)}`), ...(c.error ? [`error: ${c.error}`] : []), `faults: ${formatFaults(c.faults)}`, `replay: ${c.replay}`].join('\n');
  return `<failure message="${esc(`broken by ${formatFaults(c.faults)}`)}" type="counterexample">${esc(body)}</failure>`;
}

/** No inner element: passed (proven). Otherwise skipped with the reason, or an error when ldfi failed. */
function skipOrError(r: SearchResult, notProven: string | undefined): string {
  if (r.status === 'internal-error') return `<error message="${esc(`ldfi failed after ${runCount(r)} runs: ${r.error}`)}" type="internal-error"/>`;
  return notProven ? `<skipped message="${esc(notProven)}"/>` : '';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
