/**
 * Figures of issue 7: how LDFI scales with EOT and nodes, memory over many solver calls, start-up.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { search } from '../src/search/index.ts';
import { FaultSetSolver } from '../src/solver/solver.ts';
import { DedalusTarget } from '../src/targets/dedalus/target.ts';
import { fmtMs, median, table } from './stats.ts';

/** The retry broadcast of examples/dedalus/broadcast-retry.ded with `receivers` receivers. */
function retryBroadcast(receivers: number): string {
  const lines = [
    'node(Node, Neighbor)@next :- node(Node, Neighbor);',
    'log(Node, Msg)@next :- log(Node, Msg);',
    'broadcast(Node, Msg)@next :- broadcast(Node, Msg);',
    'log(Node, Msg) :- broadcast(Node, Msg);',
    'log(Neighbor, Msg)@async :- broadcast(Node, Msg), node(Node, Neighbor);',
    'broadcast(a, hello)@1;',
    'pre(X, Msg) :- log(a, Msg), node(a, X), notin crash(X, X, _);',
    'post(X, Msg) :- log(X, Msg), pre(X, Msg);',
  ];
  for (let i = 1; i <= receivers; i++) lines.push(`node(a, r${i})@1;`);
  return lines.join('\n') + '\n';
}

export async function scalingTable(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ldfi-bench-'));
  try {
    const rows: string[][] = [];
    for (const nodes of [3, 5, 8]) {
      const file = join(dir, `retry-${nodes}.ded`);
      writeFileSync(file, retryBroadcast(nodes - 1));
      for (const eot of [10, 15, 20, 25]) {
        const t0 = performance.now();
        const r = await search(new DedalusTarget([file], { eot, eff: eot - 2, crashes: 0, negativeSupport: true }), { strategy: 'ldfi', seed: '1' });
        rows.push([String(nodes), String(eot), String(eot - 2), r.status, String(r.runs.length), fmtMs(r.timings.solverMs), fmtMs(performance.now() - t0)]);
      }
    }
    console.log('\nScaling: the retry broadcast (resilient), EFF = EOT - 2, no crashes\n');
    console.log(table(['nodes', 'EOT', 'EFF', 'verdict', 'runs', 'solver', 'wall'], rows));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** RSS while one solver answers `calls` queries on the lineage of a real run. */
export async function solverMemory(calls: number): Promise<void> {
  const t = new DedalusTarget(['examples/dedalus/quorum-write.ded'], { eot: 5, eff: 3, crashes: 1, negativeSupport: true });
  const r = t.run([]);
  const solver = await FaultSetSolver.start();
  const samples: string[] = [];
  const t0 = performance.now();
  try {
    for (let i = 1; i <= calls; i++) {
      await solver.next({ lineage: r.lineage, outcomes: r.outcomes, bounds: t.bounds, tried: [], counterexamples: [], limit: 4 });
      if (i === 1 || i % (calls / 5) === 0) samples.push(`${i.toLocaleString('en-US')}: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
    }
  } finally {
    await solver.close();
  }
  console.log(`\nRSS across ${calls.toLocaleString('en-US')} solver calls (quorum-write lineage, ${fmtMs((performance.now() - t0) / calls)} a call): ${samples.join(', ')}`);
}

/** Wall time of `node bin/ldfi.js --help`, from the build and from the sources through tsx. */
export function startUp(times: number): void {
  const measure = (env: Record<string, string>) => {
    const ms: number[] = [];
    for (let i = 0; i < times; i++) {
      const t0 = performance.now();
      spawnSync(process.execPath, ['bin/ldfi.js', '--help'], { env: { ...process.env, ...env } });
      ms.push(performance.now() - t0);
    }
    return fmtMs(median(ms));
  };
  const bare = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    bare.push(performance.now() - t0);
  }
  console.log(`\nStart-up, node bin/ldfi.js --help (median of ${times}): ${measure({})} from dist/ (npm ci builds it), ${measure({ LDFI_FROM_SOURCES: '1' })} from the sources through tsx; node itself ${fmtMs(median(bare))}`);
}
