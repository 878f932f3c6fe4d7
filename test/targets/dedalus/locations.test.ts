import { afterAll, describe, expect, it } from 'vitest';
import { compileProgram } from '../../../src/targets/dedalus/compile.ts';
import { loadProgram } from '../../../src/targets/dedalus/loader.ts';
import { inferNodes } from '../../../src/targets/dedalus/locations.ts';
import { DedalusTarget } from '../../../src/targets/dedalus/target.ts';
import { isUserError } from '../../../src/model/errors.ts';
import { writePrograms } from '../../helpers/programs.ts';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function write(text: string): string {
  const { paths, cleanup } = writePrograms({ 'p.ded': text });
  cleanups.push(cleanup);
  return paths['p.ded'];
}

function inferred(text: string) {
  return inferNodes(compileProgram(loadProgram([write(text)]).program));
}

function nodesOf(text: string): string[] {
  return inferred(text).map((n) => n.node);
}

describe('the default node set: locations that send, receive or crash', () => {
  it('includes a node that only faults would make busy (a failover backup)', () => {
    expect(
      nodesOf(`
        primary(client, p)@1; backup(client, bk)@1;
        req(P, X)@async :- want(C, X), primary(C, P);
        req(B, X)@async :- want(C, X), backup(C, B), notin acked(C, X);
        want(client, v)@1;
        pre(X) :- want(_, X); post(X) :- want(_, X);`),
    ).toEqual(['bk', 'client', 'p']);
  });

  it('leaves out payloads, helper relations keyed by them, and roles in pre/post', () => {
    expect(
      nodesOf(`
        decision(a, tx1, commit)@1; decision(b, tx1, commit)@1; peer(a, b)@1;
        decision(N, X, D)@next :- decision(N, X, D);
        told(P, X, D)@async :- decision(N, X, D), peer(N, P);
        disagree(X) :- decision(_, X, V1), decision(_, X, V2), V1 != V2;
        pre("decide", X) :- decision(_, X, _);
        post("decide", X) :- decision(_, X, _), notin disagree(X);`),
    ).toEqual(['a', 'b']);
  });

  it('leaves out a sentinel that a relation carries but no message reaches ("none")', () => {
    const nodes = inferred(`
      leader(n1, "none")@1; leader(n2, "none")@1; member(n1, n2)@1; member(n2, n1)@1;
      leader(N, L)@next :- leader(N, L);
      member(N, M)@next :- member(N, M);
      vote(M, N)@async :- leader(N, "none"), member(N, M);
      elected(N, M) :- vote(N, M);
      pre(N) :- elected(N, _); post(N) :- elected(N, _);`);
    expect(nodes.map((n) => n.node)).toEqual(['n1', 'n2']);
    // The reason names what the node does and where.
    expect(nodes[0].reason).toMatch(/^(sends|receives) vote at .*p\.ded:5$/);
  });

  it('names a node that a crash atom names', () => {
    expect(nodesOf(`hb(a, b)@1; ping(B)@async :- hb(A, B); pre(X) :- ping(X), notin crash(_, c, _); post(X) :- ping(X);`)).toEqual(['a', 'b', 'c']);
  });
});

describe('an invariant that no run evaluates', () => {
  it('is an error naming the relation and the location, not a ✓', () => {
    // seen(auditor, …) could only come from a rule running at auditor, which is not a node.
    const file = write(`
      link(a, b)@1; link(X, Y)@next :- link(X, Y);
      msg(Y, 1)@async :- link(X, Y);
      watch(auditor, 1)@1;
      seen(N, X) :- watch(N, X), msg(_, X);
      pre(X) :- seen(auditor, X);
      post(X) :- seen(auditor, X), msg(_, X);`);
    let error: unknown;
    try {
      new DedalusTarget([file], { eot: 3, eff: 2, crashes: 0, negativeSupport: true });
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/p\.ded:6:\d+: the invariant's pre runs only at auditor, which is not a node \(a, b\)/);
    // Naming it a node makes the invariant run.
    expect(() => new DedalusTarget([file], { eot: 3, eff: 2, crashes: 0, nodes: ['a', 'b', 'auditor'], negativeSupport: true })).not.toThrow();
  });

  it("runs Molly-style invariants at a role that is not a node (post(\"decide\", X) :- pre(\"decide\", X), …)", () => {
    const file = write(`
      link(a, b)@1; link(X, Y)@next :- link(X, Y);
      log(a, v)@1; log(N, V)@next :- log(N, V);
      log(Y, V)@async :- log(X, V), link(X, Y);
      pre("decide", V) :- log(a, V);
      post("decide", V) :- pre("decide", V), log(b, V);`);
    const t = new DedalusTarget([file], { eot: 2, eff: 2, crashes: 0, negativeSupport: true });
    expect(t.bounds.nodes).toEqual(['a', 'b']);
    expect(t.run([], { lineage: false }).violations).toEqual([]);
    expect(t.run([{ kind: 'omit', from: 'a', to: 'b', time: 1 }], { lineage: false }).violations.map((v) => v.key)).toEqual(['pre(decide,v)']);
  });
});
