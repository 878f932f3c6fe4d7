import { afterAll, describe, expect, it } from 'vitest';
import type { Fault } from '../../../src/model/faults.ts';
import { compileProgram } from '../../../src/targets/dedalus/compile.ts';
import { evaluate, type Execution } from '../../../src/targets/dedalus/evaluator.ts';
import { loadProgram } from '../../../src/targets/dedalus/loader.ts';
import { writePrograms } from '../../helpers/programs.ts';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function run(text: string, eot: number, nodes: string[], faults: Fault[] = []): Execution {
  const { paths, cleanup } = writePrograms({ 'p.ded': text });
  cleanups.push(cleanup);
  return evaluate(compileProgram(loadProgram([paths['p.ded']]).program), { eot, nodes, faults });
}

function labels(exec: Execution, t: number, relation: string): string[] {
  return (exec.steps[t].peek(relation)?.tuples ?? []).map((x) => x.label).sort();
}

describe('evaluation in the synchronous model', () => {
  it('records every rule firing of a tuple, not only the first', () => {
    const exec = run(
      `e(a, 1)@1; e(a, 2)@1; f(a, 1)@1;
       p(N) :- e(N, _);
       p(N) :- f(N, _);`,
      1,
      ['a'],
    );
    const p = exec.steps[1].peek('p')!.get(['a'])!;
    // two bindings of the first rule, one of the second
    expect(p.derivations).toHaveLength(3);
    expect(p.derivations.map((d) => (d.kind === 'rule' ? d.rule.index : -1)).sort()).toEqual([0, 0, 1]);
  });

  it('records all firings inside a recursive stratum (semi-naive, each binding once)', () => {
    const exec = run(
      `link(a, b)@1; link(b, c)@1; link(a, c)@1;
       reach(X, Y) :- link(X, Y);
       reach(X, Z) :- reach(X, Y), link(Y, Z);`,
      1,
      ['a', 'b'],
    );
    const ac = exec.steps[1].peek('reach')!.get(['a', 'c'])!;
    expect(ac.derivations).toHaveLength(2); // directly, and through b
    expect(labels(exec, 1, 'reach')).toEqual(['reach(a,b)', 'reach(a,c)', 'reach(b,c)']);
  });

  it('carries @next to the next step and forgets relations without it', () => {
    const exec = run(`keep(a, x)@1; once(a, y)@1; keep(N, V)@next :- keep(N, V);`, 3, ['a']);
    expect(labels(exec, 3, 'keep')).toEqual(['keep(a,x)']);
    expect(labels(exec, 2, 'once')).toEqual([]);
  });

  it('delivers @async at t+1, drops an omitted message, keeps other channels', () => {
    const prog = `ping(a, b)@1; ping(a, c)@1; got(To, From)@async :- ping(From, To);`;
    const ok = run(prog, 2, ['a', 'b', 'c']);
    expect(labels(ok, 2, 'got')).toEqual(['got(b,a)', 'got(c,a)']);
    expect(labels(ok, 1, 'got')).toEqual([]);
    const lossy = run(prog, 2, ['a', 'b', 'c'], [{ kind: 'omit', from: 'a', to: 'b', time: 1 }]);
    expect(labels(lossy, 2, 'got')).toEqual(['got(c,a)']);
    expect(lossy.messages.find((m) => m.to === 'b')?.status).toBe('omitted');
  });

  it('a crashed node sends nothing to others but keeps its own state, self-messages and receptions', () => {
    const prog = `
      tick(a, 1)@1; tick(b, 1)@1;
      tick(N, T)@next :- tick(N, T);
      note(N, T)@async :- tick(N, T);           // a message to itself
      hello(b, N)@async :- tick(N, _), N == a;  // a tells b
      hello(a, N)@async :- tick(N, _), N == b;  // b tells a
    `;
    const exec = run(prog, 3, ['a', 'b'], [{ kind: 'crash', node: 'a', time: 2 }]);
    expect(labels(exec, 2, 'hello')).toContain('hello(b,a)'); // sent at 1, before the crash
    expect(labels(exec, 3, 'hello')).not.toContain('hello(b,a)'); // not sent at 2
    expect(labels(exec, 3, 'hello')).toContain('hello(a,b)'); // a still receives
    expect(labels(exec, 3, 'note')).toContain('note(a,1)'); // and still talks to itself
    expect(labels(exec, 3, 'tick')).toContain('tick(a,1)'); // and keeps its state
    expect(exec.messages.find((m) => m.from === 'a' && m.to === 'b' && m.sendTime === 2)?.status).toBe('sender-crashed');
  });

  it('provides crash(Observer, Crashed, Time) at every step for every observer', () => {
    const exec = run(`n(a)@1; seen(O, C) :- crash(O, C, _);`, 3, ['a', 'b'], [{ kind: 'crash', node: 'b', time: 3 }]);
    expect(labels(exec, 1, 'crash')).toEqual(['crash(a,b,3)', 'crash(b,b,3)']);
    expect(labels(exec, 2, 'seen')).toEqual(['seen(a,b)', 'seen(b,b)']);
  });

  it('only fires rules at locations in the node set', () => {
    const exec = run(`p(a)@1; p(z)@1; q(N) :- p(N);`, 1, ['a']);
    expect(labels(exec, 1, 'q')).toEqual(['q(a)']);
  });

  it('evaluates stratified negation after the relation it negates is complete', () => {
    const exec = run(
      `all(a, 1)@1; all(a, 2)@1; all(a, 3)@1; bad(a, 2)@1;
       flagged(N, X) :- bad(N, X);
       good(N, X) :- all(N, X), notin flagged(N, X);`,
      1,
      ['a'],
    );
    expect(labels(exec, 1, 'good')).toEqual(['good(a,1)', 'good(a,3)']);
  });

  it('computes head aggregates grouped by the other columns', () => {
    const exec = run(
      `v(a, x, 3)@1; v(a, y, 5)@1; v(a, z, 5)@1; v(b, x, 7)@1;
       n(N, count<K>) :- v(N, K, _);
       lo(N, min<W>) :- v(N, _, W);
       hi(N, max<W>) :- v(N, _, W);
       s(N, sum<W>) :- v(N, _, W);`,
      1,
      ['a', 'b'],
    );
    expect(labels(exec, 1, 'n')).toEqual(['n(a,3)', 'n(b,1)']);
    expect(labels(exec, 1, 'lo')).toEqual(['lo(a,3)', 'lo(b,7)']);
    expect(labels(exec, 1, 'hi')).toEqual(['hi(a,5)', 'hi(b,7)']);
    expect(labels(exec, 1, 's')).toEqual(['s(a,8)', 's(b,7)']); // distinct values 3 and 5
    const agg = exec.steps[1].peek('n')!.get(['a', 3])!;
    expect(agg.derivations[0].kind === 'rule' && agg.derivations[0].body.length).toBe(3);
  });

  it('handles arithmetic in heads and bodies, binding with ==, integer division', () => {
    const exec = run(
      `c(a, 7)@1;
       c(N, I + 1)@next :- c(N, I), I < 9;
       half(N, H) :- c(N, I), H == I / 2;
       big(N) :- c(N, I), I * 2 > 17;`,
      3,
      ['a'],
    );
    expect(labels(exec, 3, 'c')).toEqual(['c(a,9)']);
    expect(labels(exec, 1, 'half')).toEqual(['half(a,3)']);
    expect(labels(exec, 3, 'big')).toEqual(['big(a)']);
  });

  it('reads a fixed step with p(X)@N in a body', () => {
    const exec = run(`first(a, x)@1; later(N, V) :- tick(N), first(N, V)@1; tick(a)@3;`, 3, ['a']);
    expect(labels(exec, 3, 'later')).toEqual(['later(a,x)']);
  });

  it('accepts strings, comments and wildcards', () => {
    const exec = run(
      `/* block
         comment */ p("node a", "hello world")@1; // line comment
       q(N) :- p(N, _);`,
      1,
      ['node a'],
    );
    expect(labels(exec, 1, 'q')).toEqual(['q("node a")']);
  });

  it('stops a recursive rule that never reaches a fixpoint, naming it, instead of hanging', () => {
    expect(() => run(`n(a, 1)@1;\nn(N, X + 1) :- n(N, X);`, 1, ['a'])).toThrow(/p\.ded:2:1: n keeps growing within step 1 .*never reaches a fixpoint/);
  });

  it('is deterministic: the same program and faults give the same messages', () => {
    const prog = `ping(a, b)@1; ping(a, c)@1; got(To, From)@async :- ping(From, To); ping(N, M)@next :- ping(N, M);`;
    const faults: Fault[] = [{ kind: 'omit', from: 'a', to: 'c', time: 2 }];
    expect(JSON.stringify(run(prog, 4, ['a', 'b', 'c'], faults).messages)).toBe(JSON.stringify(run(prog, 4, ['a', 'b', 'c'], faults).messages));
  });
});
