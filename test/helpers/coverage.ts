import { expect } from 'vitest';
import { enumerateSchedules } from '../../src/injector/space.ts';
import type { FaultSet } from '../../src/model/faults.ts';
import { search } from '../../src/search/index.ts';
import type { SearchResult } from '../../src/search/result.ts';
import type { SimTarget } from '../../src/targets/sim/target.ts';
import { runView } from '../../src/targets/code/view.ts';

/** A run as an invariant that reads no time sees it. */
export function untimedView(t: SimTarget, faults: FaultSet): string {
  const v = runView(t.simulate(faults, false));
  return JSON.stringify({ inputs: v.inputs, outputs: v.outputs.map(({ node, value, inputs }) => ({ node, value, inputs })), crashed: v.crashed, down: v.down });
}

/** A run as an invariant that reads every time sees it. */
export function timedView(t: SimTarget, faults: FaultSet): string {
  return JSON.stringify(runView(t.simulate(faults, false)));
}

type View = (t: SimTarget, faults: FaultSet) => string;

/**
 * An LDFI search of `target`, with the view of every run it made (`untimedView` unless given): what
 * the coverage properties compare every schedule of the exhaustive enumeration against.
 */
export async function searchSeeingRuns(target: SimTarget, viewOf: View = untimedView): Promise<{ result: SearchResult; made: Set<string> }> {
  const made = new Set<string>();
  const result = await search(
    {
      ...target,
      bounds: target.bounds,
      capabilities: target.capabilities,
      footprints: target.footprints,
      run: (faults, options) => (made.add(viewOf(target, faults)), target.run(faults, options)),
      runMany: async (schedules, options) => {
        for (const s of schedules) made.add(viewOf(target, s));
        return target.runMany(schedules, options);
      },
    },
    { strategy: 'ldfi' },
  );
  return { result, made };
}

/**
 * Fails unless every schedule of the exhaustive enumeration of `target`'s bounds runs, as an invariant
 * sees it (`untimedView` unless given), like one of the runs `made`; returns how many schedules there were.
 */
export function expectEveryScheduleCovered(target: SimTarget, made: ReadonlySet<string>, context: unknown, viewOf: View = untimedView): number {
  let schedules = 0;
  for (const schedule of enumerateSchedules(target.bounds)) {
    schedules++;
    if (!made.has(viewOf(target, schedule))) expect.fail(`the run of ${JSON.stringify(schedule)} is none of the ${made.size} runs made (${JSON.stringify(context)})`);
  }
  return schedules;
}
