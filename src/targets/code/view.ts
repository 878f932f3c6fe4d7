import type { InputRef, OutputRecord, SimRunView } from './outputs.ts';
import { expandDeps, type Deps, type CodeExecution } from './execution.ts';

/** The finished run as invariants see it: outputs with the inputs they came from. */
export function runView(exec: CodeExecution): SimRunView {
  const memo = new Map<number, Set<number>>();
  const inputsOfCause = (id: number): Set<number> => {
    const known = memo.get(id);
    if (known) return known;
    const c = exec.causes.get(id);
    const out = new Set<number>();
    memo.set(id, out); // a message cannot depend on itself, but guard anyway
    if (c?.kind === 'input') out.add(id);
    else if (c?.kind === 'message') for (const d of expandDeps(c.record.deps)) for (const i of inputsOfCause(d)) out.add(i);
    return out;
  };
  const inputsOf = (deps: Deps): InputRef[] => {
    const ids = new Set<number>();
    for (const d of expandDeps(deps)) for (const i of inputsOfCause(d)) ids.add(i);
    return exec.inputs.filter((i) => ids.has(i.id));
  };
  const outputs: OutputRecord[] = exec.outputs.map((o) => ({ node: o.node, at: o.at, value: o.value, inputs: inputsOf(o.deps) }));
  return {
    inputs: exec.inputs,
    outputs,
    crashed: exec.crashed,
    down: exec.down,
    stoppedAtTimeBound: exec.stoppedAtTimeBound,
    endTime: exec.endTime,
  };
}
