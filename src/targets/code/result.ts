import { payloadText } from './payload-text.ts';
import type { Bounds } from '../../model/bounds.ts';
import type { FaultSet } from '../../model/faults.ts';
import { windowsNext } from './windows.ts';
import { cutCalls, inertConnectionCalls } from './cuts.ts';
import { newLineageGraph } from '../../model/lineage.ts';
import type { MessageRecord, RunOptions, RunResult, StateFact } from '../../model/target.ts';
import type { CodeExecution } from './execution.ts';
import { simFootprint } from './footprint.ts';
import { InvariantCheck } from './invariant-check.ts';
import { buildSimLineage, outputKeys } from './lineage.ts';
import type { Invariant, RunView } from './outputs.ts';
import { runView } from './view.ts';
import { DEFAULT_RUN_BUDGET_MS } from './watchdog.ts';

/**
 * What the search needs of an execution of code (a sim protocol, a tcp system): violations of the
 * invariants (one that throws is unknown, not violated), messages, outcomes, lineage, footprint.
 */
export function executionResult(exec: CodeExecution, faults: FaultSet, invariants: readonly Invariant[], bounds: Bounds, options: RunOptions, budgetMs = DEFAULT_RUN_BUDGET_MS, faultFree?: RunView['faultFree']): RunResult {
  if (exec.interrupted) {
    // Ctrl-C stopped the run midway: it shows nothing either way (the search stops next).
    return { faults, messages: [], violations: [], unknown: ['the run was interrupted (Ctrl-C)'], outcomes: [], lineage: newLineageGraph() };
  }
  // A protocol that failed is a finding of its own: its invariants are not asked. Checked inside the
  // run's watchdog when the run was simulated; otherwise (a tcp run, a trace) under one of its own,
  // where Ctrl-C can stop it (these runs are few and slow, so the SIGINT swap costs nothing).
  const checked = exec.error ? { violations: [], unknown: [] } : (exec.checked ?? new InvariantCheck(invariants).checkWatched(runView(exec, undefined, faultFree), budgetMs, true));
  const violations = checked.violations;
  const unknown = [...(exec.unknown ?? []), ...checked.unknown];
  const timesRead = exec.checked?.readTimes === true;
  return {
    faults,
    messages: exec.messages.filter((m) => m.ref.from !== m.ref.to).map(toMessageRecord),
    ...(options.states ? { states: simStates(exec) } : { statesOf: () => simStates(exec) }),
    violations,
    unknown,
    outcomes: outputKeys(exec),
    lineage: options.lineage ? buildSimLineage(exec) : newLineageGraph(),
    ...(options.lineage || options.footprint ? { footprint: simFootprint(exec, faults, bounds, timesRead) } : {}),
    error: exec.error,
    ...(exec.notes?.length ? { notes: exec.notes } : {}),
    ...(exec.stateHashes ? { stateTrace: exec.stateHashes } : {}),
    ...(exec.checked?.readTimes ? { readTimes: true } : {}),
    ...windowsNext(exec, faults, bounds.eot, timesRead, (cut) => cutCalls(cut, new Set(exec.hearsConnections ?? []))),
    ...inertOf(exec),
  };
}

function inertOf(exec: CodeExecution): { inertCalls?: string[] } {
  const calls = inertConnectionCalls(exec);
  return calls.length ? { inertCalls: calls } : {};
}

/**
 * The inputs each node was given, the dropped and restored connections its handlers heard (relation
 * `connection event`, not a name a Dedalus relation can have) and the outputs it wrote, in time order
 * (messages are drawn apart).
 */
function simStates(exec: CodeExecution): StateFact[] {
  const hears = new Set(exec.hearsConnections ?? []);
  // Within a time, in the order they happened: by the handler call each came from (an input by the
  // call that took it in).
  const inputCall = new Map<number, number>();
  for (const i of exec.invocations) if (i.trigger && 'cause' in i.trigger && !inputCall.has(i.trigger.cause)) inputCall.set(i.trigger.cause, i.id);
  const facts: { f: StateFact; call: number }[] = [
    ...exec.inputs.map((i) => ({ f: { time: i.at, node: i.node, relation: 'input', fact: JSON.stringify(i.value) ?? 'undefined' }, call: (inputCall.get(i.id) ?? 0) - 0.5 })),
    ...exec.invocations.flatMap((i) =>
      i.trigger && 'peer' in i.trigger && hears.has(i.node) ? [{ f: { time: i.at, node: i.node, relation: 'connection event', fact: `${i.handler === 'onConnectionLost' ? 'lost' : 'restored'} ${i.trigger.peer}` }, call: i.id - 0.25 }] : [],
    ),
    ...exec.outputs.map((o) => ({ f: { time: o.at, node: o.node, relation: 'output', fact: JSON.stringify(o.value) ?? 'undefined' }, call: o.call ?? Infinity })),
  ];
  // Stable: equal keys keep the order above (outputs of one call in the order written).
  return facts.map((x, i) => ({ ...x, i })).sort((a, b) => a.f.time - b.f.time || a.call - b.call || a.i - b.i).map(({ f }) => f);
}

function toMessageRecord(m: CodeExecution['messages'][number]): MessageRecord {
  // Pending when the run ended: due after the end of time, it never arrived (even to a node still up).
  const status = m.status === 'delivered' ? 'delivered' : m.status === 'pending' ? 'in-flight' : m.status === 'receiver-down' ? 'receiver-down' : 'omitted';
  return {
    from: m.ref.from,
    to: m.ref.to,
    sendTime: m.ref.sentAt,
    deliverTime: m.deliverAt,
    content: payloadText(m.ref.payload),
    status,
    // Spike's answer to a failed request names that fault as its reason (it was delivered).
    ...(m.reason ? { reason: m.reason } : m.injected ? { reason: m.injected } : {}),
  };
}
