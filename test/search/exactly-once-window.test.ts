import { describe, expect, it } from 'vitest';
import { search } from '../../src/search/index.ts';
import { SimTarget } from '../../src/targets/sim/target.ts';
import { formatFault as faultText } from '../../src/injector/format.ts';
import doubleCount from '../../examples/sim/trade-acceptance-double-count.ts';

/**
 * The exactly-once window: a restart after a node acted on a message with an output and before it
 * answered the sender. The footprint says which restarts are in it, and LDFI tries those first.
 */
describe('restarts in the exactly-once window', () => {
  const target = () => SimTarget.of(doubleCount, { seed: '1', eot: 40, eff: 10, crashes: 1, faultKinds: ['omit', 'restart'] });

  it('are the restarts of the desk after a decision and before the acknowledgement that commits it', async () => {
    const t = target();
    const r = await t.run([], { lineage: true });
    const restarts = (r.footprint ?? []).filter((p) => p.fault.kind === 'restart');
    const inWindow = restarts.filter((p) => (p.redoes ?? 0) > 0).map((p) => faultText(p.fault));
    // The senders make no outputs: only the desk has something to do twice.
    expect(inWindow.length).toBeGreaterThan(0);
    expect(inWindow.every((t) => t.startsWith('restart desk'))).toBe(true);
    // A restart before the desk's first decision forgets nothing it acted on.
    const firstDecision = Math.min(...t.simulate([]).outputs.filter((o) => o.node === 'desk').map((o) => o.at));
    for (const p of restarts) if (p.fault.kind === 'restart' && p.fault.start <= firstDecision) expect(p.redoes ?? 0).toBe(0);
  });

  it('come first among single faults: the duplicate is the first single fault tried after the probes', async () => {
    const r = await search(target(), { strategy: 'ldfi', seed: '1' });
    expect(r.status).toBe('counterexample');
    const cex = r.counterexamples[0];
    expect(cex.faults.map(faultText)).toEqual([expect.stringMatching(/^restart desk @\d+\.\.\d+$/)]);
    const singlesBefore = r.runs.slice(0, cex.foundAtRun - 1).filter((run) => run.faults.length === 1);
    expect(singlesBefore).toEqual([]);
    // It replays to the same violation.
    const replay = await target().run(cex.faults, { lineage: false });
    expect(replay.violations.map((v) => v.message)).toEqual(cex.violations.map((v) => v.message));
  });
});
