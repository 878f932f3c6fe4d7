import type { SerializedLineage } from '../model/lineage.ts';
import type { RunOptions, RunResult, Target } from '../model/target.ts';
import { openTarget, type TargetOptions } from '../targets/index.ts';

/** What a worker is asked: the target (opened once per worker and kept), and the schedules to run. */
export interface RunTask {
  readonly files: readonly string[];
  readonly target: TargetOptions;
  readonly schedules: readonly RunResult['faults'][];
  readonly options: RunOptions;
}

/** A run's result as it crosses threads: the lineage graph in its serialized form. */
export type WireResult = Omit<RunResult, 'lineage'> & { readonly lineage: SerializedLineage | null };

const opened = new Map<string, Promise<Target>>();

/** Runs the schedules in order on this thread's copy of the target. */
export default async function runTask(task: RunTask): Promise<WireResult[]> {
  const key = JSON.stringify([task.files, task.target]);
  let target = opened.get(key);
  if (!target) opened.set(key, (target = openTarget(task.files, task.target)));
  const t = await target;
  const results: RunResult[] = [];
  while (results.length < task.schedules.length) {
    const rest = task.schedules.slice(results.length);
    if (t.runMany) for (const r of await t.runMany(rest, task.options)) results.push(r);
    else results.push(await t.run(rest[0], task.options));
  }
  // A lineage not asked for is empty: not worth crossing threads. A function cannot cross them: states
  // on demand are computed here, from the same execution (a sim run's inputs and outputs: small).
  return results.map(({ statesOf, ...r }) => ({ ...r, ...(r.states || !statesOf ? {} : { states: statesOf() }), lineage: task.options.lineage ? r.lineage.export() : null }));
}
