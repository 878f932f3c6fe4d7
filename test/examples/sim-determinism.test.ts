import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../src/injector/text.ts';
import type { CodeExecution } from '../../src/targets/code/execution.ts';
import { SimTarget } from '../../src/targets/sim/target.ts';
import { traceHash } from '../../src/targets/sim/trace-file.ts';

/**
 * Every sim example is deterministic: one seed and one fault schedule give one run, byte for byte
 * (trace and audit log); and the seed matters: seeds that reorder deliveries give other hashes.
 */

const EXAMPLES: { file: string; faults: string }[] = [
  { file: 'primary-backup-sync', faults: 'omit primary→backup @2; crash backup @12' },
  { file: 'primary-backup-async', faults: 'omit primary→backup @2; crash primary @5' },
  { file: 'two-phase-commit', faults: 'omit p1→coord @2; crash coord @9' },
  { file: 'leader-election', faults: 'partition {a}|{b,c} @1..19' },
  { file: 'double-halve', faults: 'disconnect doubler↔halver @4..8' },
  { file: 'double-halve-recovery', faults: 'disconnect doubler↔halver @4..8; omit source→doubler @2' },
  { file: 'retry-broadcast', faults: 'omit a→c @1' },
];

const open = (file: string, seed: string) => SimTarget.open(`examples/sim/${file}.ts`, { seed });

/** The order in which messages were delivered, each named by what it is (not by its id). */
function deliveryOrder(exec: CodeExecution): string[] {
  const byId = new Map(exec.messages.map((m) => [m.ref.id, m.ref]));
  return exec.events
    .filter((e) => e.e === 'deliver')
    .map((e) => {
      const m = byId.get((e as { id: number }).id)!;
      return `${m.from}→${m.to}@${m.sentAt}:${JSON.stringify(m.payload)}`;
    });
}

describe('sim examples: determinism', () => {
  for (const { file, faults } of EXAMPLES) {
    it(`${file}: 100 runs of one seed and schedule give one trace hash`, async () => {
      const schedule = parseFaults(faults);
      const t = await open(file, '1');
      const hashes = new Set<string>();
      for (let i = 0; i < 100; i++) hashes.add(traceHash(t.simulate(schedule)));
      // A target opened afresh (new node closures, new Spike) runs the same too.
      hashes.add(traceHash((await open(file, '1')).simulate(schedule)));
      expect(hashes.size).toBe(1);
      const exec = t.simulate(schedule);
      expect(exec.error).toBeUndefined();
      expect(exec.events.length).toBeGreaterThan(0);
    });

    it(`${file}: seeds that reorder deliveries give different hashes`, async () => {
      const runs: { seed: number; order: string; hash: string }[] = [];
      for (let seed = 1; seed <= 20; seed++) {
        const exec = (await open(file, String(seed))).simulate([]);
        runs.push({ seed, order: JSON.stringify(deliveryOrder(exec)), hash: traceHash(exec) });
      }
      let differing = 0;
      for (const a of runs) {
        for (const b of runs) {
          if (a.seed >= b.seed || a.order === b.order) continue;
          differing++;
          expect(a.hash, `seeds ${a.seed} and ${b.seed}`).not.toBe(b.hash);
        }
      }
      expect(differing).toBeGreaterThan(0);
    });
  }
});
