import { describe, expect, it } from 'vitest';
import { mergeSummaries, verdictOfCampaign, type CampaignSummary, type CaseRow } from '../../src/campaign/summary.ts';

const row = (name: string, status: CaseRow['status'] = 'resilient'): CaseRow => ({ name, bounds: '6/3/0', status, verdict: status, runs: 3, counterexamples: 0 });
const summary = (index: number, count: number, planned: string[]): CampaignSummary => ({
  format: 'ldfi-campaign-summary',
  version: 1,
  verdict: 'resilient',
  config: 'ldfi.config.ts',
  shard: { index, count },
  planned,
  corpus: [],
  cases: planned.map((n) => row(n)),
});

describe('campaign verdicts: nothing run is never green', () => {
  it('a shard with no case says so and exits as bad usage, not 0', () => {
    const v = verdictOfCampaign([], [], [], { index: 2, count: 2 });
    expect(v.verdict).not.toBe('resilient');
    expect(v.exit).toBe('usage');
    expect(v.words.join('\n')).toMatch(/shard 2\/2 has no case to run: nothing was checked/);
    expect(v.words.join('\n')).not.toMatch(/✓/);
  });

  it('a case that proved nothing, or a corpus entry that could not be checked, is not proven', () => {
    expect(verdictOfCampaign(['a'], [row('a', 'no-counterexample-found')], []).verdict).toBe('not proven');
    const unchecked = verdictOfCampaign(['a'], [row('a')], [{ file: 'x.json', case: 'a', faults: 'none', verdict: 'unchecked' }]);
    expect(unchecked.verdict).toBe('not proven');
    expect(unchecked.words.join('\n')).toMatch(/1 corpus entry could not be checked/);
    expect(verdictOfCampaign(['a'], [row('a')], []).verdict).toBe('resilient');
  });

  it('merge-reports refuses shard sets with gaps or overlaps', () => {
    const file = (i: number) => `shard${i}/summary.json`;
    expect(() => mergeSummaries([{ file: file(1), summary: summary(1, 2, ['a']) }])).toThrow(/shard 2\/2 missing/);
    expect(() => mergeSummaries([{ file: file(1), summary: summary(1, 2, ['a']) }, { file: file(1), summary: summary(1, 2, ['a']) }])).toThrow(/shard 1\/2 is given twice/);
    expect(() => mergeSummaries([{ file: file(1), summary: summary(1, 2, ['a', 'c']) }, { file: file(2), summary: summary(2, 2, ['b', 'c']) }])).toThrow(/case c is in two shards/);
    const merged = mergeSummaries([{ file: file(1), summary: summary(1, 2, ['a', 'c']) }, { file: file(2), summary: summary(2, 2, ['b']) }]);
    expect(merged.planned).toEqual(['a', 'b', 'c']);
    expect(merged.verdict).toBe('resilient');
  });
});
