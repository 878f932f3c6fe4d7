/**
 * `npm run bench`: the figures the issues ask for, measured, not asserted. Set BENCH_QUICK=1 for a
 * short run (fewer seeds and repetitions), BENCH_ONLY=scale|dedalus|molly|sim|tcp|shards|html|checkers for one part
 * (molly: Molly's own programs, read from a checkout named by MOLLY_EXAMPLES); MOLLY_ONLY, SIM_ONLY and
 * TCP_ONLY keep the rows whose name contains their value.
 */
import { readdirSync } from 'node:fs';
import type { FaultKind } from '../src/model/faults.ts';
import { faultSpaceSize } from '../src/injector/space.ts';
import { parseRestriction, type FaultRestriction } from '../src/injector/restriction.ts';
import { formatBig } from '../src/report/text.ts';
import { search } from '../src/search/index.ts';
import { startZ3 } from '../src/solver/z3-backend.ts';
import { compileProgram } from '../src/targets/dedalus/compile.ts';
import { evaluate } from '../src/targets/dedalus/evaluator.ts';
import { loadProgram } from '../src/targets/dedalus/loader.ts';
import { DedalusTarget } from '../src/targets/dedalus/target.ts';
import { SimTarget } from '../src/targets/sim/target.ts';
import { TcpTarget } from '../src/targets/tcp/target.ts';
import { ParallelTarget } from '../src/parallel/pool.ts';
import { openTarget } from '../src/targets/index.ts';
import type { Target } from '../src/model/target.ts';
import { dedalusExamples } from '../examples/dedalus/catalog.ts';
import { fmtMs, median, table } from './stats.ts';
import { scalingTable, solverMemory, startUp } from './scale.ts';
import { mollyTable } from './molly.ts';
import { checkersTable } from './checkers.ts';
import { resolvePython } from '../scripts/python-path.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = process.env.BENCH_ONLY;
resolvePython();
const SEEDS = QUICK ? 5 : 20;
const RANDOM_CAP = 5000;

async function randomRunsToCounterexample(open: (seed: string) => Promise<Target>, seeds = SEEDS, cap = RANDOM_CAP, kinds?: readonly FaultKind[]): Promise<{ median: number; capped: number; seeds: number }> {
  const runs: number[] = [];
  let capped = 0;
  for (let s = 1; s <= seeds; s++) {
    const r = await search(await open(String(s)), { strategy: 'random', seed: String(s), maxRuns: cap, ...(kinds ? { randomKinds: kinds } : {}) });
    if (r.counterexamples.length === 0) capped++;
    runs.push(r.counterexamples.length ? r.counterexamples[0].foundAtRun : cap);
  }
  return { median: median(runs), capped, seeds };
}

function randomCell(r: { median: number; capped: number; seeds: number }, cap = RANDOM_CAP): string {
  return r.capped > r.seeds / 2 ? `>${cap}` : `${r.median}${r.capped ? ` (${r.capped} capped)` : ''}`;
}

