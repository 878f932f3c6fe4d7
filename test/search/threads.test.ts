import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParallelTarget } from '../../src/parallel/pool.ts';
import { search } from '../../src/search/index.ts';
import { openTarget } from '../../src/index.ts';

/** The OS threads of this process: worker threads, Z3's pthreads and Node's own. */
function threads(): number {
  return readdirSync('/proc/self/task').length;
}

/** Threads take a moment to be reaped after they are told to stop: wait for the count to settle. */
async function settled(target: number): Promise<number> {
  for (let i = 0; i < 100 && threads() > target; i++) await new Promise((r) => setTimeout(r, 20));
  return threads();
}

describe('a library user keeps no thread ldfi started', () => {
  it('after LDFI searches (Z3), sim searches over 3 workers, and failed searches', { timeout: 120_000 }, async () => {
    // The module load probe is one thread per process, started once and kept (unreferenced): start it first.
    const sim = await openTarget(['examples/sim/retry-broadcast.ts'], { seed: '1' });
    const before = await settled(0);
    // Z3 starts its own threads for a search and must stop them after.
    const dedalus = await openTarget(['examples/dedalus/broadcast-ack.ded'], { eot: 6, eff: 5, crashes: 0 });
    expect((await search(dedalus, { seed: '1' })).status).toBe('resilient');
    expect((await search(dedalus, { seed: '1', maxRuns: 3 })).status).toBe('budget-exhausted');
    // A search that ends in bad input (an invariant never evaluated) after the solver started.
    const dir = mkdtempSync(join(tmpdir(), 'ldfi-check-threads-'));
    try {
      const program = join(dir, 'vacuous.ded');
      writeFileSync(program, ['node("a", "b")@1;', 'node(N, O)@next :- node(N, O);', 'log(O, M)@async :- bcast(N, M), node(N, O);', 'bcast("a", "hi")@1;', 'pre(X, M) :- log(X, M), blocked(X);', 'post(X, M) :- log(X, M);', ''].join('\n'));
      await expect(search(await openTarget([program], { eot: 4, eff: 2 }), { seed: '1' })).rejects.toThrow(/never evaluated/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A pool of worker threads, busy and then closed.
    const open = { files: ['examples/sim/failure-detector-eventual.ts'], options: { seed: '1', negativeSupport: true } };
    const pooled = new ParallelTarget(await openTarget(open.files, open.options), open, 3);
    try {
      expect((await search(pooled, { seed: '1' })).status).toBe('resilient');
      // The workers are there until closed: the count below can tell.
      expect(threads()).toBeGreaterThanOrEqual(before + 2);
    } finally {
      await pooled.close();
    }
    expect((await search(sim, { seed: '1', strategy: 'random', maxRuns: 200 })).runs).toHaveLength(200);
    expect(await settled(before)).toBe(before);
  });
});
