import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultSpaceSize } from '../../src/injector/space.ts';
import { search } from '../../src/search/index.ts';
import { startZ3, type SatBackend } from '../../src/solver/z3-backend.ts';
import { DedalusTarget } from '../../src/targets/dedalus/target.ts';
import { outcome, statusOf, writePrograms } from '../helpers/programs.ts';
import { protocolText, randomProtocol } from '../helpers/random-programs.ts';

let z3: SatBackend;
beforeAll(async () => {
  z3 = await startZ3();
});
afterAll(() => z3.close());

/** Random protocols where b and c play the same part half the time: links closed under swapping them, both members. */
const swap = (n: string) => (n === 'b' ? 'c' : n === 'c' ? 'b' : n);
const symmetricProtocol = fc.tuple(randomProtocol, fc.boolean()).map(([p, symmetric]) => {
  if (!symmetric) return p;
  const links = [...p.links, ...p.links.map(([x, y]) => [swap(x), swap(y)] as [string, string])];
  const unique = [...new Map(links.map((l) => [l.join('→'), l])).values()];
  return { ...p, links: unique, members: ['b', 'c'] };
});

describe('symmetry (--symmetry)', () => {
  it('finds the interchangeable nodes of a program, and only those', () => {
    const open = (file: string) => new DedalusTarget([file], { eot: 4, eff: 2, crashes: 0, negativeSupport: true });
    const naive = open('examples/dedalus/broadcast-naive.ded');
    expect(naive.symmetries.map((r) => [...r].filter(([x, y]) => x !== y).map(([x, y]) => `${x}→${y}`).join(' '))).toEqual(['b→c c→b']);
    // a is the sender: swapping it with a receiver changes the program.
    const program = 'node(a, b)@1;\nnode(a, c)@1;\nnode(b, c)@1;\nlog(N, M)@next :- log(N, M);\nlog(N, M)@async :- log(S, M), node(S, N);\nlog(a, hi)@1;\npre(N, M) :- log(N, M);\npost(N, M) :- log(N, M);\n';
    const { paths, cleanup } = writePrograms({ 'p.ded': program });
    try {
      expect(new DedalusTarget([paths['p.ded']], { eot: 3, eff: 2, crashes: 0, nodes: ['a', 'b', 'c'], negativeSupport: true }).symmetries).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('changes no verdict, and exhaustive search with it makes fewer runs (random protocols)', async () => {
    let reduced = 0;
    await fc.assert(
      fc.asyncProperty(symmetricProtocol, fc.constantFrom({ eot: 3, eff: 2, crashes: 0 }, { eot: 4, eff: 2, crashes: 1 }, { eot: 4, eff: 3, crashes: 0 }), async (p, b) => {
        const { paths, cleanup } = writePrograms({ 'p.ded': protocolText(p) });
        try {
          const target = new DedalusTarget([paths['p.ded']], { ...b, nodes: ['a', 'b', 'c'], negativeSupport: true });
          fc.pre(faultSpaceSize(target.bounds) <= 5000n);
          const plainOutcome = await outcome(search(target, { strategy: 'exhaustive' }));
          const symmetricOutcome = await outcome(search(target, { strategy: 'exhaustive', symmetry: true }));
          expect(statusOf(symmetricOutcome)).toBe(statusOf(plainOutcome));
          expect(statusOf(await outcome(search(target, { strategy: 'ldfi', symmetry: true })))).toBe(statusOf(await outcome(search(target, { strategy: 'ldfi' }))));
          if (plainOutcome === 'vacuous' || symmetricOutcome === 'vacuous') return;
          const [plain, symmetric] = [plainOutcome, symmetricOutcome];
          if (target.symmetries.length && plain.status === 'resilient') {
            expect(symmetric.runs.length + symmetric.symmetrySaved!).toBe(plain.runs.length);
            expect(symmetric.symmetrySaved).toBeGreaterThan(0);
            reduced++;
          }
        } finally {
          cleanup();
        }
      }),
      { numRuns: 80, seed: 20261130 },
    );
    // The property met symmetric programs, not only asymmetric ones.
    expect(reduced).toBeGreaterThan(3);
  });
});
