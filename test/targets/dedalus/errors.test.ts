import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/model/errors.ts';
import { compileProgram } from '../../../src/targets/dedalus/compile.ts';
import { loadProgram } from '../../../src/targets/dedalus/loader.ts';
import { writePrograms } from '../../helpers/programs.ts';

const cases: { name: string; text: string; code: string; at: [number, number]; says: RegExp }[] = [
  { name: 'missing semicolon', text: 'p(a)@1\nq(b)@1;', code: 'SYNTAX', at: [2, 1], says: /expected ';'/ },
  { name: 'bad character', text: 'p(a)@1;\n  p(b) :- q(b) & r(b);', code: 'SYNTAX', at: [2, 16], says: /unexpected character '&'/ },
  { name: 'unterminated string', text: 'p("abc)@1;', code: 'SYNTAX', at: [1, 3], says: /unterminated string/ },
  { name: 'unterminated comment', text: 'p(a)@1;\n/* never closed', code: 'SYNTAX', at: [2, 1], says: /unterminated/ },
  { name: 'single equals', text: 'p(X) :- q(X), X = 1;', code: 'SYNTAX', at: [1, 17], says: /use '=='/ },
  { name: 'non-ground fact', text: 'p(a, X)@1;', code: 'SYNTAX', at: [1, 6], says: /must be ground.*variable X/ },
  { name: 'head at fixed step', text: 'p(X)@2 :- q(X);', code: 'SYNTAX', at: [1, 1], says: /cannot hold only at step 2/ },
  { name: 'unsafe head variable', text: 'p(X, Y) :- q(X);', code: 'UNSAFE_VARIABLE', at: [1, 6], says: /unsafe variable Y/ },
  // A variable only inside one notin reads as "any" (Molly's dialect); used twice there it would constrain.
  { name: 'unsafe negated variable', text: 'p(X) :- q(X), notin r(Z, Z);', code: 'UNSAFE_VARIABLE', at: [1, 23], says: /unsafe variable Z: it appears twice in notin r/ },
  { name: 'unsafe comparison', text: 'p(X) :- q(X), Z > 1;', code: 'UNSAFE_VARIABLE', at: [1, 15], says: /unsafe variable Z/ },
  { name: 'arity mismatch', text: 'q(a)@1;\np(X) :- q(X, Y);', code: 'ARITY', at: [2, 9], says: /q has 2 columns here but 1 elsewhere \(first used at .*:1:1\)/ },
  { name: 'crash arity', text: 'p(X) :- q(X), notin crash(X, X);', code: 'ARITY', at: [1, 21], says: /crash has 2 columns here but 3/ },
  {
    name: 'unstratifiable negation',
    text: 'p(X) :- q(X), notin r(X);\nr(X) :- q(X), p(X);',
    code: 'UNSTRATIFIABLE',
    at: [1, 21],
    says: /unstratifiable.*p, q?.*r|unstratifiable/,
  },
  { name: 'aggregate in body', text: 'p(X) :- q(X), count<X> > 1;', code: 'SYNTAX', at: [1, 15], says: /allowed only as head columns/ },
];

describe('Dedalus errors name file:line:column', () => {
  const made: (() => void)[] = [];
  afterAll(() => made.forEach((c) => c()));
  for (const c of cases) {
    it(c.name, () => {
      const { paths, cleanup } = writePrograms({ 'prog.ded': c.text });
      made.push(cleanup);
      let err: unknown;
      try {
        compileProgram(loadProgram([paths['prog.ded']]).program);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      const u = err as UserError;
      expect(u.code).toBe(c.code);
      expect(u.pos?.file).toBe(paths['prog.ded']);
      expect([u.pos?.line, u.pos?.column]).toEqual(c.at);
      expect(u.message).toMatch(c.says);
      expect(u.message.startsWith(`${paths['prog.ded']}:${c.at[0]}:${c.at[1]}: `)).toBe(true);
    });
  }

  it('names the including file and position for a missing include', () => {
    const { paths, cleanup } = writePrograms({ 'main.ded': 'p(a)@1;\ninclude "nope.ded";\n' });
    made.push(cleanup);
    expect(() => loadProgram([paths['main.ded']])).toThrow(/main\.ded:2:1: cannot include "nope\.ded": no such file/);
  });

  it('resolves includes against the including file and reads each file once', () => {
    const { paths, cleanup } = writePrograms({
      'main.ded': 'include "lib.ded";\ninclude "lib.ded";\np(a)@1;',
      'lib.ded': 'q(X) :- p(X);',
    });
    made.push(cleanup);
    const { program } = loadProgram([paths['main.ded']]);
    expect(program.rules).toHaveLength(1);
    expect(program.files).toHaveLength(2);
  });
});
