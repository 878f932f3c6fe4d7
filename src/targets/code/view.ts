import type { InputRef, OutputRecord, RunView, SimRunView } from './outputs.ts';
import { expandDeps, type Deps, type CodeExecution } from './execution.ts';

/**
 * The workload inputs some causes depend on, through their lineage (iteratively: chains of messages
 * can be long). `memo` keeps each cause's inputs across calls on the same execution.
 */
export function inputIdsOf(causes: CodeExecution['causes'], memo: Map<number, ReadonlySet<number>>, ids: readonly number[]): Set<number> {
  const out = new Set<number>();
  // Causes whose inputs are being gathered: a cause met again on its own path (never, in practice:
  // a message depends on earlier causes) counts as no inputs, rather than looping.
  const open = new Set<number>();
  for (const root of ids) {
    const stack: { id: number; deps: readonly number[]; next: number }[] = [];
    const enter = (id: number) => {
      if (memo.has(id) || open.has(id)) return;
      const c = causes.get(id);
      if (c?.kind !== 'message') memo.set(id, new Set(c?.kind === 'input' ? [id] : []));
      else {
        open.add(id);
        stack.push({ id, deps: expandDeps(c.record.deps), next: 0 });
      }
    };
    enter(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < top.deps.length) {
        enter(top.deps[top.next++]);
        continue;
      }
      const mine = new Set<number>();
      for (const d of top.deps) for (const i of memo.get(d) ?? []) mine.add(i);
      memo.set(top.id, mine);
      open.delete(top.id);
      stack.pop();
    }
    for (const i of memo.get(root) ?? []) out.add(i);
  }
  return out;
}

/**
 * The finished run as invariants see it: outputs with the inputs they came from. With `watch`, the
 * view notes whether an invariant read a time (an output's `at`, `endTime`, `stoppedAtTimeBound`):
 * a search may compare runs without their times only while no run that held read one.
 */
export function runView(exec: CodeExecution, watch?: { readTimes: boolean }, faultFree?: RunView['faultFree']): SimRunView {
  const memo = new Map<number, ReadonlySet<number>>();
  const inputsOf = (deps: Deps): InputRef[] => {
    const ids = inputIdsOf(exec.causes, memo, expandDeps(deps));
    return exec.inputs.filter((i) => ids.has(i.id));
  };
  const outputs: OutputRecord[] = exec.outputs.map((o) => {
    const record = { node: o.node, at: o.at, value: o.value, inputs: inputsOf(o.deps) };
    return watch ? timed(record, 'at', watch) : record;
  });
  const refusedIds = new Set(exec.refused ?? []);
  const view = {
    inputs: exec.inputs,
    refused: exec.inputs.filter((i) => refusedIds.has(i.id)),
    outputs,
    crashed: exec.crashed,
    restarted: exec.restarted ?? [],
    down: exec.down,
    stoppedAtTimeBound: exec.stoppedAtTimeBound,
    endTime: exec.endTime,
    ...(faultFree ? { faultFree } : {}),
  };
  return watch ? timed(timed(view, 'endTime', watch), 'stoppedAtTimeBound', watch) : view;
}

/** The object with `key` read through a getter that notes the read (still enumerable, as JSON needs). */
function timed<T extends object>(o: T, key: keyof T & string, watch: { readTimes: boolean }): T {
  const value = o[key];
  Object.defineProperty(o, key, {
    enumerable: true,
    get() {
      watch.readTimes = true;
      return value;
    },
  });
  return o;
}