async function dedalusTable(): Promise<void> {
  const rows: string[][] = [];
  let catalogMs = 0;
  for (const ex of dedalusExamples) {
    const open = async () => new DedalusTarget(ex.files, { eot: ex.eot, eff: ex.eff, crashes: ex.crashes, nodes: ex.nodes, negativeSupport: true });
    const t0 = performance.now();
    const ldfi = await search(await open(), { strategy: 'ldfi' });
    const ms = performance.now() - t0;
    catalogMs += ms;
    const molly = await search(await open(), { strategy: 'molly', maxRuns: RANDOM_CAP });
    // The causal baseline can take very long on the larger rows: a time budget keeps the table finite.
    const causal = await search(await open(), { strategy: 'causal', maxRuns: RANDOM_CAP, timeMs: QUICK ? 5_000 : 30_000 });
    const buggy = ldfi.status === 'counterexample';
    const found = buggy ? ldfi.counterexamples[0].foundAtRun : ldfi.runs.length;
    const random = buggy ? await randomRunsToCounterexample(open) : undefined;
    // Exhaustive search where the catalog says it is feasible: runs to its first counterexample or to its proof.
    const exhaustive = ex.exhaustiveFeasible ? await search(await open(), { strategy: 'exhaustive' }) : undefined;
    rows.push([
      `${ex.name}`,
      `${ex.eot}/${ex.eff}/${ex.crashes}`,
      ldfi.status,
      String(found),
      `${molly.status === 'counterexample' ? molly.counterexamples[0].foundAtRun : molly.runs.length}${molly.status === ldfi.status ? '' : ` (${molly.status})`}`,
      // The causal baseline proves nothing: its count to the end is what it took to find nothing.
      causal.status === 'budget-exhausted' ? `>${causal.runs.length} (budget)` : `${causal.status === 'counterexample' ? causal.counterexamples[0].foundAtRun : causal.runs.length}${(causal.status === 'counterexample') === buggy ? '' : ` (${causal.status})`}`,
      fmtMs(ms),
      random ? randomCell(random) : '—',
      random ? `${(random.median / found).toFixed(1)}×` : '—',
      exhaustive ? String(exhaustive.status === 'counterexample' ? exhaustive.counterexamples[0].foundAtRun : exhaustive.runs.length) : '—',
      formatBig(faultSpaceSize((await open()).bounds)),
    ]);
  }
  console.log(`\nDedalus examples: LDFI vs Molly's strategy vs random (median of ${SEEDS} seeds, capped at ${RANDOM_CAP} runs); runs to the first counterexample or to the verdict\n`);
  console.log(table(['example', 'EOT/EFF/crashes', 'LDFI verdict', 'LDFI runs', 'molly runs', 'causal runs', 'LDFI time', 'random runs', 'ratio', 'exhaustive runs', 'fault space'], rows));
  console.log(`\nThe whole catalog with LDFI (${dedalusExamples.length} rows, one process): ${fmtMs(catalogMs)}`);
}

async function retryBroadcastAt25(): Promise<void> {
  const row = dedalusExamples.find((e) => e.eot === 25 && e.eff === 23);
  if (!row) return;
  const t0 = performance.now();
  const r = await search(new DedalusTarget(row.files, { eot: 25, eff: 23, crashes: row.crashes, nodes: row.nodes, negativeSupport: true }), { strategy: 'ldfi' });
  const ms = performance.now() - t0;
  console.log(`\n${row.name} at EOT 25, EFF 23: ${r.status} after ${r.runs.length} run(s), ${r.hypotheses} hypotheses, ${fmtMs(ms)} (solver ${fmtMs(r.timings.solverMs)}); fault space ${formatBig(r.faultSpace)}`);
}

function singleExecution(): void {
  const cp = compileProgram(loadProgram(['examples/dedalus/broadcast-naive.ded']).program);
  const opts = { eot: 6, nodes: ['a', 'b', 'c'], faults: [] };
  const target = new DedalusTarget(['examples/dedalus/broadcast-naive.ded'], { eot: 6, eff: 5, crashes: 0, negativeSupport: true });
  const measure = (f: () => void) => {
    for (let i = 0; i < 200; i++) f();
    const n = QUICK ? 2000 : 20000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    return (performance.now() - t0) / n;
  };
  const evalMs = measure(() => evaluate(cp, opts));
  const lineageMs = measure(() => target.run([], { lineage: true }));
  console.log(`\nOne execution of the 3-node broadcast at EOT 6: ${fmtMs(evalMs)} (evaluation recording every derivation); ${fmtMs(lineageMs)} with the lineage graph built and the invariant checked`);
}

/** Exhaustive search is run where the fault space has at most this many schedules. */
const SIM_EXHAUSTIVE_CAP = 50_000;
const TCP_EXHAUSTIVE_CAP = 300;

/**
 * The fault space's size, and exhaustive search's runs to its first counterexample or its proof where
 * the space is small enough to enumerate (its verdict must be LDFI's: a disagreement is printed).
 */
async function exhaustiveCells(open: () => Promise<Target>, cap: number, ldfiStatus?: string): Promise<[string, string]> {
  const size = faultSpaceSize((await open()).bounds);
  if (size > BigInt(cap)) return [formatBig(size), `infeasible (> ${cap.toLocaleString('en-US')})`];
  const r = await search(await open(), { strategy: 'exhaustive' });
  const runs = r.status === 'counterexample' ? r.counterexamples[0].foundAtRun : r.runs.length;
  const agrees = ldfiStatus === undefined || (r.status === 'counterexample') === (ldfiStatus === 'counterexample');
  return [formatBig(size), `${runs} (${r.status})${agrees ? '' : ' DISAGREES with LDFI'}`];
}

/** Random runs that certify nothing but must agree with a resilient verdict: none may find a violation. */
const CAMPAIGN = QUICK ? 2000 : 20_000;

