import type { Fault, FaultSet } from '../model/faults.ts';
import { runVerdict } from '../model/run-verdict.ts';
import type { RunResult } from '../model/target.ts';

/** Whether a run is a counterexample: its verdict is violated (not unknown, which proves nothing). */
export function violates(r: RunResult): boolean {
  return runVerdict(r) === 'violated';
}

/**
 * Removes faults one at a time while the run still violates, until every remaining fault is
 * necessary: take any one away and the invariant holds. The violations reported are those of the
 * shrunk run (possibly fewer than first found), so the replay line shows exactly them.
 */
export async function shrinkFaults(found: RunResult, run: (faults: FaultSet) => Promise<RunResult>, onStep?: (r: RunResult) => void): Promise<RunResult> {
  let best = found;
  let changed = true;
  while (changed && best.faults.length > 0) {
    changed = false;
    for (let i = 0; i < best.faults.length; i++) {
      const candidate: Fault[] = best.faults.filter((_, j) => j !== i);
      const r = await run(candidate);
      onStep?.(r);
      if (violates(r)) {
        best = r;
        changed = true;
        break;
      }
    }
  }
  return best;
}
