import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenOutcomes } from '../../../src/lineage/evaluate.ts';
import type { Fault } from '../../../src/model/faults.ts';
import { search } from '../../../src/search/index.ts';
import { startZ3, type SatBackend } from '../../../src/solver/z3-backend.ts';
import { DedalusTarget } from '../../../src/targets/dedalus/target.ts';
import { writePrograms } from '../../helpers/programs.ts';

/**
 * Lineage precise enough for quorums: a firing that only compares an aggregate with a bound needs
 * members enough to reach it, a max needs one member holding it, and a way that needs two subgoals
 * to appear at once keeps what the present subgoals bind. Each imprecision here cost LDFI a run per
 * fault that could not matter (Molly's Paxos at 8/3/1: hundreds of runs and no verdict).
 */
let z3: SatBackend;
beforeAll(async () => {
  z3 = await startZ3();
});
afterAll(() => z3.close());

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

function singleFaults(t: DedalusTarget, nodes: readonly string[]): Fault[] {
  const out: Fault[] = [];
  for (const from of nodes) for (const to of nodes) if (from !== to) for (let time = 1; time < t.bounds.eff; time++) out.push({ kind: 'omit', from, to, time });
  for (const node of nodes) for (let time = 1; time <= t.bounds.eot; time++) out.push({ kind: 'crash', node, time });
  return out;
}

describe('aggregate lineage', () => {
  it('an ack counted against a quorum of 2 of 3: no single lost message breaks the acknowledgement', () => {
    const files = ['quorum-write.ded'].map((f) => resolve(repoRoot, 'examples/dedalus', f));
    const target = new DedalusTarget(files, { eot: 5, eff: 3, crashes: 1, negativeSupport: true });
    // The first acknowledgement counted three copies; any two give it.
    const r = target.run([], { lineage: true });
    const first = 'acked(l,w1)@3';
    expect(r.lineage.hasNode(first)).toBe(true);
    for (const f of singleFaults(target, ['l', 'f1', 'f2']).filter((f) => f.kind === 'omit')) expect(brokenOutcomes(r.lineage, [first], [f]), JSON.stringify(f)).toEqual([]);
    // Both confirmations lost: only the leader's copy, no acknowledgement then.
    expect(brokenOutcomes(r.lineage, [first], [{ kind: 'omit', from: 'f1', to: 'l', time: 2 }, { kind: 'omit', from: 'f2', to: 'l', time: 2 }])).toEqual([first]);
    // (The catalog's quorum-write rows check the verdicts, against exhaustive search where feasible.)
  });

  it('a max held by two members survives the loss of either, and a bound on it needs only one member past it', async () => {
    const p = writePrograms({
      'bids.ded': `
        // b and c bid 5, d bids 3, each once, to the auctioneer a; a sale needs a best bid of at least 4.
        offer(B, V)@next :- offer(B, V);
        bid(a, B, V)@async :- offer(B, V), notin sent(B);
        sent(B)@next :- offer(B, _);
        sent(B)@next :- sent(B);
        seen(A, B, V) :- bid(A, B, V);
        seen(A, B, V)@next :- seen(A, B, V);
        best(A, max<V>) :- seen(A, _, V);
        price(A, V) :- best(A, V);
        sale(A) :- best(A, V), V >= 4;
        pre(A, V) :- price(A, V), sale(A);
        post(A, V) :- price(A, V), sale(A);
        offer(b, 5)@1; offer(c, 5)@1; offer(d, 3)@1;`,
    });
    try {
      const target = new DedalusTarget([p.paths['bids.ded']], { eot: 4, eff: 2, crashes: 0, nodes: ['a', 'b', 'c', 'd'], negativeSupport: true });
      const r = target.run([], { lineage: true });
      expect(r.outcomes).toContain('post(a,5)@4');
      const breaks = (faults: Fault[]) => brokenOutcomes(r.lineage, ['post(a,5)@4'], faults).length > 0;
      // best(a, 5) is given by either bid of 5 (while no higher bid comes), whatever d bids.
      expect(breaks([{ kind: 'omit', from: 'b', to: 'a', time: 1 }])).toBe(false);
      expect(breaks([{ kind: 'omit', from: 'd', to: 'a', time: 1 }])).toBe(false);
      expect(breaks([{ kind: 'omit', from: 'b', to: 'a', time: 1 }, { kind: 'omit', from: 'c', to: 'a', time: 1 }])).toBe(true);
      // The verdicts agree with exhaustive search: losing both bids of 5 leaves no sale, so no outcome to violate.
      for (const strategy of ['ldfi', 'exhaustive'] as const) expect((await search(target, { strategy })).status).toBe('resilient');
    } finally {
      p.cleanup();
    }
  });

  it('two subgoals that must appear together keep what a present subgoal binds: an unrelated message cannot break the absence', async () => {
    const p = writePrograms({
      'holder.ded': `
        // x is held by a. b bids for x to c, once c's "hush" fails to reach b; d bids to a but is
        // quiet for good. Stealing x needs a claim and a grant addressed to x's holder, a: b's go to c.
        holder(N, K)@next :- holder(N, K);
        bidder(B, K, N)@next :- bidder(B, K, N);
        quiet(B)@async :- hush(C, B);
        quiet(B)@next :- quiet(B);
        claim(N, K, B)@async :- bidder(B, K, N), notin quiet(B);
        grant(N, K, B)@async :- bidder(B, K, N), notin quiet(B);
        stolen(K) :- holder(N, K), claim(N, K, B), grant(N, K, B);
        pre(K) :- holder(_, K);
        post(K) :- holder(_, K), notin stolen(K);
        holder(a, x)@1; hush(c, b)@1; bidder(b, x, c)@3; bidder(d, x, a)@3; quiet(d)@1;`,
    });
    try {
      const target = new DedalusTarget([p.paths['holder.ded']], { eot: 5, eff: 2, crashes: 0, nodes: ['a', 'b', 'c', 'd'], negativeSupport: true });
      const r = target.run([], { lineage: true });
      expect(r.outcomes).toEqual(['post(x)@5']);
      // Losing the hush lets b's claim and grant go out, to c: stolen(x) needs them at a.
      expect(brokenOutcomes(r.lineage, r.outcomes, [{ kind: 'omit', from: 'c', to: 'b', time: 1 }])).toEqual([]);
      const ldfi = await search(target, { strategy: 'ldfi' });
      const exhaustive = await search(target, { strategy: 'exhaustive' });
      expect([ldfi.status, exhaustive.status]).toEqual(['resilient', 'resilient']);
      // Nothing to try: the one fault that changes the run cannot matter.
      expect(ldfi.runs.length).toBe(1);
    } finally {
      p.cleanup();
    }
  });
});