async function simTable(): Promise<void> {
  // SIM_ONLY=trade: only the examples whose name contains it.
  const files = readdirSync('examples/sim')
    .filter((f) => f.endsWith('.ts') && (!process.env.SIM_ONLY || f.includes(process.env.SIM_ONLY)))
    .sort();
  const rows: string[][] = [];
  for (const f of files) {
    const file = `examples/sim/${f}`;
    const probe = await SimTarget.open(file, { seed: '1' });
    for (const crashes of [...new Set([probe.bounds.crashes, 1])]) {
      const openC = (seed: string) => SimTarget.open(file, { seed, crashes });
      const t0 = performance.now();
      const ldfi = await search(await openC('1'), { strategy: 'ldfi', seed: '1' });
      const ms = performance.now() - t0;
      const buggy = ldfi.status === 'counterexample';
      const found = buggy ? ldfi.counterexamples[0].foundAtRun : ldfi.runs.length;
      const b = (await openC('1')).bounds;
      // Before: the footprint search alone, every run extended (what LDFI did on code until runs were compared by state).
      const b0 = performance.now();
      const before = await search(await openC('1'), { strategy: 'ldfi', seed: '1', compareStates: false });
      const beforeMs = performance.now() - b0;
      const beforeRuns = before.status === 'counterexample' ? before.counterexamples[0].foundAtRun : before.runs.length;
      let randomText: string;
      let ratio = '—';
      let workers2 = '—';
      if (buggy) {
        const random = await randomRunsToCounterexample(openC);
        randomText = randomCell(random);
        ratio = `${(random.median / found).toFixed(1)}×`;
      } else {
        // The same proof on two worker threads: the time it takes (the result is the same).
        const open = { files: [file], options: { negativeSupport: true, seed: '1', crashes } };
        const parallel = new ParallelTarget(await openTarget(open.files, open.options), open, 2);
        const p0 = performance.now();
        await search(parallel, { strategy: 'ldfi', seed: '1' });
        workers2 = fmtMs(performance.now() - p0);
        await parallel.close();
        // A proof must agree with a long random campaign: it may find nothing.
        const campaign = await search(await openC('1'), { strategy: 'random', seed: '1', maxRuns: CAMPAIGN });
        randomText = campaign.counterexamples.length ? `FOUND ONE in ${campaign.counterexamples[0].foundAtRun} (disagrees!)` : `none in ${CAMPAIGN.toLocaleString('en-US')}`;
      }
      rows.push([f.replace(/\.ts$/, ''), `${b.eot}/${b.eff}/${b.crashes}`, ldfi.status, String(found), fmtMs(ms), `${beforeRuns} (${fmtMs(beforeMs)})`, workers2, randomText, ratio, ...(await exhaustiveCells(() => openC('1'), SIM_EXHAUSTIVE_CAP, ldfi.status))]);
    }
  }
  console.log(
    `\nSim examples (seed 1): LDFI runs to the first counterexample, or to the proof (every fault set within the bounds covered); ` +
      `random: median runs to the first counterexample over ${SEEDS} seeds (capped at ${RANDOM_CAP}), or a campaign of ${CAMPAIGN.toLocaleString('en-US')} runs against a proof. ` +
      `LDFI's floor is 2 runs (the fault-free run and one hypothesis)\n`,
  );
  console.log(table(['protocol', 'EOT/EFF/crashes', 'LDFI verdict', 'LDFI runs', 'LDFI time', 'before: runs (time)', 'time, 2 workers', 'random', 'ratio', 'fault space', 'exhaustive runs'], rows));
}

/** Random runs of real processes per seed at most (each run is about half a second). */
const TCP_RANDOM_CAP = 100;

