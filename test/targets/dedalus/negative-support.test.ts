import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFaults } from '../../../src/injector/text.ts';
import { search } from '../../../src/search/index.ts';
import { startZ3, type SatBackend } from '../../../src/solver/z3-backend.ts';
import { DedalusTarget } from '../../../src/targets/dedalus/target.ts';
import { writePrograms } from '../../helpers/programs.ts';

/**
 * Violations that faults create rather than break: the fault-free run shows no support to cut, only
 * the absence of something. Negative support must find them; without it LDFI says resilient.
 */
const cases: { name: string; text: string; eot: number; eff: number; nodes: string[]; expect: string }[] = [
  {
    name: 'a timeout fires when an acknowledgement is lost (no good outcome at all)',
    text: `
      ping(a, b)@1; clock(a, 1)@1;
      clock(N, T + 1)@next :- clock(N, T);
      ping(N, M)@next :- ping(N, M);
      hello(B, A)@async :- ping(A, B);
      ack(A, B)@async :- hello(B, A);
      acked(A, B) :- ack(A, B);
      acked(A, B)@next :- acked(A, B);
      suspect(A, B) :- clock(A, 3), ping(A, B), notin acked(A, B);
      suspect(A, B)@next :- suspect(A, B);
      pre(A, B) :- suspect(A, B);
      post(A, B) :- suspect(A, B), crash(A, B, _);`,
    eot: 4,
    eff: 3,
    nodes: ['a', 'b'],
    expect: 'omit a→b @1',
  },
  {
    name: 'a value that only a comparison within a self-join rules out (a "no" next to a "yes")',
    text: `
      msg(b, X)@async :- start(a, X);
      decision(N, X, D)@next :- decision(N, X, D);
      decision(N, X, "yes") :- msg(N, X);
      decision(N, X, "yes") :- start(N, X);
      clock(N, I + 1)@next :- clock(N, I);
      decision(N, X, "no")@next :- wait(N, X), clock(N, I), I >= 2, notin decision(N, X, "yes");
      wait(N, X)@next :- wait(N, X);
      split(N, X) :- decision(N, X, D), decision(M, X, E), D != E;
      pre(N, X) :- wait(N, X);
      post(N, X) :- pre(N, X), notin split(N, X);
      start(a, x)@1; wait(b, x)@1; clock(b, 1)@1;`,
    eot: 4,
    eff: 2,
    nodes: ['a', 'b'],
    expect: 'omit a→b @1',
  },
  // Found by review: aggregates whose value faults change by taking members away or adding groups.
  {
    name: 'a count that loses a member when a notin in its body gets a match (a timeout)',
    text: `
      ping(B, A)@async :- start(A, B); start(a, b)@1; got(B) :- ping(B, _); got(N)@next :- got(N);
      t1(b)@1; t2(N)@next :- t1(N); t3(N)@next :- t2(N);
      q(N, 1) :- t3(N), notin got(N); q(N, X)@next :- q(N, X);
      p(b, 1)@1; p(b, 2)@1; p(N, X)@next :- p(N, X);
      cnt(N, count<X>) :- p(N, X), notin q(N, X);
      pre(N) :- p(N, 1); post(N) :- p(N, 1), notin cnt(N, 1);`,
    eot: 4,
    eff: 2,
    nodes: ['a', 'b'],
    expect: 'omit a→b @1',
  },
  {
    name: 'a max that drops when a notin in its body gets a match',
    text: `
      ping(B, A)@async :- start(A, B); start(a, b)@1; got(B) :- ping(B, _); got(N)@next :- got(N);
      t1(b)@1; t2(N)@next :- t1(N); t3(N)@next :- t2(N);
      q(N, 5) :- t3(N), notin got(N); q(N, X)@next :- q(N, X);
      p(b, 1)@1; p(b, 5)@1; p(N, X)@next :- p(N, X);
      m(N, max<X>) :- p(N, X), notin q(N, X);
      pre(N) :- p(N, 1); post(N) :- pre(N), notin m(N, 1);`,
    eot: 4,
    eff: 2,
    nodes: ['a', 'b'],
    expect: 'omit a→b @1',
  },
  {
    name: 'an aggregate group that does not exist yet, asked for through an open grouping column',
    text: `
      ping(B, A)@async :- start(A, B); start(a, b)@1; got(B) :- ping(B, _); got(N)@next :- got(N);
      t1(b)@1; t2(N)@next :- t1(N); t3(N)@next :- t2(N);
      v(N, g2, 1) :- t3(N), notin got(N);
      v(b, g1, 1)@1; v(b, g1, 2)@1; v(N, G, X)@next :- v(N, G, X);
      cnt(N, G, count<X>) :- v(N, G, X);
      pre(N) :- t1(N); pre(N)@next :- pre(N);
      post(N) :- pre(N), notin cnt(N, _, 1);`,
    eot: 4,
    eff: 2,
    nodes: ['a', 'b'],
    expect: 'omit a→b @1',
  },
];

let z3: SatBackend;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  z3 = await startZ3();
});
afterAll(async () => {
  await z3.close();
  cleanups.forEach((c) => c());
});

describe('negative support', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { paths, cleanup } = writePrograms({ 'p.ded': c.text });
      cleanups.push(cleanup);
      const open = (negativeSupport: boolean) => new DedalusTarget([paths['p.ded']], { eot: c.eot, eff: c.eff, crashes: 0, nodes: c.nodes, negativeSupport });
      const withIt = await search(open(true), { strategy: 'ldfi' });
      expect(withIt.status).toBe('counterexample');
      expect(formatFaults(withIt.counterexamples[0].faults)).toBe(c.expect);
      expect((await search(open(true), { strategy: 'exhaustive' })).status).toBe('counterexample');
      // Without negative support LDFI does not see it, and says that finding nothing proves nothing.
      expect((await search(open(false), { strategy: 'ldfi' })).status).toBe('no-counterexample-found');
    });
  }
});
