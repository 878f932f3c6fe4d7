import { formatFaults } from '../injector/text.ts';
import type { Counterexample, SearchResult } from '../search/result.ts';
import { outcomeLabel } from './explain.ts';
import { verdictOf, type Verdict } from './verdict.ts';

/**
 * JUnit XML for CI: one test case per good outcome (failed when a counterexample violates it), one
 * per other violation found, and one for the invariant as a whole — skipped when a budget or Ctrl-C
 * stopped the search, since nothing was proven then.
 */
export function formatJUnit(r: SearchResult): string {
  const suite = `ldfi ${r.target.files.join(' ')}`;
  const verdict = verdictOf(r);
  const cases: string[] = [];
  const covered = new Set<string>();
  for (const outcome of r.outcomes) {
    // Dedalus: post(x)@EOT is the good outcome of the invariant tuple pre(x).
    const key = /^post\((.*)\)@\d+$/.exec(outcome)?.[1];
    const pre = key === undefined ? undefined : `pre(${key})`;
    if (pre) covered.add(pre);
    cases.push(testCase(outcomeLabel(outcome), pre ? r.counterexamples.filter((c) => c.violations.some((v) => v.key === pre)) : [], r, verdict));
  }
  const others = new Map<string, Counterexample[]>();
  for (const c of r.counterexamples) {
    for (const v of c.violations.filter((x) => !covered.has(x.key))) others.set(v.key, [...(others.get(v.key) ?? []), c]);
    if (c.error) others.set('protocol error', [...(others.get('protocol error') ?? []), c]);
  }
  for (const [key, found] of others) cases.push(testCase(key, found, r, verdict));
  // Nothing found and nothing proven: skipped with the caveat, never a pass (src/report/verdict.ts).
  const inconclusive = r.counterexamples.length === 0 && !verdict.proven && r.status !== 'internal-error';
  const classname = esc(r.target.files.join(' '));
  cases.push(
    r.status === 'internal-error'
      ? // ldfi failed: an error, never a pass, whatever was found before.
        `    <testcase classname="${classname}" name="invariant within the bounds">\n      <error message="${esc(`ldfi failed after ${r.runs.length} runs: ${r.error}`)}" type="internal-error"/>\n    </testcase>`
      : inconclusive
        ? `    <testcase classname="${classname}" name="invariant within the bounds">\n      <skipped message="${esc(`${r.status} after ${r.runs.length} runs: not a proof: ${verdict.caveat ?? ''}`)}"/>\n    </testcase>`
        : testCase('invariant within the bounds', r.counterexamples, r, verdict),
  );
  const failures = cases.filter((c) => c.includes('<failure')).length;
  const errors = cases.filter((c) => c.includes('<error')).length;
  const skipped = cases.filter((c) => c.includes('<skipped')).length;
  const time = (r.timings.totalMs / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ldfi" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${time}">`,
    `  <testsuite name="${esc(suite)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}">`,
    '    <properties>',
    `      <property name="status" value="${r.status}"/>`,
    `      <property name="strategy" value="${r.strategy}"/>`,
    `      <property name="seed" value="${esc(r.seed)}"/>`,
    `      <property name="bounds" value="EOT ${r.bounds.eot}, EFF ${r.bounds.eff}, crashes ${r.bounds.crashes}, nodes ${esc(r.bounds.nodes.join(','))}"/>`,
    `      <property name="runs" value="${r.runs.length}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testCase(name: string, failures: readonly Counterexample[], r: SearchResult, v: Verdict): string {
  const head = `    <testcase classname="${esc(r.target.files.join(' '))}" name="${esc(name)}">`;
  if (failures.length === 0) {
    // A case passes only if the search proved it: otherwise it is skipped with the same caveat.
    if (!v.proven && r.status !== 'internal-error') return `${head}\n      <skipped message="${esc(`not a proof: ${v.caveat ?? r.status}`)}"/>\n    </testcase>`;
    return `${head}</testcase>`;
  }
  const c = failures[0];
  const body = [...c.violations.map((v) => v.message), ...(c.error ? [c.error] : []), `faults: ${formatFaults(c.faults)}`, `replay: ${c.replay}`].join('\n');
  return `${head}\n      <failure message="${esc(`broken by ${formatFaults(c.faults)}`)}" type="counterexample">${esc(body)}</failure>\n    </testcase>`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