/** The tcp target on its examples: speed, and LDFI against random search. */
async function tcpTable(): Promise<void> {
  const seeds = QUICK ? 3 : 20;
  const rows: string[][] = [];
  for (const [file, bounds] of [
    // The kinds each lesson is about (every kind on four processes is hundreds of runs), and the
    // exactly-once pair with everything (restarts are its lesson).
    ['examples/tcp/double-halve/ldfi.tcp.ts', { faultKinds: ['omit', 'crash', 'disconnect'] }],
    ['examples/tcp/double-halve/ldfi-recovery.tcp.ts', { eot: 10, eff: 3, faultKinds: ['omit', 'crash', 'disconnect'] }],
    ['examples/tcp/primary-backup/ldfi.tcp.ts', { eot: 5, eff: 3, faultKinds: ['omit', 'crash'] }],
    ['examples/tcp/primary-backup/ldfi-sync.tcp.ts', { eot: 5, eff: 3, faultKinds: ['omit', 'crash'] }],
    ['examples/tcp/exactly-once/ldfi.tcp.ts', {}],
    ['examples/tcp/exactly-once/ldfi-durable.tcp.ts', {}],
    // Two streams against a reference model, senders in Node and the desk in Python.
    ['examples/tcp/trades/ldfi.tcp.ts', {}],
    ['examples/tcp/trades/ldfi-double-count.tcp.ts', { eff: 5, crashes: 1 }],
    ['examples/tcp/trades/ldfi-stale-price.tcp.ts', {}],
    // HTTP services (Node and Python) under request-level faults: random draws the same kinds.
    ['examples/tcp/checkout/ldfi.tcp.ts', { faultKinds: ['omit', 'fail', 'reset'], drawn: true }],
    ['examples/tcp/checkout/ldfi-idempotent.tcp.ts', { faultKinds: ['omit', 'fail', 'reset'], drawn: true }],
  ] as const) {
    // TCP_ONLY=trades: only the systems whose path contains it.
    if (process.env.TCP_ONLY && !file.includes(process.env.TCP_ONLY)) continue;
    const open = () => TcpTarget.open(file, { ...bounds, faultKinds: 'faultKinds' in bounds ? [...bounds.faultKinds] : undefined });
    const t0 = performance.now();
    const ldfi = await search(await open(), { strategy: 'ldfi' });
    const ms = performance.now() - t0;
    const buggy = ldfi.status === 'counterexample';
    const found = buggy ? ldfi.counterexamples[0].foundAtRun : ldfi.runs.length;
    let random = '—';
    let ratio = '—';
    if (buggy) {
      const r = await randomRunsToCounterexample(() => open(), seeds, TCP_RANDOM_CAP, 'drawn' in bounds ? [...bounds.faultKinds] : undefined);
      random = randomCell(r, TCP_RANDOM_CAP);
      ratio = `${(r.median / found).toFixed(1)}×`;
    }
    const b = (await open()).bounds;
    rows.push([file.replace('examples/tcp/', ''), `${b.eot}/${b.eff}/${b.crashes} ${(b.kinds ?? []).join(',')}`, ldfi.status, String(found), fmtMs(ms), `${(ldfi.runs.length / (ms / 1000)).toFixed(1)}`, random, ratio, ...(await exhaustiveCells(open, TCP_EXHAUSTIVE_CAP, ldfi.status))]);
  }
  // Rounds per second: one fault-free run of the pipeline, all its rounds played (ticks).
  const t = await TcpTarget.open('examples/tcp/double-halve/ldfi.tcp.ts');
  const t0 = performance.now();
  const exec = await t.execute([]);
  const s = (performance.now() - t0) / 1000;
  console.log(`\ntcp examples (settle ${25} ms): LDFI runs to the first counterexample or the proof, and random search (median of ${seeds} seeds, capped at ${TCP_RANDOM_CAP} runs)\n`);
  console.log(table(['system', 'EOT/EFF/crashes kinds', 'LDFI verdict', 'LDFI runs', 'LDFI time', 'runs/s', 'random', 'ratio', 'fault space', 'exhaustive runs'], rows));
  console.log(`\nOne fault-free run of double-halve: ${t.bounds.eot} rounds in ${s.toFixed(2)} s with process start-up (${(t.bounds.eot / s).toFixed(1)} rounds/s), ${exec.messages.length} messages`);
}

