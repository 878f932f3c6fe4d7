import { afterAll, describe, expect, it } from 'vitest';
import { search } from '../../../src/search/index.ts';
import { DedalusTarget } from '../../../src/targets/dedalus/target.ts';
import { staticDerivable } from '../../../src/targets/dedalus/derivable.ts';
import { isUserError } from '../../../src/model/errors.ts';
import { writePrograms } from '../../helpers/programs.ts';
import fc from 'fast-check';
import { enumerateSchedules } from '../../../src/injector/space.ts';
import { aggregateProtocolText, protocolText, randomAggregateProtocol, randomProtocol } from '../../helpers/random-programs.ts';

// A toy ballot protocol of our own: a proposer asks two acceptors, each answers with what it
// accepted or with the placeholder "none", which always comes with ballot 0; the proposer accepts a
// value only from an answer with a ballot other than 0, or its own proposal.
const BALLOTS = `
  ask(B, A, V)@async :- propose(A, V), peer(A, B);
  peer(A, B)@next :- peer(A, B);
  answer(A, B, W, N)@async :- ask(B, A, V), took(B, N, W);
  answer(A, B, "none", 0)@async :- ask(B, A, V), notin took(B, _, _);
  heard(A, B, W, N) :- answer(A, B, W, N);
  heard(A, B, W, N)@next :- heard(A, B, W, N);
  take(A, W, N + 1) :- heard(A, _, W, N), N != 0;
  take(A, V, 1) :- heard(A, _, "none", 0), propose(A, V);
  took(A, N, W) :- take(A, W, N);
  took(A, N, W)@next :- took(A, N, W);
  propose(A, V)@next :- propose(A, V);
  decided(A, W) :- took(A, _, W), notin crash(A, A, _);
  pre(W) :- decided(_, W);
  post(W) :- decided(_, W);
  peer(a, b)@1; peer(a, c)@1; propose(a, v)@1;
`;

// pre holds at step 1 only: no run can evaluate an invariant checked at the end of time.
const FLEETING = `
  begin(a, 1)@1;
  node(a, b)@1;
  node(N, M)@next :- node(N, M);
  token(M, T)@async :- begin(N, T), node(N, M);
  token(N, T)@next :- token(N, T);
  pre(N, T) :- begin(N, T);
  post(N, T) :- token(_, T), begin(N, T);
`;

// A counter: its values are computed, so after a while its column is "any".
const COUNTER = `
  count(a, 0)@1;
  count(N, C + 1)@next :- count(N, C);
  pre(N) :- count(N, C), C > 40;
  post(N) :- count(N, C);
`;

const { paths, cleanup } = writePrograms({ 'ballots.ded': BALLOTS, 'fleeting.ded': FLEETING, 'counter.ded': COUNTER });
afterAll(cleanup);
const open = (name: string, eot: number) => new DedalusTarget([paths[name]], { eot, eff: Math.min(2, eot - 1), crashes: 1, nodes: ['a', 'b', 'c'], negativeSupport: true });

describe('static derivability: what no run under any faults can derive', () => {
  it('keeps columns together: the placeholder never comes with a ballot other than 0, so it is never taken', () => {
    const derivable = staticDerivable(open('ballots.ded', 6).compiled, 6);
    expect(derivable('took', [undefined, undefined, 'v'], 6)).toBe(true);
    expect(derivable('took', [undefined, undefined, 'none'], 6)).toBe(false);
    expect(derivable('pre', ['none'], 6)).toBe(false);
    expect(derivable('pre', ['v'], 6)).toBe(true);
    // A message arrives a step after it is sent: nothing is taken before step 3.
    expect(derivable('took', [undefined, undefined, undefined], 2)).toBe(false);
  });

  it('follows steps: a fact of step 1 that nothing carries on is gone later; a counter widens to "any"', () => {
    const fleeting = staticDerivable(open('fleeting.ded', 5).compiled, 5);
    expect(fleeting('pre', ['a', 1], 1)).toBe(true);
    expect(fleeting('pre', [undefined, undefined], 5)).toBe(false);
    expect(staticDerivable(open('counter.ded', 5).compiled, 5)('pre', [undefined], 5)).toBe(false);
    // Past 32 values the counter's column is "any": a later pre is (rightly) not ruled out.
    expect(staticDerivable(open('counter.ded', 60).compiled, 60)('pre', [undefined], 60)).toBe(true);
  });

  it('an invariant no run can evaluate is refused before the first run, with what held earlier', async () => {
    const t = open('fleeting.ded', 5);
    let runs = 0;
    const run = t.run.bind(t);
    t.run = (...args: Parameters<typeof t.run>) => (runs++, run(...args));
    const error = await search(t, { strategy: 'ldfi' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/the invariant is never evaluated: no pre\(…\) holds at the end of time \(EOT 5\).*pre\(a,1\) holds at step 1 but is gone by EOT 5/);
    expect(runs).toBe(0);
    // The ballots' invariant can be evaluated: searched as usual, and resilient to one crash.
    expect((await search(open('ballots.ded', 6), { strategy: 'ldfi' })).status).toBe((await search(open('ballots.ded', 6), { strategy: 'exhaustive' })).status);
  });

  it('over-approximates: every tuple of every run of every schedule is derivable (generated programs, with counts and timeouts)', () => {
    const text = fc.oneof(randomProtocol.map(protocolText), randomAggregateProtocol.map(aggregateProtocolText));
    const bounds = fc.constantFrom({ eot: 3, eff: 2, crashes: 1 }, { eot: 4, eff: 2, crashes: 1 }, { eot: 5, eff: 3, crashes: 0 });
    let tuples = 0;
    fc.assert(
      fc.property(text, bounds, (program, b) => {
        const { paths: p, cleanup: done } = writePrograms({ 'p.ded': program });
        try {
          const t = new DedalusTarget([p['p.ded']], { ...b, nodes: ['a', 'b', 'c'], negativeSupport: true });
          const derivable = staticDerivable(t.compiled, b.eot);
          let n = 0;
          for (const schedule of enumerateSchedules(t.bounds)) {
            if (n++ >= 300) break;
            const exec = t.execute(schedule);
            for (let step = 1; step <= b.eot; step++) {
              for (const [relation, r] of exec.steps[step].relations) {
                for (const tuple of r.tuples) {
                  tuples++;
                  expect(derivable(relation, tuple.values, step), `${relation}(${tuple.values.join(',')})@${step}`).toBe(true);
                }
              }
            }
          }
        } finally {
          done();
        }
      }),
      { numRuns: 60, seed: 20261207 },
    );
    expect(tuples).toBeGreaterThan(10_000);
  });
});
