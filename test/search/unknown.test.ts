import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explain, formatHtmlReport, formatJsonReport, formatJUnit, mergeVerdicts, openTarget, replay, runVerdict, search, verdictOf, type SearchResult } from 'ldfi';
import { expectResilient, ResilienceError } from 'ldfi/vitest';
import { formatSearchResult } from '../../src/report/text.ts';
import { startZ3, type SatBackend } from '../../src/solver/z3-backend.ts';
import { cli, ldfi, REPO } from '../helpers/cli.ts';
import { ms } from '../helpers/time.ts';

const THROWS = 'test/fixtures/sim/invariant-throws.ts';
const HANGS = 'test/fixtures/sim/invariant-hangs.ts';
const EXITS = 'test/fixtures/sim/exits.ts';
const INVARIANT_EXITS = 'test/fixtures/sim/invariant-exits.ts';
const DIVERGES = 'test/fixtures/dedalus/diverges-when-lost.ded';
const TCP = 'test/fixtures/tcp/unchecked.tcp.ts';

let z3: SatBackend;
beforeAll(async () => {
  z3 = await startZ3();
});
afterAll(() => z3.close());
const tmp = mkdtempSync(join(tmpdir(), 'ldfi-unknown-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every report of a result agrees that it proved nothing, and names why. */
function expectUnproven(r: SearchResult, why: RegExp): void {
  expect(r.status).toBe('no-counterexample-found');
  if (r.status !== 'no-counterexample-found') return;
  expect(r.reason).toMatch(why);
  expect(r.reason).toMatch(/could not be checked; the first, run \d+: .*; replay it: .* replay .* --faults /);
  const v = verdictOf(r);
  expect(v.proven).toBe(false);
  expect(v.mark).not.toBe('✓');
  expect(formatSearchResult(r).split('\n')[0]).toMatch(/^• no counterexample found .*not a proof: \d+ runs? could not be checked/);
  const json = JSON.parse(formatJsonReport(r));
  expect(json.proven).toBe(false);
  expect(json.status).toBe('no-counterexample-found');
  expect(json.runs.some((run: { check: string }) => run.check === 'unknown')).toBe(true);
  // JUnit: nothing passes; every case is skipped with the reason.
  const junit = formatJUnit(r);
  const cases = junit.match(/<testcase[^>]*>[\s\S]*?<\/testcase>/g) ?? [];
  expect(cases.length).toBeGreaterThan(0);
  for (const c of cases) expect(c).toMatch(/<skipped message="not a proof: \d+ runs? could not be checked/);
  expect(junit).toMatch(/failures="0"/);
  // HTML: no run that could not be checked is drawn as one that held, and the page is not green.
  const html = formatHtmlReport(r);
  const checks = new Map<number, string>(json.runs.map((run: { index: number; check: string }) => [run.index, run.check]));
  const headings = [...html.matchAll(/id="d-run-(\d+)">\s*<h3>[^<]*<small>([^·]*)·/g)];
  expect(headings.length).toBeGreaterThan(0);
  for (const [, index, said] of headings) {
    const check = checks.get(Number(index));
    expect(said.trim(), `run ${index} (${check})`).toBe(check === 'unknown' ? '? invariant not checked' : check === 'violated' ? '✗ invariant violated' : '✓ invariant held');
  }
  expect(html).not.toMatch(/<h1[^>]*>✓/);
  expect(json.unchecked.runs).toBeGreaterThan(0);
}

describe('one run verdict: violated > unknown > holds', () => {
  it('a run is violated by a violation or a failed target, unknown when a check could not be made, else holds', () => {
    expect(runVerdict({ violations: [], unknown: [] })).toBe('holds');
    expect(runVerdict({ violations: [], unknown: ['invariant x threw: y'] })).toBe('unknown');
    expect(runVerdict({ violations: [{ key: 'k', message: 'm' }], unknown: ['z'] })).toBe('violated');
    expect(runVerdict({ violations: [], error: 'node a threw', unknown: ['z'] })).toBe('violated');
    expect(mergeVerdicts([])).toBe('holds');
    expect(mergeVerdicts(['holds', 'unknown', 'holds'])).toBe('unknown');
    expect(mergeVerdicts(['unknown', 'violated', 'holds'])).toBe('violated');
  });
});

describe('a search with runs that could not be checked proves nothing, in every report', () => {
  it('sim: an invariant that throws on every run', async () => {
    const t = await openTarget(THROWS, { seed: '1' });
    const r = await search(t, { seed: '1' });
    expectUnproven(r, /invariant delivered threw/);
    // The seed the result names is the seed the network ran.
    expect(r.seed).toBe('1');
    await expect(expectResilient(THROWS, {})).rejects.toThrow(ResilienceError);
    expect(explain(r)).toMatch(/the run could not be checked \(invariant delivered threw/);
    expect(explain(r)).not.toMatch(/precondition too/);
    const again = await replay(t, 'none');
    expect(again.verdict).toBe('unknown');
    expect(again.holds).toBe(false);
  });

  it('sim: an invariant that never returns is stopped by the run watchdog, naming it', async () => {
    const r = await search(await openTarget(HANGS, { seed: '1' }), { seed: '1' });
    expectUnproven(r, /invariant counted did not return within 400 ms/);
  });

  it('sim: process.exit in a handler is the protocol failing (a counterexample naming the file), in an invariant an unknown', async () => {
    const r = await search(await openTarget(EXITS, { seed: '1' }), { seed: '1' });
    expect(r.status).toBe('counterexample');
    expect(r.counterexamples[0].error).toMatch(/process\.exit\(0\) called at test\/fixtures\/sim\/exits\.ts:\d+:\d+/);
    const inv = await search(await openTarget(INVARIANT_EXITS, { seed: '1' }), { seed: '1' });
    expectUnproven(inv, /invariant delivered threw: process\.exit\(0\) called at test\/fixtures\/sim\/invariant-exits\.ts:\d+:\d+/);
  });

  it('Dedalus: a run whose evaluation never reaches a fixpoint under faults is unknown (invariants are rules: they cannot throw)', async () => {
    const t = await openTarget(DIVERGES, { eot: 4, eff: 2 });
    expectUnproven(await search(t), /the run could not be evaluated: .*spin keeps growing within step 3/);
    // Exhaustive search agrees: not resilient, not broken.
    expectUnproven(await search(t, { strategy: 'exhaustive' }), /spin keeps growing/);
    expect((await replay(t, 'omit a→b @1')).verdict).toBe('unknown');
    expect((await replay(t, 'none')).verdict).toBe('holds');
  });

  it('a budget never hides runs that could not be checked', async () => {
    const r = await search(await openTarget(THROWS, { seed: '1' }), { strategy: 'random', maxRuns: 4 });
    expect(r.status).toBe('budget-exhausted');
    const v = verdictOf(r);
    expect(v.headline).toMatch(/the run budget stopped the search first, so this is not a proof of resilience; and 4 runs could not be checked; the first, run 1: invariant delivered threw/);
    expect(v.caveat).toMatch(/4 runs could not be checked/);
  });

  it('tcp: an invariant that throws on a run of real processes', async () => {
    // EFF 1: no omission or dropped connection fits, so the search is its fault-free run.
    const r = await search(await openTarget(TCP, { eot: 6, eff: 1 }));
    expectUnproven(r, /invariant sinkOrder threw: the sink log is not parsed yet/);
  });
});

describe('the command line on a run that could not be checked', () => {
  it('run exits 0 with proven false and JUnit skipped; replay of that run exits 4', () => {
    const json = join(tmp, 'unchecked.json');
    const junit = join(tmp, 'unchecked.xml');
    const r = ldfi(['run', THROWS, '--seed', '1', '--json', json, '--junit', junit]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^• no counterexample found .*not a proof: 3 runs could not be checked; the first, run 1: invariant delivered threw/);
    expect(r.stdout).not.toMatch(/^✓/m);
    expect(JSON.parse(readFileSync(json, 'utf8')).proven).toBe(false);
    expect(readFileSync(junit, 'utf8')).toMatch(/<skipped message="not a proof/);
    const replayLine = /replay it: (.*)$/m.exec(r.stdout)![1];
    const again = ldfi(replayLine.split(' ').slice(2).map((a) => a.replace(/^'|'$/g, '')));
    expect(again.code).toBe(4);
    expect(again.stdout).toMatch(/^\? invariant could not be checked under: none/);
  });

  it('replay names a fault that acted on nothing instead of reading as a check of it', async () => {
    const r = await cli(['replay', 'examples/sim/retry-broadcast.ts', '--seed', '1', '--faults', 'omit a→b @13']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no fault acted: omit a→b @13 dropped nothing/);
    // A crash after the node's last event: the run is the same without it.
    const late = await cli(['replay', 'examples/sim/retry-broadcast.ts', '--seed', '1', '--crashes', '1', '--faults', 'crash c @50; omit a→b @1']);
    expect(late.stdout).toMatch(/not every fault acted: crash c @50 changed nothing \(the run is the same without it\)/);
    const early = await cli(['replay', 'examples/sim/retry-broadcast.ts', '--seed', '1', '--crashes', '1', '--faults', 'crash c @2']);
    expect(early.stdout).not.toMatch(/acted/);
  });
});

describe('an invariant that never returns does not stop signals', () => {
  // The invariant says it began its loop (keyed on, not a delay), then never returns; the default budget (10 s).
  const file = join(tmp, 'invariant-spins.ts');
  writeFileSync(
    file,
    `import { defineProtocol } from '${REPO}src/targets/sim/api.ts';
     export default defineProtocol({
       name: 'spins', nodes: ['a', 'b'],
       node: (id) => ({ onInput: (ctx, v) => ctx.send('b', v), onMessage: (ctx, _f, v) => { if (id === 'b') ctx.output(v); } }),
       workload: [{ at: 1, node: 'a', value: 1 }],
       invariants: [function spins() { process.stderr.write('checking\\n'); for (;;) {} }],
     });`,
  );

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: ldfi stops within the run budget, keeps what it found and exits ${code}`, async () => {
      const out = join(tmp, `spins-${signal}.json`);
      const child = spawn('node', ['bin/ldfi.js', 'run', file, '--seed', '1', '--json', out], { cwd: REPO, env: { ...process.env, LDFI_COMMAND: 'node bin/ldfi.js' } });
      try {
        await new Promise<void>((resolve) => child.stderr.on('data', (d) => String(d).includes('checking') && resolve()));
        const sent = Date.now();
        child.kill(signal);
        const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        // Within the run's budget at worst (a hang guard, scaled on a slow machine).
        expect(Date.now() - sent).toBeLessThan(ms(60_000));
        expect(exit).toBe(code);
        expect(JSON.parse(readFileSync(out, 'utf8')).status).toBe('interrupted');
      } finally {
        child.kill('SIGKILL');
      }
    });
  }
});
