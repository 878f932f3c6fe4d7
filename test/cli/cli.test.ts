import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, ldfi, REPO as REPO_ROOT, splitCommand } from '../helpers/cli.ts';
import { ms } from '../helpers/time.ts';

const NAIVE = 'examples/dedalus/broadcast-naive.ded';
const tmp = mkdtempSync(join(tmpdir(), 'ldfi-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ldfi run', () => {
  it('exits 1 with a counterexample, and its replay line reproduces the same violation', async () => {
    const r = await cli(['run', NAIVE, '--eot', '4', '--eff', '2']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ 1 counterexample after 2 runs/);
    // Included files as the include statement names them.
    expect(r.stdout).toContain(`${NAIVE} (including broadcast-invariants.ded) — EOT 4`);
    expect(r.stdout).toMatch(/faults: +omit a→[bc] @1/);
    const violated = r.stdout.match(/violated: (.*)/)![1];
    const replayLine = r.stdout.match(/replay: +(.*)/)![1];
    const args = splitCommand(replayLine);
    expect(args.slice(0, 3)).toEqual(['node', 'bin/ldfi.js', 'replay']);
    const replay = await cli(args.slice(2));
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(`violated: ${violated}`);
  });

  it('exits 0 and says resilient when no fault set within the bounds breaks it', async () => {
    const r = await cli(['run', NAIVE, '--eot', '4', '--eff', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ resilient to [a-z, ()]+ within the bounds/);
  });

  it('says when a budget, not resilience, ended the search', async () => {
    const r = await cli(['run', NAIVE, '--eot', '4', '--eff', '2', '--strategy', 'random', '--max-runs', '1', '--seed', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no counterexample in 1 run.*not a proof of resilience/);
  });

  it('writes the JSON report atomically, with the documented fields', async () => {
    const out = join(tmp, 'report.json');
    const r = await cli(['run', NAIVE, '--eot', '4', '--eff', '2', '--find-all', '--json', out]);
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report).toMatchObject({ format: 'ldfi-report', version: 1, status: 'counterexample', strategy: 'ldfi', bounds: { eot: 4, eff: 2 } });
    expect(report.counterexamples.map((c: { faults: string }) => c.faults).sort()).toEqual(['omit a→b @1', 'omit a→c @1']);
    expect(report.timings.totalMs).toBeGreaterThan(0);
    expect(readdirSync(tmp).filter((f) => f.startsWith('report.json.tmp-'))).toEqual([]);
  });
});

describe('ldfi report', () => {
  it('draws the same HTML page from a saved JSON report as --html wrote during the search', async () => {
    const [json, live, again] = ['r.json', 'live.html', 'again.html'].map((f) => join(tmp, f));
    expect((await cli(['run', NAIVE, '--eot', '4', '--eff', '2', '--crashes', '1', '--find-all', '--seed', '1', '--json', json, '--html', live])).code).toBe(1);
    const r = await cli(['report', json, '--html', again]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`HTML report written to ${again}`);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(live, 'utf8'));
  });

  it('refuses a file that is not a JSON report, naming it (exit 2)', async () => {
    const notJson = join(tmp, 'not.json');
    writeFileSync(notJson, '{"a": x}');
    const other = join(tmp, 'other.json');
    writeFileSync(other, '{"format": "something-else"}');
    for (const [file, message] of [
      [notJson, `${notJson}: not a JSON report (Unexpected token`],
      [other, `${other}: not an ldfi JSON report`],
      [join(tmp, 'missing.json'), 'cannot read report'],
    ]) {
      const r = await cli(['report', file, '--html', join(tmp, 'x.html')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("every bound Molly's model allows is accepted (EOT ≥ 1, 0 ≤ EFF ≤ EOT, 0 ≤ crashes ≤ nodes)", () => {
  const edges: [string, string[], RegExp][] = [
    // EFF 0 is the fail-stop model: crashes only. The naive broadcast falls to its sender's crash.
    ['EFF 0 with a crash (fail-stop)', ['--eot', '4', '--eff', '0', '--crashes', '1'], /faults: {3}crash a @1\n/],
    ['EFF 0 without crashes: nothing can fail', ['--eot', '4', '--eff', '0'], /^✓ resilient/],
    ['EFF = EOT', ['--eot', '3', '--eff', '3'], /^✗ 1 counterexample/],
    ['EOT 1', ['--eot', '1', '--eff', '1'], /EOT 1, EFF 1/],
    ['crashes = nodes', ['--eot', '3', '--eff', '0', '--crashes', '3'], /crashes 3/],
  ];
  for (const [name, bounds, output] of edges) {
    it(name, async () => {
      const r = await cli(['run', NAIVE, ...bounds]);
      expect(r.stderr).not.toMatch(/error/);
      expect([0, 1]).toContain(r.code);
      expect(r.stdout).toMatch(output);
    });
  }
});

describe('bad input exits 2 with a clear message and no stack trace', () => {
  // Programs whose invariant is never evaluated: "resilient" would mean nothing.
  const base = ['node("a", "b")@1;', 'node(N, O)@next :- node(N, O);', 'log(O, M)@async :- bcast(N, M), node(N, O);', 'bcast("a", "hi")@1;'];
  const neverPre = join(tmp, 'never-pre.ded');
  writeFileSync(neverPre, [...base, 'pre(X, M) :- log(X, M), blocked(X);', 'post(X, M) :- log(X, M);', ''].join('\n'));
  const earlyPre = join(tmp, 'early-pre.ded');
  writeFileSync(earlyPre, [...base, 'pre(X, M) :- log(X, M);', 'post(X, M) :- log(X, M);', ''].join('\n'));
  // Inputs beyond the documented maxima: 300 nodes, a program over 10 MB.
  const manyNodes = join(tmp, 'many-nodes.ded');
  writeFileSync(manyNodes, [...Array.from({ length: 300 }, (_, i) => `link("n${i}", "n${i + 1}")@1;`), 'm(B, X)@async :- link(A, B), v(A, X);', 'v("n0", 1)@1;', 'pre(B, X) :- m(B, X);', 'post(B, X) :- m(B, X);', ''].join('\n'));
  const huge = join(tmp, 'huge.ded');
  writeFileSync(huge, `${' '.repeat(10_000_001)}\n`);
  const cases: [string, string[], RegExp][] = [
    ['more nodes than the maximum', ['run', manyNodes, '--eot', '3', '--eff', '1'], /many-nodes\.ded has 301 nodes, which is beyond the maximum of 256/],
    ['a program beyond the maximum size', ['run', huge], /huge\.ded: a Dedalus program of 10,000,002 bytes is beyond the maximum of 10,000,000 bytes/],
    ['a run budget beyond the maximum', ['run', NAIVE, '--max-runs', '100000001'], /--max-runs 100000001 is beyond the maximum of 100,000,000/],
    ['an invariant never evaluated (no rule for pre fires)', ['run', neverPre, '--eot', '4', '--eff', '2'], /never-pre\.ded: the invariant is never evaluated: no pre\(…\) holds at the end of time \(EOT 4\).*No rule for pre ever fired \(.*never-pre\.ded:5\)/],
    ['an invariant never evaluated, searched exhaustively', ['run', neverPre, '--eot', '4', '--eff', '2', '--strategy', 'exhaustive'], /the invariant is never evaluated/],
    ['an invariant never evaluated (pre gone by EOT)', ['run', earlyPre, '--eot', '4', '--eff', '2'], /the invariant is never evaluated.*pre\(b,hi\) holds at step 2 but is gone by EOT 4/],
    ['unknown option', ['run', NAIVE, '--bogus'], /unknown option '--bogus'/],
    ['bad number', ['run', NAIVE, '--eot', 'four'], /--eot must be a whole number ≥ 1, got 'four'/],
    ['unknown strategy', ['run', NAIVE, '--strategy', 'magic'], /--strategy.*magic.*ldfi, random, exhaustive|Allowed choices/],
    ['missing file', ['run', 'nope.ded'], /cannot read program file nope\.ded: no such file/],
    ['bad fault text', ['replay', NAIVE, '--faults', 'drop a b'], /cannot read fault 'drop a b'/],
    ['omission after EFF', ['replay', NAIVE, '--eot', '4', '--eff', '2', '--faults', 'omit a→b @2'], /end of finite failures \(EFF 2\)/],
    ['self omission', ['replay', NAIVE, '--faults', 'omit a→a @1'], /cannot lose a message to itself/],
    ['unknown node', ['replay', NAIVE, '--faults', 'omit a→z @1'], /z is not a node/],
    ['crash budget', ['replay', NAIVE, '--faults', 'crash b @1'], /crash budget is 0/],
    ['one link cut twice at once', ['replay', 'examples/sim/failover-on-disconnect.ts', '--faults', 'disconnect a↔b @1..2; disconnect b↔a @2..2'], /the link a→b is already cut by 'disconnect a↔b @1\.\.2' in that window; give one window \(@1\.\.2\) or windows apart/],
    ['two partitions at once', ['replay', 'examples/sim/failover-on-disconnect.ts', '--faults', 'partition {a}|{b,c} @1..2; partition {a,b}|{c} @2..2'], /the network splits one way at a time: give the partitions windows apart/],
    ['bad tuple', ['why', NAIVE, '--tuple', 'log(b,hello'], /--tuple:.*expected/],
    ['report onto a folder', ['run', NAIVE, '--json', tmp], /--json .* is a folder; give a file name/],
    ['report onto an input program', ['run', NAIVE, '--json', NAIVE], /--json .*broadcast-naive.ded is an input of this search; a report must not overwrite it/],
    ['two reports onto one file', ['run', NAIVE, '--json', join(tmp, 'same.out'), '--html', join(tmp, 'same.out')], /--json and --html both name .*same.out: give each report its own file/],
    ['an empty report name', ['run', NAIVE, '--json', ''], /--json: give a file name \(it is empty\)/],
    ['nodes that are none of the program', ['run', NAIVE, '--nodes', 'x,y'], /--nodes x,y: none of them is named in the program \(its locations: a, b, c\)/],
    ['report into a missing folder', ['run', NAIVE, '--junit', join(tmp, 'missing', 'r.xml')], /--junit .*: the folder .*missing does not exist/],
    ['fault kinds a target cannot apply', ['run', NAIVE, '--strategy', 'random', '--fault-kinds', 'delay'], /a dedalus target cannot apply delay/],
    ['a fault kind LDFI does not search on the target', ['run', NAIVE, '--fault-kinds', 'omit,restart'], /--fault-kinds: LDFI does not search restarts on Dedalus programs, whose model has omissions and crashes \(it searches omissions and crashes\); --strategy random draws any kind the target applies/],
    ['a fault kind that is none', ['run', NAIVE, '--fault-kinds', 'omit,flood'], /unknown fault kind 'flood'/],
    ['empty seed', ['run', NAIVE, '--seed', ''], /a seed cannot be empty/],
    ['no command', [], /Usage: ldfi/],
    ['seeds for a Dedalus program', ['run', NAIVE, '--seeds', '1..3'], /--seeds is for simulated networks/],
    ['seed and seeds together', ['run', 'examples/sim/retry-broadcast.ts', '--seed', '1', '--seeds', '1..3'], /--seed and --seeds: give one or the other/],
    ['an empty range of seeds', ['run', 'examples/sim/retry-broadcast.ts', '--seeds', '5..1'], /--seeds expects a range such as 1\.\.20/],
    ['a tuple that does not parse', ['why', NAIVE, '--tuple', 'post(b,hello'], /--tuple: expected one ground tuple such as 'log\(c,hello\)@4', got 'post\(b,hello'/],
    ['EOT 0', ['run', NAIVE, '--eot', '0'], /--eot must be a whole number ≥ 1, got '0'/],
    ['EOT beyond its maximum', ['run', NAIVE, '--eot', '1001', '--eff', '2'], /--eot 1001 is beyond the maximum of 1,000 steps/],
    ['EFF beyond EOT', ['run', NAIVE, '--eot', '4', '--eff', '5'], /--eff 5 is beyond --eot 4; EFF is at most EOT/],
    ['negative EFF', ['run', NAIVE, '--eff', '-1'], /--eff must be a whole number ≥ 0, got '-1'/],
    ['default EFF beyond EOT', ['run', NAIVE, '--eot', '1'], /the default EFF 2 is beyond --eot 1/],
    ['more crashes than nodes', ['run', NAIVE, '--crashes', '4'], /--crashes 4 is more than the 3 nodes \(a, b, c\)/],
    ['negative crashes', ['run', NAIVE, '--crashes', '-1'], /--crashes must be a whole number ≥ 0, got '-1'/],
    ['a status that is not an error', ['run', NAIVE, '--fail-status', '200'], /--fail-status.*'200' is not an error status; give statuses from 400 to 599/],
    ['failed requests on a Dedalus program', ['run', NAIVE, '--fail-status', '503'], /--fail-status: only requests between real processes over HTTP fail/],
    ['failed requests where no link speaks HTTP', ['run', 'examples/tcp/double-halve/ldfi.tcp.ts', '--fault-kinds', 'fail'], /--fault-kinds fail: double-halve has no link with HTTP framing/],
    ['a failed request in a replay of a sim protocol', ['replay', 'examples/sim/retry-broadcast.ts', '--faults', 'fail a→b @1 with 503'], /this target does not support failed requests/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('a syntax error names file:line:column', async () => {
    const file = join(tmp, 'broken.ded');
    writeFileSync(file, 'p(a)@1;\nq(X) :- p(X)\nr(a)@1;\n');
    const r = await cli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3:1: expected ';' at the end of the rule`);
  });
});

describe('every option refuses a bad value: exit 2, one line naming the option, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['run', NAIVE, '--eot', 'abc'], /--eot must be a whole number ≥ 1, got 'abc'/],
    [['run', NAIVE, '--eot', '99999999999999999999'], /--eot .* is beyond the maximum of 1,000 steps/],
    [['run', NAIVE, '--eff', '-1'], /--eff must be a whole number ≥ 0, got '-1'/],
    [['run', NAIVE, '--crashes', 'x'], /--crashes must be a whole number ≥ 0, got 'x'/],
    [['run', NAIVE, '--nodes', ','], /--nodes <a,b,c>.* expected node names separated by commas/],
    [['run', NAIVE, '--strategy', 'foo'], /--strategy <name>.*'foo' is invalid/],
    [['run', NAIVE, '--max-runs', '0'], /--max-runs must be a whole number ≥ 1, got '0'/],
    [['run', NAIVE, '--seed', ''], /--seed <seed>.*a seed cannot be empty/],
    [['run', 'examples/sim/double-halve.ts', '--seeds', '5..2'], /--seeds expects a range such as 1\.\.20/],
    [['run', NAIVE, '--workers', '0'], /--workers must be a whole number ≥ 1, got '0'/],
    [['run', NAIVE, '--only-faults', 'bogus'], /--only-faults: 'bogus' does not read as kind:where/],
    [['run', NAIVE, '--outcome', '(('], /--outcome: '\(\(' is not relation\(arg, …\)/],
    [['run', NAIVE, '--fault-kinds', 'zap'], /--fault-kinds <kinds>.*unknown fault kind 'zap'/],
    [['run', NAIVE, '--bogus'], /unknown option '--bogus'/],
    [['why', NAIVE, '--tuple', 'log(b,hello)@4', '--depth', '0'], /--depth must be a whole number ≥ 1, got '0'/],
    [['replay', NAIVE, '--faults', 'omit'], /--faults: cannot read fault 'omit'/],
    [['campaign', '--shard', '4/3'], /--shard 4\/3: expected i\/n with 1 ≤ i ≤ n/],
    [['campaign', '--config', '/nonexistent/ldfi.config.json'], /--config \/nonexistent\/ldfi.config.json: no such file/],
    [['report', '/nonexistent/r.json', '--html', join(tmp, 'x.html')], /cannot read report \/nonexistent\/r.json/],
  ];
  for (const [args, message] of cases) {
    it(args.slice(args.findIndex((a) => a.startsWith('--'))).join(' '), async () => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('ldfi: error:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe('warnings', () => {
  it('names facts placed after EOT and nodes the program never names, and still runs', async () => {
    const file = join(tmp, 'late.ded');
    writeFileSync(file, 'p(a, 1)@1;\np(a, 2)@9;\npre(X, Y) :- p(X, Y);\npost(X, Y) :- p(X, Y);\n');
    const r = await cli(['replay', file, '--nodes', 'a,zz']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`ldfi: warning: ${file}:2:1: 1 fact after EOT 3 (e.g. @9) never holds in this run`);
    expect(r.stderr).toContain('ldfi: warning: --nodes zz: not named anywhere in the program');
  });
});

describe('ldfi why', () => {
  it('prints every alternative derivation, persistence folded, and writes DOT, SVG and GEXF', async () => {
    const [dot, svg, gexf] = ['why.dot', 'why.svg', 'why.gexf'].map((f) => join(tmp, f));
    const r = await cli(['why', NAIVE, '--eot', '4', '--tuple', 'log(c,hello)@3', '--dot', dot, '--svg', svg, '--gexf', gexf]);
    expect(r.code).toBe(0);
    // Carried from step 2 to 3 by persistence alone: one line, then what step 2 rests on.
    expect(r.stdout.split('\n')[0]).toBe('log(c,hello)@2..3  (carried by persistence)');
    expect(r.stdout).toMatch(/message a→c sent @1, delivered @2/);
    expect(readFileSync(dot, 'utf8')).toMatch(/^digraph lineage \{[\s\S]*->[\s\S]*\}\n$/);
    const picture = readFileSync(svg, 'utf8');
    expect(picture).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="lineage"/);
    expect(picture).toContain('<style>');
    expect(picture).toContain('>log(c,hello)@3</text>');
    // GEXF that graph tools read back: the same vertices and edges.
    const { parse } = (await import('graphology-gexf')) as unknown as { parse: (g: unknown, s: string) => { order: number; size: number; hasNode: (k: string) => boolean } };
    const graphology = (await import('graphology')).default as unknown as { DirectedGraph: unknown };
    const g = parse(graphology.DirectedGraph, readFileSync(gexf, 'utf8'));
    expect(g.hasNode('log(c,hello)@3')).toBe(true);
    expect(g.hasNode('msg:a→c@1')).toBe(true);
    expect(g.size).toBeGreaterThanOrEqual(g.order - 1);
  });

  it('explains a tuple that does not hold: its root cause first, the absence folded over its steps', async () => {
    const r = await cli(['why', NAIVE, '--eot', '4', '--eff', '2', '--tuple', 'log(b,hello)@4', '--faults', 'omit a→b @1']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/does not hold in this run/);
    expect(lines[1]).toBe('root cause: message a→b sent @1 was lost');
    expect(r.stdout).toContain('not log(b,hello)@2..4  (absent at every step');
    expect(r.stdout).toContain('message a→b sent @1 stays lost');
  });

  it('refuses a tuple at a node, or of a relation, the program does not have (exit 2)', async () => {
    const node = await cli(['why', NAIVE, '--eot', '4', '--tuple', 'log(zz,hello)@3']);
    expect(node.code).toBe(2);
    expect(node.stderr).toContain("ldfi: error: --tuple: 'zz' is not a node (nodes: a, b, c), and nothing puts log tuples there\n");
    const relation = await cli(['why', NAIVE, '--eot', '4', '--tuple', 'lgo(b,hello)@3']);
    expect(relation.code).toBe(2);
    expect(relation.stderr).toContain("the program has no relation 'lgo'");
    // A constant nothing can put in its column: a typo, with the likely one named.
    const constant = await cli(['why', NAIVE, '--eot', '4', '--tuple', 'log(b,helo)@3']);
    expect(constant.code).toBe(2);
    expect(constant.stderr).toContain("--tuple: column 2 of log never holds 'helo' (did you mean 'hello'?)");
  });
});

describe('ldfi explain', () => {
  it('names the supports that defeated each hypothesis', async () => {
    const file = join(tmp, 'retry.ded');
    writeFileSync(
      file,
      `node(a, b)@1; log(a, m)@1;
       node(N, M)@next :- node(N, M);
       log(N, M)@next :- log(N, M);
       log(B, M)@async :- log(A, M), node(A, B), notin ack(A, B, M);
       ack(A, B, M)@async :- log(B, M), node(A, B);
       ack(A, B, M)@next :- ack(A, B, M);
       pre(B, M) :- log(A, M), node(A, B);
       post(B, M) :- pre(B, M), log(B, M);`,
    );
    const r = await cli(['explain', file, '--eot', '5', '--eff', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/resilient/);
    expect(r.stdout).toMatch(/post\(b,m\)@5/);
    // The fault-free run shows two sends before the ack arrives; cutting both reveals a third.
    expect(r.stdout).toMatch(/run \d+: omit a→b @1; omit a→b @2 → survived via a→b @3/);
  });
});

/** Starts a long search and resolves once its status lines show it running (never after a guessed delay). */
async function startedSearch(args: string[], command: [string, string[]] = ['node', ['bin/ldfi.js', ...args]]) {
  const { spawn } = await import('node:child_process');
  const child = spawn(command[0], command[1], { cwd: REPO_ROOT, env: { ...process.env, LDFI_COMMAND: 'node bin/ldfi.js', LDFI_STATUS_EVERY_MS: '100' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if ((stderr.match(/ldfi: status: [1-9][\d,]*(\/[\d,]+)? runs/g) ?? []).length >= 2) resolve();
    });
  });
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe("signals: the search stops, writes what it found, and exits with the signal's code", () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal} → exit ${code}, summary printed, report written as interrupted`, async () => {
      const out = join(tmp, `${signal}.json`);
      const s = await startedSearch(['run', NAIVE, '--eot', '4', '--eff', '1', '--strategy', 'random', '--max-runs', '100000000', '--json', out]);
      try {
        s.child.kill(signal);
        expect(await s.exited).toBe(code);
        expect(s.output().stdout).toMatch(/• interrupted after [\d,]+ runs/);
        const report = JSON.parse(readFileSync(out, 'utf8'));
        expect(report.status).toBe('interrupted');
        expect(report.runs.length).toBeGreaterThan(1);
      } finally {
        s.child.kill('SIGKILL');
      }
    });
  }

  // A sim search runs thousands of short runs under a vm watchdog: Ctrl-C must not be lost between them
  // (it was, about one time in three, when each run let Ctrl-C break into it).
  for (const k of [1, 2, 3, 4]) {
    it(`SIGINT stops a simulated search too (attempt ${k}): exit 130, report written as interrupted`, async () => {
      const out = join(tmp, `sim-int-${k}.json`);
      const s = await startedSearch(['run', 'examples/sim/retry-broadcast.ts', '--strategy', 'random', '--max-runs', '100000000', '--seed', String(k), '--json', out]);
      try {
        // At a different point of the run stream each time.
        await new Promise((r) => setTimeout(r, 37 * k));
        s.child.kill('SIGINT');
        expect(await s.exited).toBe(130);
        expect(JSON.parse(readFileSync(out, 'utf8')).status).toBe('interrupted');
      } finally {
        s.child.kill('SIGKILL');
      }
    });
  }

  it('a search whose parent dies (npx killed) stops as if hung up: no orphan, report written', async () => {
    const out = join(tmp, 'orphan.json');
    // A shell stands in for npx: ldfi runs as its child, and the shell is killed outright.
    const s = await startedSearch([], ['sh', ['-c', `node bin/ldfi.js run ${NAIVE} --eot 4 --eff 1 --strategy random --max-runs 100000000 --json ${out}; true`]]);
    s.child.kill('SIGKILL');
    await s.exited;
    let report: { status?: string } = {};
    for (let i = 0; i < 200 && report.status === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        report = JSON.parse(readFileSync(out, 'utf8'));
      } catch {
        // Not written yet.
      }
    }
    expect(report.status).toBe('interrupted');
  });
});

describe('a protocol whose top-level code never ends', () => {
  it('is bad input after the load time bound (exit 2), not a hang', () => {
    const file = join(tmp, 'spins.ts');
    writeFileSync(file, `import { defineProtocol } from '${REPO_ROOT}/src/targets/sim/api.ts';\nfor (;;) {}\nexport default defineProtocol({ name: 'spins', nodes: ['a'], node: () => ({}), workload: [], invariants: [] });\n`);
    const r = ldfi(['run', file], { env: { LDFI_LOAD_TIMEOUT_MS: '1500' }, timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ldfi: error: ${file}: loading it did not finish within 1.5 s: its top-level code never ends`);
  });
});

describe('reports', () => {
  it('a report written through a symbolic link keeps the link', async () => {
    const real = join(tmp, 'real-report.json');
    const link = join(tmp, 'link-report.json');
    symlinkSync(real, link);
    expect((await cli(['run', NAIVE, '--eot', '4', '--eff', '2', '--json', link])).code).toBe(1);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(real, 'utf8')).status).toBe('counterexample');
  });

  it('a report that cannot be written after the search: the summary is printed, the failure named, exit 2', async () => {
    const folder = mkdtempSync(join(tmp, 'vanishing-'));
    const s = await startedSearch(['run', NAIVE, '--eot', '4', '--eff', '1', '--strategy', 'random', '--max-runs', '100000000', '--json', join(folder, 'r.json')]);
    try {
      rmSync(folder, { recursive: true, force: true });
      s.child.kill('SIGINT');
      expect(await s.exited).toBe(2);
      expect(s.output().stdout).toMatch(/• interrupted after [\d,]+ runs/);
      expect(s.output().stderr).toMatch(/ldfi: error: a report could not be written: --json .*vanishing-.*r\.json/);
    } finally {
      s.child.kill('SIGKILL');
    }
  });
});

describe("a protocol's asynchronous throw", () => {
  it('is bad input naming the protocol (exit 2), not an internal error or a counterexample', () => {
    for (const [name, body] of [
      ['timer', "setTimeout(() => { throw new Error('late boom'); }, 1);"],
      ['promise', "void Promise.reject(new Error('late boom'));"],
    ]) {
      const file = join(tmp, `async-${name}.ts`);
      writeFileSync(
        file,
        `import { defineProtocol, expectOutputs } from '${REPO_ROOT}/src/targets/sim/api.ts';
         export default defineProtocol({ name: 'async', nodes: ['a', 'b'],
           node: (id) => ({ init: (ctx) => { if (id === 'a') ctx.send('b', 1); }, onMessage: (ctx, _f, v) => { ${body} ctx.output(v); } }),
           workload: [], invariants: [expectOutputs({ from: 'a', to: 'b', expected: (v) => v })], latency: [1, 1] });`,
      );
      const r = ldfi(['run', file, '--eot', '10', '--eff', '5']);
      expect(r.code, name).toBe(2);
      expect(r.stderr).toContain(`ldfi: error: ${file}`);
      expect(r.stderr).toContain('late boom — thrown after the handler that started it returned');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('progress, colours and hints', () => {
  it('writes a status line to a log (not a terminal) while a search runs: runs, budget, pending, counterexamples, time', async () => {
    const r = await cli(['run', 'examples/sim/retry-broadcast.ts', '--seed', '1', '--max-runs', '100000'], { env: { LDFI_STATUS_EVERY_MS: '200' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^ldfi: status: [\d,]+\/100,000 runs, [\d,]+ hypothes[ie]s pending, 0 counterexamples, \d+ s/m);
    // Only the report on stdout.
    expect(r.stdout).not.toContain('status:');
  });

  it('colours only when asked or on a terminal: plain in a pipe, and NO_COLOR wins over a terminal', async () => {
    const plain = ldfi(['run', NAIVE, '--eot', '4', '--eff', '2']);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = ldfi(['run', NAIVE, '--eot', '4', '--eff', '2'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/^\u001b\[1m\u001b\[31m✗ 1 counterexample/);
    const { colorsFor, paintReport } = await import('../../src/report/colors.ts');
    expect(paintReport('✓ resilient', colorsFor({ isTTY: true }, {}))).toContain('\u001b[32m');
    expect(paintReport('✓ resilient', colorsFor({ isTTY: true }, { NO_COLOR: '1' }))).toBe('✓ resilient');
    expect(paintReport('✓ resilient', colorsFor({ isTTY: false }, {}))).toBe('✓ resilient');
  });

  it('prints hints as real commands with the user\'s files and bounds, which run as they say', async () => {
    const r = await cli(['run', NAIVE, '--eot', '4', '--eff', '2']);
    expect(r.stdout).not.toMatch(/FILES…|'…'|\(…\)/);
    const hints = [...r.stdout.matchAll(/^Hint: (.*?) (keeps searching|shows why)/gm)].map((m) => splitCommand(m[1]));
    expect(hints).toHaveLength(2);
    for (const args of hints) expect(args.slice(0, 2)).toEqual(['node', 'bin/ldfi.js']);
    const findAll = await cli(hints[0].slice(2));
    expect(findAll.code).toBe(1);
    expect(findAll.stdout).toMatch(/✗ 2 counterexamples/);
    const why = await cli(hints[1].slice(2));
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('root cause: message a→b sent @1 was lost');
  });

  it('hints search the kinds the search did (a new user ran an explain hint that searched every kind)', async () => {
    const r = await cli(['run', 'examples/sim/retry-broadcast.ts', '--seed', '1', '--eot', '20', '--eff', '8', '--fault-kinds', 'omit']);
    expect(r.code).toBe(0);
    const explain = /^Hint: (.*?) shows which supports/m.exec(r.stdout)![1];
    expect(explain).toContain('--fault-kinds omit');
    const again = await cli([...splitCommand(explain).slice(2), '--max-runs', '3']);
    expect(again.stdout).toMatch(/kinds omit\b(?!,)/);
  });

  it('does not print a hint that does not apply', async () => {
    // A proof with nothing to explain (one run), and a counterexample found with --find-all already.
    const proof = await cli(['run', NAIVE, '--eot', '4', '--eff', '1']);
    expect(proof.stdout).not.toContain('Hint:');
    const all = await cli(['run', NAIVE, '--eot', '4', '--eff', '2', '--find-all']);
    expect(all.stdout).not.toContain('--find-all keeps searching');
  });
});

describe('sim protocols from the command line', () => {
  it('a printed counterexample replays from its one line, and a trace file replays identically', async () => {
    const r = await cli(['run', 'examples/sim/retry-broadcast.ts', '--seed', '1', '--crashes', '1']);
    expect(r.code).toBe(1);
    const violated = r.stdout.match(/violated: (.*)/)![1];
    const args = splitCommand(r.stdout.match(/replay: +(.*)/)![1]).slice(2);
    expect(args).toContain('--seed');
    const trace = join(tmp, 'sim-trace.json');
    const replay = await cli([...args, '--trace', trace]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(`violated: ${violated}`);
    const again = await cli(['replay', '--from-trace', trace]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/✓ replayed identically: trace [0-9a-f]{64}/);
    expect(again.stdout).toContain(`violated: ${violated}`);
  });

  it('reports a protocol that throws as a finding, not a crash of ldfi', async () => {
    const file = join(tmp, 'thrower.ts');
    writeFileSync(
      file,
      `import { defineProtocol } from '${REPO_ROOT}/src/targets/sim/api.ts';
       export default defineProtocol({
         name: 'thrower', nodes: ['a', 'b'],
         node: (id) => ({
           onInput: (ctx, v) => ctx.send('b', v),
           onMessage: (_ctx, _from, v) => { if (v === 2) throw new RangeError('two is not allowed'); },
         }),
         workload: [{ at: 1, node: 'a', value: 1 }, { at: 2, node: 'a', value: 2 }],
         invariants: [],
       });`,
    );
    const r = await cli(['run', file, '--seed', '1', '--eot', '20', '--eff', '5']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error: +node b threw in onMessage at t=\d+: two is not allowed/);
    // Its only complaint: the protocol checks nothing else (no stack trace, no internal error).
    expect(r.stderr).toMatch(/^ldfi: warning: .*has no invariant: no run can violate anything; add invariants \(e\.g\. expectOutputs\) to defineProtocol\n$/);
  });

  it('names file:line:column for a TypeScript syntax error in a protocol', async () => {
    const file = join(tmp, 'broken-protocol.ts');
    writeFileSync(file, 'export default {;\n');
    const r = await cli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:1:16: Expected identifier`);
  });

  it('reports a protocol whose node() factory throws as a finding too, and replay says violated', async () => {
    const file = join(tmp, 'factory.ts');
    writeFileSync(
      file,
      `import { defineProtocol } from '${REPO_ROOT}/src/targets/sim/api.ts';
       export default defineProtocol({ name: 'factory', nodes: ['a'], node: () => { throw new Error('no handlers today'); }, workload: [], invariants: [] });`,
    );
    const r = await cli(['replay', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ invariant violated under: none/);
    expect(r.stdout).toMatch(/error: +node a threw in node\(\) at t=1: no handlers today/);
  });

  it('refuses a trace file that was cut short, naming what is missing', async () => {
    const file = join(tmp, 'short-trace.json');
    writeFileSync(file, '{"format":"ldfi-trace","version":1}');
    const r = await cli(['replay', '--from-trace', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the trace lacks target\.files, bounds, seed, faults, hash/);
  });

  it('refuses a file that is not a protocol, naming it', async () => {
    const file = join(tmp, 'not-a-protocol.ts');
    writeFileSync(file, 'export const x = 1;\n');
    const r = await cli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: no protocol exported`);
  });
});

describe('ldfi why on a sim protocol', () => {
  it('shows how an output came about, down to its messages', async () => {
    const r = await cli(['why', 'examples/sim/double-halve-recovery.ts', '--tuple', 'sink:2', '--seed', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('output sink: 2');
    expect(r.stdout).toMatch(/deliver halver→sink @\d+/);
    expect(r.stdout).toMatch(/message source→doubler sent @\d+, not lost/);
  });

  it('says when the output does not happen under the faults', async () => {
    const r = await cli(['why', 'examples/sim/double-halve.ts', '--tuple', 'sink:2', '--seed', '1', '--faults', 'disconnect doubler↔halver @1..14']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sink:2 does not hold in this run/);
  });

  it('lists every occurrence of an output produced more than once, and refuses an unknown node (exit 2)', async () => {
    const file = join(tmp, 'twice.ts');
    writeFileSync(
      file,
      `import { defineProtocol } from '${REPO_ROOT}/src/targets/sim/api.ts';
       export default defineProtocol({ name: 'twice', nodes: ['a', 'b'],
         node: (id) => ({ init: (ctx) => { if (id === 'a') { ctx.send('b', 'x'); ctx.setTimer(5); } }, onTimer: (ctx) => ctx.send('b', 'x'), onMessage: (ctx, _from, v) => ctx.output(v) }),
         workload: [], invariants: [], latency: [1, 1] });`,
    );
    const r = await cli(['why', file, '--tuple', 'b:"x"', '--eot', '20', '--eff', '10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('occurrence 1 of 2 (b:"x"#1):');
    expect(r.stdout).toContain('occurrence 2 of 2 (b:"x"#2):');
    const one = await cli(['why', file, '--tuple', 'b:"x"#2', '--eot', '20', '--eff', '10']);
    expect(one.stdout).not.toContain('occurrence');
    // The report's own name for an output is accepted; an occurrence past the last says how many there were.
    const fifth = await cli(['why', file, '--tuple', 'out:b:"x"#5', '--eot', '20', '--eff', '10']);
    expect(fifth.code).toBe(0);
    expect(fifth.stdout).toContain('(not produced: it was output 2 times in this run, #1..#2)');
    const bad = await cli(['why', file, '--tuple', 'c:"x"', '--eot', '20', '--eff', '10']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("ldfi: error: --tuple: 'c' is not a node (nodes: a, b)\n");
  });
});

describe('an invariant that throws', () => {
  it('is reported as unknown, not as a violation or a crash of ldfi', async () => {
    const file = join(tmp, 'throwing-invariant.ts');
    writeFileSync(
      file,
      `import { defineProtocol } from '${REPO_ROOT}/src/targets/sim/api.ts';
       export default defineProtocol({ name: 'inv', nodes: ['a'], node: () => ({ init: (ctx) => ctx.output(1) }), workload: [],
         invariants: [function durable() { throw new Error('not implemented'); }] });`,
    );
    // Exit 4: neither a pass (0) nor a counterexample (1).
    const replay = await cli(['replay', file]);
    expect(replay.code).toBe(4);
    expect(replay.stdout).toMatch(/^\? invariant could not be checked under: none/);
    expect(replay.stdout).toContain('unknown:  invariant durable threw: not implemented');
    const run = await cli(['run', file, '--seed', '1']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^• no counterexample found .*not a proof: 1 run could not be checked; the first, run 1: invariant durable threw: not implemented/);
  });
});

describe('a handler that never returns', () => {
  const looper = (budget: number) => {
    const file = join(tmp, `looper-${budget}.ts`);
    writeFileSync(
      file,
      `import { defineProtocol, expectOutputs } from '${REPO_ROOT}/src/targets/sim/api.ts';
       export default defineProtocol({
         name: 'looper', nodes: ['a', 'b'],
         node: (id) => ({
           onInput: (ctx, v) => ctx.send('b', v),
           onMessage: (ctx, _from, v) => {
             if (id !== 'b') return;
             if (v === 2) { process.stderr.write('looping\\n'); for (;;) {} }
             ctx.output(v);
           },
         }),
         workload: [{ at: 1, node: 'a', value: 1 }, { at: 2, node: 'a', value: 2 }],
         invariants: [expectOutputs({ from: 'a', to: 'b', expected: (x) => x })],
         runBudgetMs: ${budget},
       });`,
    );
    return file;
  };

  it('is a finding naming the node, the handler and the time, with a replay line', async () => {
    const r = await cli(['run', looper(300), '--seed', '1', '--eot', '20', '--eff', '5']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error: +node b did not return from onMessage within 300 ms \(a loop that never ends\?\) at t=\d+/);
    expect(r.stdout).toMatch(/replay: +node bin\/ldfi\.js replay .*looper-300\.ts .*--faults none/);
  });

  it('does not stop Ctrl-C: ldfi ends at once, keeping what it found', async () => {
    const { spawn } = await import('node:child_process');
    const out = join(tmp, 'looper.json');
    const child = spawn('node', ['bin/ldfi.js', 'run', looper(600_000), '--seed', '1', '--eot', '20', '--eff', '5', '--json', out], {
      cwd: REPO_ROOT,
      env: { ...process.env, LDFI_COMMAND: 'node bin/ldfi.js' },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    try {
      // Keyed on the protocol saying it entered its loop, not on a delay.
      await new Promise<void>((resolve) => child.stderr.on('data', (d) => String(d).includes('looping') && resolve()));
      const sent = Date.now();
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      // Stopped by the signal well before its 600 s loop ends (a hang guard, scaled on a slow machine).
      expect(Date.now() - sent).toBeLessThan(ms(60_000));
      expect(code).toBe(130);
      expect(stdout).toMatch(/• interrupted after \d+ runs?/);
      expect(JSON.parse(readFileSync(out, 'utf8')).status).toBe('interrupted');
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('Ctrl-C during a long solver call', () => {
  it('is heard between slices of the check: exit 130 at once, the report written, nothing proved', async () => {
    const { spawn } = await import('node:child_process');
    const out = join(tmp, 'solving.json');
    // The first check must also refute a pigeonhole formula: Z3 is busy for minutes.
    const child = spawn('node', ['bin/ldfi.js', 'run', NAIVE, '--eot', '4', '--eff', '2', '--crashes', '1', '--json', out], {
      cwd: REPO_ROOT,
      env: { ...process.env, LDFI_COMMAND: 'node bin/ldfi.js', LDFI_TEST_SOLVER_FAULT: 'hard:1', LDFI_STATUS_EVERY_MS: '200' },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    try {
      // Keyed on progress: the second status line comes while the first (and only) check runs.
      let lines = 0;
      await new Promise<void>((resolve) => child.stderr.on('data', (d) => (lines += (String(d).match(/ldfi: status/g) ?? []).length) >= 2 && resolve()));
      const sent = Date.now();
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      // Well within the minutes the check would take (a hang guard, scaled on a slow machine).
      expect(Date.now() - sent).toBeLessThan(ms(10_000));
      expect(code).toBe(130);
      expect(stdout).toMatch(/• interrupted after 1 run/);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      expect(report.status).toBe('interrupted');
      expect(report.proven).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('--seeds: several delivery orders, each root cause once', () => {
  it('reports a bug found under several seeds once, and its replay line reproduces it', async () => {
    const out = join(tmp, 'seeds.json');
    const r = await cli(['run', 'examples/sim/primary-backup-async.ts', '--seeds', '1..4', '--find-all', '--json', out], {});
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.seed).toBe('1..4');
    const shapes = report.counterexamples.map((c: { faultList: { kind: string }[] }) => c.faultList.map((f) => f.kind).join('+'));
    expect(new Set(shapes).size).toBe(shapes.length);
    expect(report.counterexamples[0].sameCause).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/more of the same cause/);
    const replay = await cli(splitCommand(report.counterexamples[0].replay).slice(2));
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/^✗ invariant violated under:/);
  });
});

describe('--find-all', () => {
  it('reports each root cause once: the same crashes at other times are counted, not repeated', async () => {
    const out = join(tmp, 'find-all.json');
    const r = await cli(['run', 'examples/dedalus/kafka-isr.ded', '--eot', '5', '--eff', '1', '--crashes', '2', '--find-all', '--json', out]);
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const causes = report.counterexamples.map((c: { faultList: { kind: string; node?: string }[] }) => c.faultList.map((f) => `${f.kind} ${f.node}`).join('; '));
    expect(new Set(causes).size).toBe(causes.length);
    expect(report.counterexamples.some((c: { sameCause?: number }) => (c.sameCause ?? 0) > 0)).toBe(true);
  });
});
