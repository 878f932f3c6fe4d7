import { describe, expect, it } from 'vitest';
import { parseRestriction } from '../../src/injector/restriction.ts';
import { enumerateSchedules, faultSpaceSize } from '../../src/injector/space.ts';
import type { Bounds } from '../../src/model/bounds.ts';

const B = (eot: number, eff: number, crashes: number, nodes = ['a', 'b', 'c']): Bounds => ({ eot, eff, crashes, nodes });

describe('targeted fault spaces (--only-faults)', () => {
  it('admits the faults an entry matches: kinds, nodes, wildcards, time windows', () => {
    const r = parseRestriction('crash:c; omit:*→c @1..2; disconnect:a↔b @3');
    expect(r.allows({ kind: 'crash', node: 'c', time: 7 })).toBe(true);
    expect(r.allows({ kind: 'crash', node: 'a', time: 1 })).toBe(false);
    expect(r.allows({ kind: 'omit', from: 'a', to: 'c', time: 2 })).toBe(true);
    expect(r.allows({ kind: 'omit', from: 'a', to: 'c', time: 3 })).toBe(false);
    expect(r.allows({ kind: 'omit', from: 'c', to: 'a', time: 1 })).toBe(false);
    expect(r.allows({ kind: 'disconnect', from: 'b', to: 'a', both: true, start: 3, end: 3 })).toBe(true);
    expect(r.allows({ kind: 'disconnect', from: 'a', to: 'b', both: true, start: 2, end: 2 })).toBe(false);
  });

  it('reads omit:a↔b as the link in both directions, and a→b as one', () => {
    const both = parseRestriction('omit:a↔b');
    expect(both.allows({ kind: 'omit', from: 'a', to: 'b', time: 1 })).toBe(true);
    expect(both.allows({ kind: 'omit', from: 'b', to: 'a', time: 1 })).toBe(true);
    expect(both.allows({ kind: 'omit', from: 'a', to: 'c', time: 1 })).toBe(false);
    expect(parseRestriction('omit:a->b').allows({ kind: 'omit', from: 'b', to: 'a', time: 1 })).toBe(false);
  });

  it('names the entry that does not read', () => {
    expect(() => parseRestriction('crash:a→b')).toThrow(/--only-faults: 'crash:a→b' names a link; a crash names a node/);
    expect(() => parseRestriction('omit:a')).toThrow(/'omit:a' needs a link, from→to/);
    expect(() => parseRestriction('omit:a→b @4..2')).toThrow(/window that ends before it starts/);
    expect(() => parseRestriction(' ; ')).toThrow(/no entry/);
    expect(() => parseRestriction('lose:a→b')).toThrow(/'lose:a→b' names no kind of fault ldfi targets \('lose'; kinds: crash, restart, omit, delay, disconnect, fail, reset\)/);
  });

  it('targets delays by link and send time', () => {
    const r = parseRestriction('delay:a→b @2..3');
    expect(r.allows({ kind: 'delay', from: 'a', to: 'b', time: 2, by: 5 })).toBe(true);
    expect(r.allows({ kind: 'delay', from: 'a', to: 'b', time: 4, by: 1 })).toBe(false);
    expect(r.allows({ kind: 'omit', from: 'a', to: 'b', time: 2 })).toBe(false);
  });

  it('counts the space exactly, restricted or not (against the enumeration)', () => {
    for (const b of [B(3, 2, 0), B(3, 3, 1), B(4, 2, 2), B(3, 2, 1, ['a', 'b'])]) {
      expect(faultSpaceSize(b)).toBe(BigInt([...enumerateSchedules(b)].length));
      const r = parseRestriction('crash:b; omit:a→* @1..1; omit:*→b @2');
      const allowed = [...enumerateSchedules(b)].filter((s) => s.every((f) => r.allows(f))).length;
      expect(faultSpaceSize(b, (f) => r.allows(f)), JSON.stringify(b)).toBe(BigInt(allowed));
    }
  });
});

describe('a targeted search', () => {
  it('uses only the faults the restriction allows, finds within it, and says so in its verdict', async () => {
    const { search } = await import('../../src/search/index.ts');
    const { SimTarget } = await import('../../src/targets/sim/target.ts');
    const { verdictOf } = await import('../../src/report/verdict.ts');
    const restriction = parseRestriction('crash:tail; omit:tail→middle');
    const t = await SimTarget.open('examples/sim/chain-replication-buggy.ts', { seed: '1' });
    const r = await search(t, { seed: '1', restriction });
    expect(r.status).toBe('counterexample');
    for (const run of r.runs) expect(run.faults.every((f) => restriction.allows(f)), JSON.stringify(run.faults)).toBe(true);
    expect(r.restriction).toBe('crash:tail; omit:tail→middle');
    expect(r.faultSpace).toBe(faultSpaceSize(t.bounds, (f) => restriction.allows(f)));
    // The fixed chain is resilient within the same targeted space, and the verdict names the space.
    const fixed = await search(await SimTarget.open('examples/sim/chain-replication.ts', { seed: '1' }), { seed: '1', restriction });
    expect(fixed.status).toBe('resilient');
    expect(verdictOf(fixed).headline).toMatch(/^resilient to [a-z, ()]+ within the bounds and the targeted space 'crash:tail; omit:tail→middle', in seed 1's delivery order/);
  });

  it('refuses a node the target does not have: a space that targets nothing would look resilient', async () => {
    const { search } = await import('../../src/search/index.ts');
    const { SimTarget } = await import('../../src/targets/sim/target.ts');
    const t = await SimTarget.open('examples/sim/chain-replication-buggy.ts', { seed: '1' });
    await expect(search(t, { seed: '1', restriction: parseRestriction('crash:tail; omit:tail→midle @1..4') })).rejects.toThrow(
      /restriction: 'omit:tail→midle @1\.\.4' names midle, not a node of this target \(nodes: [a-z, ]*middle/,
    );
    await expect(search(t, { seed: '1', restriction: parseRestriction('crash:bob') })).rejects.toThrow(/'crash:bob' names bob, not a node/);
    // A wildcard is no node name.
    expect((await search(t, { seed: '1', restriction: parseRestriction('crash:*'), maxRuns: 3 })).runs.length).toBeGreaterThan(0);
  });

  it('LDFI and exhaustive search agree within a targeted space (Dedalus)', async () => {
    const { search } = await import('../../src/search/index.ts');
    const { DedalusTarget } = await import('../../src/targets/dedalus/target.ts');
    for (const [file, spec, eot, eff] of [
      ['examples/dedalus/broadcast-naive.ded', 'omit:a→c', 4, 2],
      ['examples/dedalus/broadcast-naive.ded', 'omit:*→b @2..3', 4, 3],
      ['examples/dedalus/broadcast-retry.ded', 'omit:a→b; omit:a→c @1', 4, 3],
    ] as const) {
      const restriction = parseRestriction(spec);
      const open = () => new DedalusTarget([file], { eot, eff, crashes: 0, negativeSupport: true });
      const ldfi = await search(open(), { restriction });
      const exhaustive = await search(open(), { strategy: 'exhaustive', restriction });
      expect(ldfi.status, `${file} ${spec}`).toBe(exhaustive.status);
      for (const run of ldfi.runs) expect(run.faults.every((f) => restriction.allows(f))).toBe(true);
    }
  });
});
