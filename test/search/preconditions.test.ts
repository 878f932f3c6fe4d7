import { describe, expect, it } from 'vitest';

/**
 * Issue 20: what the search does with outcomes whose precondition is absent, and with subgoals that
 * only a message could have brought. Both made LDFI run fault set after fault set that could not
 * violate anything (Molly's replog: 3,040 runs without a verdict; Paxos).
 */
describe('LDFI attacks only what can be violated', () => {
  it("does not attack the origin's outcome, whose precondition never holds, with every fault set that breaks it", async () => {
    const { search } = await import('../../src/search/index.ts');
    const { DedalusTarget } = await import('../../src/targets/dedalus/target.ts');
    const { writePrograms } = await import('../helpers/programs.ts');
    // Gossip from an origin: every node forwards what it has at every step. The invariant excludes
    // the origin (its pre never holds), yet post holds there too: an outcome with an absent precondition.
    const { paths, cleanup } = writePrograms({
      'gossip.ded': `
        peer(a, b)@1; peer(a, c)@1; peer(b, a)@1; peer(b, c)@1; peer(c, a)@1; peer(c, b)@1;
        origin(a)@1; rumour(a, r1)@1;
        peer(N, M)@next :- peer(N, M);
        origin(N)@next :- origin(N);
        heard(N, R) :- rumour(N, R);
        heard(N, R)@next :- heard(N, R);
        heard(M, R)@async :- heard(N, R), peer(N, M);
        unheard(M, R) :- heard(N, R), peer(N, M), notin heard(M, R);
        pre(N, R) :- heard(N, R), notin origin(N), notin crash(N, N, _);
        post(N, R) :- heard(N, R), notin unheard(_, R);`,
    });
    try {
      const open = () => new DedalusTarget([paths['gossip.ded']], { eot: 6, eff: 4, crashes: 1, negativeSupport: true });
      const first = open().run([], { lineage: true, explainPreconditions: true });
      // The origin's post is an outcome; its precondition is named, and its absence explained.
      expect(first.outcomes).toContain('post(a,r1)@6');
      expect(first.preconditions?.get('post(a,r1)@6')).toBe('pre(a,r1)@6');
      expect(first.absences?.has('pre(a,r1)@6')).toBe(true);

      const ldfi = await search(open(), { strategy: 'ldfi', maxRuns: 200 });
      const molly = await search(open(), { strategy: 'molly', maxRuns: 2000 });
      expect(molly.status).toBe('resilient');
      // Before: every fault set breaking post(a,r1) was run (the budget of 200 ran out).
      expect(ldfi.status).toBe('resilient');
      expect(ldfi.runs.length).toBeLessThanOrEqual(molly.runs.length);
    } finally {
      cleanup();
    }
  });

  it('keeps a way blocked while the message that brought one of its subgoals is lost', async () => {
    const { DedalusTarget } = await import('../../src/targets/dedalus/target.ts');
    const { evaluateLineage } = await import('../../src/lineage/evaluate.ts');
    const { writePrograms } = await import('../helpers/programs.ts');
    // b answers a request unless it already holds a claim; the claim blocks b's answer to a. Losing
    // a's request removes the claim's support but also the request: b still cannot answer a.
    const { paths, cleanup } = writePrograms({
      'claim.ded': `
        link(a, b)@1; link(c, b)@1; ask(a)@1; ask(c)@2;
        link(N, M)@next :- link(N, M);
        request(B, A)@async :- ask(A), link(A, B);
        held(B, A) :- request(B, A);
        held(B, A)@next :- held(B, A);
        claimed(B, A) :- request(B, A), held(B, C), C != A;
        answer(A, B)@async :- request(B, A), notin claimed(B, A);
        got(A, B) :- answer(A, B);
        got(A, B)@next :- got(A, B);
        pre(X) :- ask(X);
        post(X) :- ask(X);`,
    });
    try {
      const t = new DedalusTarget([paths['claim.ded']], { eot: 5, eff: 3, crashes: 0, nodes: ['a', 'b', 'c'], negativeSupport: true });
      const run = t.run([], { lineage: true, explainAbsent: ['got(c,b)@5'] });
      const absence = run.absences?.get('got(c,b)@5');
      expect(absence).toBeDefined();
      // c's request arrives second: b's claim by a blocks the answer to c. Omitting c's request
      // removes c's request itself, so the answer to c stays impossible: the absence still holds.
      const holds = (faults: Parameters<typeof evaluateLineage>[1]) => evaluateLineage(run.lineage, faults).holds.get(absence!);
      expect(holds([])).toBe(true);
      expect(holds([{ kind: 'omit', from: 'c', to: 'b', time: 2 }])).toBe(true);
      // Omitting a's request removes the claim and c's request is still there: the absence may break.
      expect(holds([{ kind: 'omit', from: 'a', to: 'b', time: 1 }])).toBe(false);
      // And the run agrees: without a's request, c gets its answer.
      const healed = t.run([{ kind: 'omit', from: 'a', to: 'b', time: 1 }], { lineage: true, explainAbsent: ['got(c,b)@5'] });
      expect(healed.absences).toBeDefined();
      expect(healed.absences!.has('got(c,b)@5')).toBe(false);
    } finally {
      cleanup();
    }
  });
});
