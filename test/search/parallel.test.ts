import { describe, expect, it } from 'vitest';
import { ParallelTarget } from '../../src/parallel/pool.ts';
import { formatJsonReport } from '../../src/report/json.ts';
import { search } from '../../src/search/index.ts';
import { openTarget } from '../../src/targets/index.ts';

/** The same search with n workers: its JSON report, timings aside. */
async function report(file: string, workers: number, options: { findAll?: boolean } = {}): Promise<string> {
  const open = { files: [file], options: { negativeSupport: true, seed: '1' } };
  const inner = await openTarget(open.files, open.options);
  const t = new ParallelTarget(inner, open, workers);
  try {
    return formatJsonReport(await search(t, { seed: '1', ...options }), { timings: false });
  } finally {
    await t.close();
  }
}

describe('parallel runs (--workers)', () => {
  it('a proof is the same, run for run, with one worker or three', async () => {
    const one = await report('examples/sim/failure-detector-eventual.ts', 1);
    expect(JSON.parse(one).status).toBe('resilient');
    expect(JSON.parse(one).runs.length).toBeGreaterThan(1000);
    expect(await report('examples/sim/failure-detector-eventual.ts', 3)).toBe(one);
  });

  it('so are counterexamples, with --find-all', async () => {
    const one = await report('examples/sim/chain-replication-buggy.ts', 1, { findAll: true });
    expect(JSON.parse(one).counterexamples.length).toBeGreaterThan(0);
    expect(await report('examples/sim/chain-replication-buggy.ts', 2, { findAll: true })).toBe(one);
  });
});
