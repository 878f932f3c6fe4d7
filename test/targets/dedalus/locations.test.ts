import { afterAll, describe, expect, it } from 'vitest';
import { compileProgram } from '../../../src/targets/dedalus/compile.ts';
import { loadProgram } from '../../../src/targets/dedalus/loader.ts';
import { inferNodes } from '../../../src/targets/dedalus/locations.ts';
import { writePrograms } from '../../helpers/programs.ts';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function nodesOf(text: string): string[] {
  const { paths, cleanup } = writePrograms({ 'p.ded': text });
  cleanups.push(cleanup);
  return inferNodes(compileProgram(loadProgram([paths['p.ded']]).program));
}

describe('the default node set', () => {
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
        decision(a, tx1, commit)@1; decision(b, tx1, commit)@1;
        decision(N, X, D)@next :- decision(N, X, D);
        disagree(X) :- decision(_, X, V1), decision(_, X, V2), V1 != V2;
        pre("decide", X) :- decision(_, X, _);
        post("decide", X) :- decision(_, X, _), notin disagree(X);`),
    ).toEqual(['a', 'b']);
  });

  it('keeps a node whose only fact is an invariant fact elsewhere', () => {
    expect(nodesOf(`p(a, 1)@1; p(X, Y)@next :- p(X, Y); pre(a, 1)@3; post(X, Y) :- p(X, Y);`)).toEqual(['a']);
  });
});
