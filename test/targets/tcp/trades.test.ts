import { describe, expect, it } from 'vitest';
import { formatFaults } from '../../../src/injector/format.ts';
import { parseRestriction } from '../../../src/injector/restriction.ts';
import { search } from '../../../src/search/index.ts';
import { TcpTarget } from '../../../src/targets/tcp/target.ts';

/**
 * Trade acceptance as real processes in two languages (senders in Node, the desk in Python), judged
 * black-box by the reference model of its two streams: each bug found with one fault and named, and
 * the fix proved within small bounds (a tcp run takes about a second).
 */
const DIR = 'examples/tcp/trades';

describe('tcp: trade acceptance, Node and Python, against a reference model of two streams', () => {
  it('the desk that commits after its output: one restart at the commit decides a trade twice; it replays', async () => {
    // A targeted campaign, as CI would run one: restarts of the desk (each tcp run takes about a second).
    const t = await TcpTarget.open(`${DIR}/ldfi-double-count.tcp.ts`, { eff: 5, crashes: 1, faultKinds: ['restart'] });
    const r = await search(t, { strategy: 'ldfi', restriction: parseRestriction('restart:desk') });
    expect(r.status).toBe('counterexample');
    const cex = r.counterexamples[0];
    expect(formatFaults(cex.faults)).toBe('restart desk @4..4');
    expect(cex.violations.map((v) => v.message)).toEqual([expect.stringMatching(/^duplicated: trade t1 came out twice at desk \(@3 trade t1 \w+, @6 trade t1 \w+\); the model gives one output for it$/)]);
    expect((await t.run(cex.faults, { lineage: false })).violations).toEqual(cex.violations);
  });

  it('the desk that takes any price as the last: one lost price makes a stale decision; it replays', async () => {
    // Losses in round 1 only (EFF 2): enough for the first price to go again after the second.
    const t = await TcpTarget.open(`${DIR}/ldfi-stale-price.tcp.ts`, { eff: 2 });
    const r = await search(t, { strategy: 'ldfi' });
    expect(r.status).toBe('counterexample');
    const cex = r.counterexamples[0];
    expect(cex.faults.length).toBe(1);
    expect(cex.violations.map((v) => v.message)).toEqual([expect.stringMatching(/^stale: trade t3 accepted at desk @\d+ is the model's answer as of market #1 \(in @1\), but trade t\d \w+ @\d+ before it needs market #2 \(in @2\) seen$/)]);
    expect((await t.run(cex.faults, { lineage: false })).violations).toEqual(cex.violations);
  });

  it('the fixed desk: resilient to losses in round 1, where the stale twin breaks (every fault set covered)', async () => {
    const r = await search(await TcpTarget.open(`${DIR}/ldfi.tcp.ts`, { eff: 2, crashes: 0 }), { strategy: 'ldfi' });
    expect(r.status).toBe('resilient');
    expect(r.runs.length).toBeGreaterThan(1);
  });
});
