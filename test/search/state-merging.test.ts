import { describe, expect, it } from 'vitest';
import { search } from '../../src/search/index.ts';
import { SimTarget } from '../../src/targets/sim/target.ts';
import type { Protocol } from '../../src/targets/sim/api.ts';
import type { BoundsOptions } from '../../src/model/bounds.ts';
import { elementAlias, failoverRestart, provenance, staleTimers } from '../fixtures/sim/merging/protocols.ts';

/** LDFI (runs compared by state) against exhaustive search, and its counterexample replayed. */
async function agrees(p: Protocol, bounds: BoundsOptions) {
  const target = SimTarget.of(p, { seed: '1', ...bounds });
  const ldfi = await search(target, { strategy: 'ldfi' });
  const exhaustive = await search(target, { strategy: 'exhaustive' });
  expect(ldfi.status).toBe(exhaustive.status);
  for (const c of ldfi.counterexamples) expect((await target.run(c.faults, { lineage: false })).violations.length).toBeGreaterThan(0);
  return { target, ldfi };
}

describe('runs compared by state: shapes that once made LDFI miss a counterexample', () => {
  it('a timer still due at a crashed node counts for the end time an invariant reads', async () => {
    const { target, ldfi } = await agrees(staleTimers, { eot: 50, eff: 22, crashes: 1, faultKinds: ['omit', 'crash'] });
    expect(target.capabilities.stateTraces).toBe(true);
    expect(ldfi.status).toBe('counterexample');
  });

  it('a value written from another input is another state: outputs show their inputs', async () => {
    const { ldfi } = await agrees(provenance, { eot: 40, eff: 22, crashes: 0 });
    expect(ldfi.status).toBe('counterexample');
  });

  it('a restart window is extended also when a later fault brings the node an event while it is down', async () => {
    const { ldfi } = await agrees(failoverRestart, { eot: 60, eff: 25, crashes: 2, nodes: ['a', 'p'], faultKinds: ['restart'] });
    expect(ldfi.status).toBe('counterexample');
    expect(ldfi.counterexamples[0].faults.every((f) => f.kind === 'restart')).toBe(true);
  });

  it('objects changed through a loop alias are state ldfi cannot see: conservative, and still the right verdict', async () => {
    const { target, ldfi } = await agrees(elementAlias, { eot: 50, eff: 20, crashes: 0 });
    expect(target.capabilities.stateTraces).toBe(false);
    expect(target.stateAudit.find((a) => a.node === 'b')!.why.map((w) => w.message).join('\n')).toMatch(/`counters` \(an array, declared in [^)]*\) holds objects a handler could change through an alias/);
    expect(ldfi.status).toBe('counterexample');
  });
});
