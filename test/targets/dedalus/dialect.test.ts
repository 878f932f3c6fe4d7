import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DedalusTarget } from '../../../src/targets/dedalus/target.ts';
import { ldfi } from '../../helpers/cli.ts';
import { writePrograms } from '../../helpers/programs.ts';

// Programs Molly loads, written in its dialect; ldfi must load them too and run them as Molly would.
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function load(files: Record<string, string>, main: string[], opts: { eot?: number; nodes?: string[]; includeDirs?: string[] } = {}) {
  const w = writePrograms(files);
  cleanups.push(w.cleanup);
  return { dir: w.dir, target: new DedalusTarget(main.map((m) => join(w.dir, m)), { eot: opts.eot ?? 3, eff: 2, crashes: 0, nodes: opts.nodes, negativeSupport: true, includeDirs: opts.includeDirs?.map((d) => join(w.dir, d)) }) };
}

function tuples(t: DedalusTarget, relation: string, step: number): string[] {
  return (t.execute([]).steps[step].peek(relation)?.tuples ?? []).map((x) => x.label).sort();
}

describe("Molly's dialect", () => {
  it('several aggregates in one head, over the same group', () => {
    const { target } = load({ 'p.ded': 'v(a, 3)@1; v(a, 5)@1; v(b, 2)@1; stats(N, count<V>, max<V>, sum<V>) :- v(N, V); pre(N) :- v(N, _); post(N) :- stats(N, _, _, _);' }, ['p.ded'], { nodes: ['a', 'b'] });
    expect(tuples(target, 'stats', 1)).toEqual(['stats(a,2,5,8)', 'stats(b,1,2,2)']);
  });

  it('a variable only inside notin means "any value"', () => {
    const { target } = load(
      { 'p.ded': 'go(a, 1)@1; go(b, 2)@1; stop(a, 7)@1; run(N, X) :- go(N, X), notin stop(N, Id); pre(N) :- go(N, _); post(N) :- go(N, _);' },
      ['p.ded'],
      { nodes: ['a', 'b'] },
    );
    expect(tuples(target, 'run', 1)).toEqual(['run(b,2)']);
  });

  it('an @async head whose destination no body atom binds goes to every node', () => {
    const { target } = load({ 'p.ded': 'hello(a)@1; greet(To, From)@async :- hello(From); pre(N) :- hello(N); post(N) :- hello(N);' }, ['p.ded'], { nodes: ['a', 'b', 'c'] });
    expect(tuples(target, 'greet', 2)).toEqual(['greet(a,a)', 'greet(b,a)', 'greet(c,a)']);
    const run = target.run([{ kind: 'omit', from: 'a', to: 'c', time: 1 }], { lineage: false });
    expect(run.messages.filter((m) => m.status === 'omitted').map((m) => m.to)).toEqual(['c']);
  });

  const INV = 'pre(N) :- node(N); post(N) :- node(N);';
  const PROTOCOL = 'node(a)@1; node(N)@next :- node(N); hello(b)@async :- node(a);';

  function layout(): string {
    const w = writePrograms({ 'main.ded': 'include "sub/protocol.ded";', 'invariants.ded': INV });
    cleanups.push(w.cleanup);
    mkdirSync(join(w.dir, 'sub'));
    mkdirSync(join(w.dir, 'lib'));
    return w.dir;
  }

  it("includes resolve against the including file's folder, then the first file's folder", () => {
    const dir = layout();
    // sub/protocol.ded names invariants.ded relative to the first file's folder, as Molly resolves it,
    // and helper.ded relative to its own folder.
    writeFileSync(join(dir, 'sub', 'protocol.ded'), `include "invariants.ded"; include "helper.ded"; ${PROTOCOL}`);
    writeFileSync(join(dir, 'sub', 'helper.ded'), 'extra(a)@1;');
    const t = new DedalusTarget([join(dir, 'main.ded')], { eot: 2, eff: 1, crashes: 0, negativeSupport: true });
    expect(t.compiled.program.files.map((f) => relative(dir, resolve(f)))).toEqual(['main.ded', join('sub', 'protocol.ded'), 'invariants.ded', join('sub', 'helper.ded')]);
  });

  it('-I DIR adds a folder to look in; a file found nowhere names every place looked in (exit 2)', () => {
    const dir = layout();
    writeFileSync(join(dir, 'sub', 'protocol.ded'), `include "common.ded"; include "invariants.ded"; ${PROTOCOL}`);
    writeFileSync(join(dir, 'lib', 'common.ded'), 'extra(a)@1;');
    const missing = ldfi(['run', join(dir, 'main.ded'), '--eot', '2', '--eff', '1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/protocol\.ded:1:1: cannot include "common\.ded": no such file \(looked for .*sub[\\/]common\.ded, .*common\.ded; add a folder with -I DIR\)/);
    const found = ldfi(['run', join(dir, 'main.ded'), '--eot', '2', '--eff', '1', '-I', join(dir, 'lib')]);
    expect(found.stderr).toMatch(/^ldfi: nodes a,b \(inferred; choose with --nodes\): a sends hello at .*protocol\.ded:1; b receives hello at .*protocol\.ded:1\n$/);
    expect(found.code).toBe(0);
    const badDir = ldfi(['run', join(dir, 'main.ded'), '-I', join(dir, 'nope')]);
    expect(badDir.code).toBe(2);
    expect(badDir.stderr).toMatch(/-I .*nope: no such folder/);
  });
});
