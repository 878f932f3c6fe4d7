import { formatFaults } from '../injector/text.ts';
import type { SearchResult } from '../search/result.ts';

/**
 * JUnit XML for CI: one test case per good outcome of the fault-free run, failed when a
 * counterexample violates it, plus one case for violations no good outcome covers.
 */
export function formatJUnit(r: SearchResult): string {
  const suite = `ldfi ${r.target.files.join(' ')}`;
  const cases: string[] = [];
  const failuresFor = (key: string) => r.counterexamples.filter((c) => c.violations.some((v) => v.key === key));
  const covered = new Set<string>();
  for (const outcome of r.outcomes) {
    const preKey = outcome.replace(/^post\(/, 'pre(').replace(/@\d+$/, '');
    covered.add(preKey);
    cases.push(testCase(outcome, failuresFor(preKey), r));
  }
  const other = r.counterexamples.filter((c) => c.violations.length === 0 || c.violations.some((v) => !covered.has(v.key)));
  cases.push(testCase('invariant', other, r));
  const failures = cases.filter((c) => c.includes('<failure')).length;
  const time = (r.timings.totalMs / 1000).toFixed(3);
  const skipped = r.status === 'budget-exhausted' || r.status === 'interrupted' ? 0 : 0;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ldfi" tests="${cases.length}" failures="${failures}" time="${time}">`,
    `  <testsuite name="${esc(suite)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${time}">`,
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

function testCase(name: string, failures: SearchResult['counterexamples'], r: SearchResult): string {
  const head = `    <testcase classname="${esc(r.target.files.join(' '))}" name="${esc(name)}">`;
  if (failures.length === 0) return `${head}</testcase>`;
  const c = failures[0];
  const body = [...c.violations.map((v) => v.message), `faults: ${formatFaults(c.faults)}`, `replay: ${c.replay}`].join('\n');
  return `${head}\n      <failure message="${esc(`broken by ${formatFaults(c.faults)}`)}" type="counterexample">${esc(body)}</failure>\n    </testcase>`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
