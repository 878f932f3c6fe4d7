/**
 * Molly's own programs at the bounds of its table of correct programs and of its CounterexampleSuite
 * (issue 20). They are not ours to copy: the bench reads them from a checkout of Molly named by
 * `MOLLY_EXAMPLES` (its `src/test/resources/examples_ft` folder) and skips this table without one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError } from '../src/model/errors.ts';
import { search } from '../src/search/index.ts';
import type { SearchResult } from '../src/search/result.ts';
import { DedalusTarget } from '../src/targets/dedalus/target.ts';
import { fmtMs, median, table } from './stats.ts';

interface MollyRow {
  name: string;
  files: string[];
  eot: number;
  eff: number;
  crashes: number;
  nodes?: string[];
}

const KAFKA_NODES = ['a', 'b', 'c', 'C', 'Z'];
const ROWS: MollyRow[] = [
  { name: 'paxos_synod', files: ['paxos_synod.ded'], eot: 8, eff: 3, crashes: 1, nodes: ['a', 'b', 'c'] },
  { name: 'replog + deliv_assert', files: ['delivery/replog.ded', 'delivery/deliv_assert.ded'], eot: 8, eff: 6, crashes: 1 },
  { name: 'ack_rb + deliv_assert', files: ['delivery/ack_rb.ded', 'delivery/deliv_assert.ded'], eot: 8, eff: 6, crashes: 1 },
  ...[7, 8, 9, 10].map((eot) => ({ name: 'tokens', files: ['tokens.ded'], eot, eff: eot - 3, crashes: 1 })),
  { name: 'kafka', files: ['kafka.ded'], eot: 6, eff: 4, crashes: 0, nodes: KAFKA_NODES },
  { name: 'kafka', files: ['kafka.ded'], eot: 7, eff: 4, crashes: 0, nodes: KAFKA_NODES },
  { name: 'kafka', files: ['kafka.ded'], eot: 7, eff: 4, crashes: 1, nodes: KAFKA_NODES },
  { name: '3pc + 2pc_assert', files: ['commit/3pc.ded', 'commit/2pc_assert.ded'], eot: 9, eff: 7, crashes: 1 },
  { name: '3pc + 2pc_assert', files: ['commit/3pc.ded', 'commit/2pc_assert.ded'], eot: 8, eff: 0, crashes: 2 },
];

/** Runs to the first counterexample, or to the verdict; a search cut short says so. */
function runsCell(r: SearchResult): string {
  if (r.status === 'counterexample') return String(r.counterexamples[0].foundAtRun);
  if (r.status === 'resilient') return String(r.runs.length);
  // Cut short: more runs were needed. Ended without a verdict of its own (causal): what it took.
  return r.status === 'budget-exhausted' || r.status === 'interrupted' ? `>${r.runs.length} (${r.status})` : `${r.runs.length} (${r.status})`;
}

export async function mollyTable(opts: { seeds: number; timeMs: number; randomCap: number }): Promise<void> {
  const dir = process.env.MOLLY_EXAMPLES;
  if (!dir || !existsSync(dir)) {
    console.log("\nMolly's programs: skipped (set MOLLY_EXAMPLES to a checkout's src/test/resources/examples_ft)");
    return;
  }
  const rows: string[][] = [];
  // MOLLY_ONLY=paxos: only the rows whose name contains it (one row is quicker to measure).
  const only = process.env.MOLLY_ONLY;
  for (const row of ROWS.filter((r) => !only || r.name.includes(only))) {
    const open = async () => new DedalusTarget(row.files.map((f) => join(dir, f)), { eot: row.eot, eff: row.eff, crashes: row.crashes, nodes: row.nodes, negativeSupport: true });
    const bounds = `${row.eot}/${row.eff}/${row.crashes}`;
    const cpu0 = process.cpuUsage();
    let ldfi: SearchResult;
    try {
      ldfi = await search(await open(), { strategy: 'ldfi', timeMs: opts.timeMs });
    } catch (e) {
      // A program refused before the search (tokens: its invariant is never evaluated).
      if (!isUserError(e)) throw e;
      const cpu = process.cpuUsage(cpu0);
      rows.push([row.name, bounds, 'refused: vacuous', '0', '—', '—', fmtMs((cpu.user + cpu.system) / 1000), '—', '—', '—', '—']);
      continue;
    }
    const cpu = process.cpuUsage(cpu0);
    const molly = await search(await open(), { strategy: 'molly', maxRuns: opts.randomCap, timeMs: opts.timeMs });
    const causal = await search(await open(), { strategy: 'causal', maxRuns: opts.randomCap, timeMs: opts.timeMs / 4 });
    let random = '—';
    if (ldfi.status === 'counterexample') {
      const runs: number[] = [];
      for (let s = 1; s <= opts.seeds; s++) {
        const r = await search(await open(), { strategy: 'random', seed: String(s), maxRuns: opts.randomCap });
        runs.push(r.counterexamples.length ? r.counterexamples[0].foundAtRun : opts.randomCap);
      }
      random = String(median(runs));
    }
    rows.push([
      row.name,
      bounds,
      ldfi.status,
      runsCell(ldfi),
      fmtMs(ldfi.timings.solverMs),
      fmtMs(ldfi.timings.runMs),
      fmtMs((cpu.user + cpu.system) / 1000),
      runsCell(molly),
      runsCell(causal),
      random,
      random === '—' ? '—' : `${(Number(random) / Number(runsCell(ldfi))).toFixed(1)}×`,
    ]);
  }
  console.log(`\nMolly's programs at the paper's bounds (LDFI with a ${fmtMs(opts.timeMs)} budget; random: median of ${opts.seeds} seeds, capped at ${opts.randomCap} runs)\n`);
  console.log(table(['program', 'EOT/EFF/crashes', 'LDFI verdict', 'LDFI runs', 'solver', 'evaluation', 'LDFI CPU', 'molly runs', 'causal runs', 'random runs', 'random/LDFI'], rows));
}