/** A campaign of every sim example, whole and in 3 shards (as 3 CI machines would run it). */
async function shardTable(): Promise<void> {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join, resolve } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'ldfi-bench-shards-'));
  try {
    const files = readdirSync('examples/sim').filter((f) => f.endsWith('.ts')).sort();
    const config = join(dir, 'ldfi.config.json');
    writeFileSync(config, JSON.stringify({ campaigns: files.map((f) => ({ name: f.replace(/\.ts$/, ''), files: resolve('examples/sim', f) })) }));
    const campaign = (args: string[], reports: string) => {
      writeFileSync(config, JSON.stringify({ reports, campaigns: files.map((f) => ({ name: f.replace(/\.ts$/, ''), files: resolve('examples/sim', f) })) }));
      const t0 = performance.now();
      const r = spawnSync('node', ['bin/ldfi.js', 'campaign', '--config', config, '--no-timings', ...args], { encoding: 'utf8' });
      return { ms: performance.now() - t0, code: r.status };
    };
    const whole = campaign([], 'whole');
    const shards = [1, 2, 3].map((i) => campaign(['--shard', `${i}/3`], `shard${i}`));
    const merged = spawnSync('node', ['bin/ldfi.js', 'merge-reports', ...[1, 2, 3].map((i) => join(dir, `shard${i}`, 'summary.json'))], { encoding: 'utf8' });
    console.log(
      `\nA campaign of the ${files.length} sim examples: whole ${fmtMs(whole.ms)} (exit ${whole.code}); in 3 shards ${shards.map((s) => fmtMs(s.ms)).join(', ')} ` +
        `(the slowest, ${fmtMs(Math.max(...shards.map((s) => s.ms)))}, is the wall time on 3 machines); merged verdict exit ${merged.status} (the same as whole: ${merged.status === whole.code})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * LDFI against exhaustive search where exhaustive search is feasible: each sim example (and each tcp
 * system, on its declared channels) at the largest bounds under its own whose fault space has at most
 * `cap` schedules (crashes kept first, then the widest EFF). Verdicts must agree; runs are compared.
 */
async function exhaustiveAgreementTable(): Promise<void> {
  const rows: string[][] = [];
  const compare = async (name: string, open: (b: { eff: number; crashes: number }) => Promise<Target>, cap: number, restriction?: FaultRestriction) => {
    const own = (await open({ eff: Infinity, crashes: Infinity })).bounds;
    let chosen: Target | undefined;
    for (let crashes = own.crashes; crashes >= 0 && !chosen; crashes--) {
      for (let eff = own.eff; eff >= 2 && !chosen; eff--) {
        const t = await open({ eff, crashes });
        if (faultSpaceSize(t.bounds, restriction ? (f) => restriction.allows(f) : undefined) <= BigInt(cap)) chosen = t;
      }
    }
    if (!chosen) return rows.push([name, '—', `no bounds with at most ${cap} schedules`, '', '', '', '', '', '']);
    const b = chosen.bounds;
    const again = () => open({ eff: b.eff, crashes: b.crashes });
    const t0 = performance.now();
    const ldfi = await search(await again(), { strategy: 'ldfi', seed: '1', restriction });
    const ldfiMs = performance.now() - t0;
    const t1 = performance.now();
    const all = await search(await again(), { strategy: 'exhaustive', seed: '1', restriction });
    const allMs = performance.now() - t1;
    const runsTo = (r: typeof ldfi) => String(r.status === 'counterexample' ? r.counterexamples[0].foundAtRun : r.runs.length);
    const agree = (ldfi.status === 'counterexample') === (all.status === 'counterexample') && (ldfi.status !== 'resilient' || all.status === 'resilient');
    rows.push([name, `${b.eot}/${b.eff}/${b.crashes}`, formatBig(faultSpaceSize(b, restriction ? (f) => restriction.allows(f) : undefined)), ldfi.status, runsTo(ldfi), fmtMs(ldfiMs), `${all.status} in ${runsTo(all)}`, fmtMs(allMs), agree ? 'yes' : 'NO']);
  };
  if (part('sim')) {
    for (const f of readdirSync('examples/sim').filter((f) => f.endsWith('.ts')).sort()) {
      await compare(f.replace(/\.ts$/, ''), (b) => SimTarget.open(`examples/sim/${f}`, { seed: '1', ...(Number.isFinite(b.eff) ? b : {}) }), SIM_EXHAUSTIVE_CAP);
    }
  }
  if (part('tcp')) {
    for (const [file, eot, channels] of [
      ['examples/tcp/double-halve/ldfi.tcp.ts', 12, 'omit:source↔doubler; omit:doubler↔halver; omit:halver↔sink'],
      ['examples/tcp/double-halve/ldfi-recovery.tcp.ts', 10, 'omit:source↔doubler; omit:doubler↔halver; omit:halver↔sink'],
      ['examples/tcp/primary-backup/ldfi.tcp.ts', 5, 'omit:client↔primary; omit:primary↔backup; crash:*'],
      ['examples/tcp/primary-backup/ldfi-sync.tcp.ts', 5, 'omit:client↔primary; omit:primary↔backup; crash:*'],
    ] as const) {
      await compare(file.replace('examples/tcp/', ''), (b) => TcpTarget.open(file, { eot, ...(Number.isFinite(b.eff) ? b : {}) }), TCP_EXHAUSTIVE_CAP, parseRestriction(channels));
    }
  }
  console.log(`\nLDFI against exhaustive search, at the largest bounds under each example's own with a feasible space (sim ≤ ${SIM_EXHAUSTIVE_CAP.toLocaleString('en-US')} schedules, tcp ≤ ${TCP_EXHAUSTIVE_CAP} on the declared channels): runs to the first counterexample or to the verdict\n`);
  console.log(table(['example', 'EOT/EFF/crashes', 'fault space', 'LDFI verdict', 'LDFI runs', 'LDFI time', 'exhaustive', 'exhaustive time', 'agree'], rows));
}

/**
 * The HTML report of a 10,000-message run: its size, and the time headless chromium takes to open it
 * at that run's diagram (navigation to the load event, then the diagram laid out and painted).
 */
async function htmlTable(): Promise<void> {
  const { chromium } = await import('playwright-core');
  const { mkdtempSync, rmSync, writeFileSync, statSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { formatHtmlReport } = await import('../src/report/html.ts');
  const { reportDetails } = await import('../src/report/details.ts');
  // Each of the 12 channels carries a message every 2 virtual ms on average: EOT 1,700 gives ~10,000.
  const target = await SimTarget.open('bench/pingpong.ts', { seed: '1', eot: 1700 });
  const result = await search(target, { strategy: 'exhaustive', maxRuns: 1, seed: '1' });
  const messages = reportDetails(result).runs.find((d) => d.key === 'run-1')?.messages.length ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'ldfi-bench-html-'));
  const browser = await chromium.launch({ executablePath: process.env.LDFI_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const t0 = performance.now();
    const html = formatHtmlReport(result);
    const renderMs = performance.now() - t0;
    const file = join(dir, 'big.html');
    writeFileSync(file, html);
    const times: number[] = [];
    for (let i = 0; i < (QUICK ? 2 : 5); i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const p0 = performance.now();
      await page.goto(`file://${file}#d-run-1`);
      // Two animation frames: the diagram has been laid out and painted.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      times.push(performance.now() - p0);
      await page.close();
    }
    console.log(
      `\nHTML report of a ${messages.toLocaleString('en-US')}-message run: ${(statSync(file).size / 1e6).toFixed(2)} MB, written in ${fmtMs(renderMs)}; ` +
        `opened at its diagram in headless chromium in ${fmtMs(median(times))} (median of ${times.length})`,
    );
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function simulatorSpeed(): Promise<void> {
  const t = await SimTarget.open('bench/pingpong.ts', { seed: '1', eot: QUICK ? 2000 : 20000 });
  t.simulate([], false); // warm up
  let events = 0;
  const t0 = performance.now();
  const reps = QUICK ? 3 : 10;
  for (let i = 0; i < reps; i++) events += t.simulate([], false).eventCount;
  const s = (performance.now() - t0) / 1000;
  console.log(`\nSimulator: ${Math.round(events / s).toLocaleString('en-US')} events/s on one core (${events.toLocaleString('en-US')} events, 4 nodes answering every message, lineage recorded)`);
}

/** BENCH_ONLY=sim (or dedalus, scale, tcp, shards) runs one part. */
const part = (name: string) => !ONLY || ONLY === name;

const z3 = await startZ3();
try {
  if (part('scale')) {
    singleExecution();
    await simulatorSpeed();
    await retryBroadcastAt25();
    startUp(QUICK ? 3 : 10);
    await scalingTable();
    await solverMemory(QUICK ? 1000 : 10_000);
  }
  if (part('dedalus')) await dedalusTable();
  if (part('molly')) await mollyTable({ seeds: QUICK ? 5 : 10, timeMs: QUICK ? 60_000 : 300_000, randomCap: RANDOM_CAP });
  if (part('sim')) await simTable();
  if (part('tcp')) await tcpTable();
  if (part('sim') || part('tcp')) await exhaustiveAgreementTable();
  if (part('shards')) await shardTable();
  if (part('html')) await htmlTable();
  if (part('checkers')) checkersTable();
  console.log(`\nPeak RSS of this benchmark process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  await z3.close();
}
