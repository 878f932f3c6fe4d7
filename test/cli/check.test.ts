import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ldfi, REPO } from '../helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ldfi-check-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const protocol = (name: string, body: string) => {
  const file = join(tmp, `${name}.ts`);
  writeFileSync(file, `import { defineProtocol, expectOutputs } from '${REPO}/src/targets/sim/api.ts';\n${body}`);
  return file;
};

describe('ldfi check', () => {
  it('lists a send to an unknown node and a misspelled handler, each at its line and column, before any run', () => {
    const file = protocol(
      'typos',
      `export default defineProtocol({
  name: 'typos',
  nodes: ['client', 'server'],
  node: (id) => ({
    onInput(ctx, v) {
      ctx.send('sever', v);
    },
    onMesage(ctx: unknown) {
      void ctx;
    },
  }),
  workload: [{ at: 1, node: 'client', value: 'hi' }],
  invariants: [expectOutputs({ from: 'client', to: 'server', expected: (v) => v })],
});
`,
    );
    const r = ldfi(['check', file]);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain(`${file}:7:16: error: Argument of type '"sever"' is not assignable to parameter of type '"client" | "server"'. (TS2345)`);
    expect(lines.some((l) => l.startsWith(`${file}:9:5: error: node client: 'onMesage' is not a handler, so it is never called (did you mean onMessage?)`))).toBe(true);
    expect(lines[lines.length - 1]).toBe(`✗ ${file}: 2 errors`);
  });

  it('passes a correct protocol, and warns when it has no invariant', () => {
    const file = protocol(
      'fine',
      `export default defineProtocol({
  name: 'fine',
  nodes: ['a', 'b'],
  node: () => ({ onInput: (ctx, v) => ctx.send('b', v) }),
  workload: [{ at: 1, node: 'a', value: 1 }],
  invariants: [],
});
`,
    );
    const r = ldfi(['check', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${file}: warning: fine has no invariant: no run can violate anything\n✓ ${file}: no errors (1 warning)\n`);
    const example = ldfi(['check', 'examples/sim/chain-replication.ts']);
    expect([example.code, example.stdout]).toEqual([0, '✓ examples/sim/chain-replication.ts: no errors\n']);
    // Several protocols: each checked as its own program, the problems of each named.
    const both = ldfi(['check', 'examples/sim/chain-replication.ts', file]);
    expect([both.code, both.stdout]).toEqual([0, `${file}: warning: fine has no invariant: no run can violate anything\n✓ examples/sim/chain-replication.ts ${file}: no errors (1 warning)\n`]);
  });

  it('warns that a node keeping state in a closure has conservative lineage, at the declaration, naming how it changes', () => {
    const file = protocol(
      'closure',
      `export default defineProtocol({
  name: 'closure',
  nodes: ['a', 'b'],
  node: (id) => {
    const seen = new Set<string>();
    return {
      onMessage(ctx, from) {
        seen.add(from);
        ctx.output(seen.size);
      },
      onInput: (ctx, v) => ctx.send('b', v),
    };
  },
  workload: [{ at: 1, node: 'a', value: 1 }],
  invariants: [expectOutputs({ from: 'a', to: 'b', expected: () => 1 })],
});
`,
    );
    const r = ldfi(['check', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${file}:6:11: warning: lineage of nodes a, b is conservative (an action depends on everything the node saw before): \`seen\` (a Set, declared in a closure) is changed by a handler (\`.add(…)\`); keep state in ctx.state for precise lineage (docs/lineage-for-code.md)\n✓ ${file}: no errors (1 warning)\n`,
    );
  });

  it('a workload with a hole in its list is bad input naming the item, not an internal error', () => {
    const file = protocol('hole', `export default defineProtocol({ name: 'hole', nodes: ['a'], node: () => ({}), workload: [{ at: 1, node: 'a', value: 1 }, , { at: 2, node: 'a', value: 2 }], invariants: [() => []] });\n`);
    const r = ldfi(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ldfi: error: ${file}: workload item 2 is missing (a hole in the list?), not { at, node, value }`);
  });

  it('checks a tcp system against ldfi/tcp and loads it without starting its processes', () => {
    const ok = ldfi(['check', 'examples/tcp/double-halve/ldfi.tcp.ts']);
    expect([ok.code, ok.stdout]).toEqual([0, '✓ examples/tcp/double-halve/ldfi.tcp.ts: no errors\n']);
    // The primary-backup processes pass W3C trace context along: precise lineage, nothing to warn of.
    const traced = ldfi(['check', 'examples/tcp/primary-backup/ldfi.tcp.ts']);
    expect([traced.code, traced.stdout]).toEqual([0, '✓ examples/tcp/primary-backup/ldfi.tcp.ts: no errors\n']);
    // Processes that pass no cause id along have conservative lineage, and check says so.
    const untraced = join(tmp, 'untraced.tcp.ts');
    writeFileSync(untraced, `import { primaryBackup } from '${REPO}/examples/tcp/primary-backup/system.ts';\nconst system = primaryBackup({ sync: false });\nexport default { ...system, traceId: undefined };\n`);
    const opaque = ldfi(['check', untraced]);
    expect(opaque.code).toBe(0);
    expect(opaque.stdout).toMatch(/warning: lineage of primary-backup\S* is conservative \(a message or output depends on everything its process received before\)/);
    const file = join(tmp, 'bad.tcp.ts');
    writeFileSync(
      file,
      `import { defineSystem } from '${REPO}/src/targets/tcp/api.ts';
export default defineSystem({
  name: 'bad',
  nodes: { a: { command: 'node' }, b: { command: 'node' } },
  links: [['a', 'c']],
  workload: [],
  invariants: [],
});
`,
    );
    const r = ldfi(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+: error: Type '"c"' is not assignable to type '"a" \\| "b"'`, 'm'));
  });

  it('reports a syntax error once, at its place, and a Dedalus program through its parser', () => {
    const file = protocol('syntax', `export default defineProtocol({ name: 'x', nodes: ['a'], node: () => ({ init(ctx) { ctx.send('a', 1 } }), workload: [], invariants: [] });\n`);
    const r = ldfi(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: error: ',' expected\\. \\(TS1005\\)`, 'm'));
    expect(r.stderr).toBe('');
    const ded = join(tmp, 'bad.ded');
    writeFileSync(ded, 'node(a, b)@1;\nlog(X) :- node(X, Y;\n');
    const d = ldfi(['check', ded]);
    expect(d.code).toBe(2);
    expect(d.stdout).toMatch(new RegExp(`^${ded.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: error: `));
  });

  it('warns about a relation a Dedalus rule reads that nothing defines (a typo), at its place', () => {
    const ded = join(tmp, 'typo.ded');
    writeFileSync(ded, ['node("a", "b")@1;', 'node(N, O)@next :- node(N, O);', 'log(O, M)@async :- bcast(N, M), node(N, O);', 'bcast("a", "hi")@1;', 'log(N, M)@next :- log(N, M);', 'pre(X, M) :- logs(X, M);', 'post(X, M) :- log(X, M), notin missing(X);', ''].join('\n'));
    const r = ldfi(['check', ded]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${ded}:6:14: warning: no fact or rule gives logs a tuple (did you mean log?), so the rule for pre at line 6 never fires`);
    expect(r.stdout).toContain(`${ded}:7:32: warning: no fact or rule gives missing a tuple, so notin missing always holds`);
    expect(r.stdout).toMatch(/no errors \(2 warnings\)/);
  });
});
