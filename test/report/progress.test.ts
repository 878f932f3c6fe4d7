import { describe, expect, it } from 'vitest';
import { statusText } from '../../src/report/progress.ts';

describe('the status line', () => {
  const ago = (s: number) => performance.now() - s * 1000;

  it('says how to size a search down when its pending hypotheses alone would take long', () => {
    const line = statusText({ runs: 400, pending: 302_215, found: 0, started: ago(60) }, '');
    expect(line).toMatch(/^400 runs, 302,215 hypotheses pending, 0 counterexamples, 1 min \d+ s \(the pending alone ~12 h 3\d min at this pace; a smaller --eff/);
  });

  it('stays short when the pending work is small, and estimates against a run budget instead', () => {
    expect(statusText({ runs: 400, pending: 50, found: 0, started: ago(60) }, '')).toMatch(/^400 runs, 50 hypotheses pending, 0 counterexamples, 1 min \d+ s$/);
    expect(statusText({ runs: 400, pending: 302_215, found: 1, started: ago(60), maxRuns: 1000 }, '/1,000')).toMatch(
      /^400\/1,000 runs, 302,215 hypotheses pending, 1 counterexample, 1 min \d+ s \(at most ~1 min 3\d s more: the run budget at this pace\)$/,
    );
  });
});
