import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ldfi } from '../../helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ldfi-limits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Programs small in bytes whose shapes went deeper than the stack: each is an error naming the place (exit 2). */
describe('programs that are small but deep', () => {
  const tail = '\npre(X) :- node(X,_);\npost(X) :- node(X,_);\nlog(B,m)@async :- node(A,B);\n';
  const cases: [string, string, RegExp][] = [
    ['2,900 nested parentheses', `node(a,b)@1;\nx(a, ${'('.repeat(2900)}1${')'.repeat(2900)})@1;${tail}`, /:2:\d+: parentheses nested more than 200 deep/],
    ['a sum of 10,000 terms', `node(a,b)@1;\nv(a, 1)@1;\nw(A, ${Array(10000).fill('N').join('+')}) :- v(A, N);${tail}`, /:3:\d+: expression more than 200 operators deep/],
    ['a rule body of 5,000 atoms', `node(a,b)@1;\nr(A) :- ${Array(5000).fill('node(A,B)').join(', ')};${tail}`, /:2:\d+: a rule body of more than 500 literals/],
  ];
  for (const [name, program, message] of cases) {
    it(name, () => {
      const file = join(tmp, `${name.replace(/\W+/g, '-')}.ded`);
      writeFileSync(file, program);
      const r = ldfi(['run', file, '--eot', '3', '--eff', '2']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/Maximum call stack|\n\s+at /);
    });
  }

  it('a five-way self-join of 11 facts (about 160,000 firings) runs', () => {
    const facts = Array.from({ length: 11 }, (_, i) => `e(a,${i})@1;`).join('\n');
    const file = join(tmp, 'join.ded');
    writeFileSync(file, `node(a,b)@1;\nnode(X,Y)@next :- node(X,Y);\n${facts}\nbig(A, count<X1>) :- e(A,X1), e(A,X2), e(A,X3), e(A,X4), e(A,X5);\nlog(b,m)@async :- big(a,_), node(a,b);\npre(b,m) :- node(a,b);\npost(b,m) :- log(b,m);\n`);
    const r = ldfi(['run', file, '--eot', '3', '--eff', '2'], { timeoutMs: 120_000 });
    expect(r.stderr).not.toMatch(/internal error/);
    expect([0, 1]).toContain(r.code);
  });
});
