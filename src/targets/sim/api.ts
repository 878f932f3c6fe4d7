/**
 * The API for writing a protocol that ldfi runs on a simulated network. A protocol is a module whose
 * default export is `defineProtocol({...})`. Nodes are sets of handlers; all they may do to the world
 * goes through their context, so that every run is deterministic for a seed and a fault schedule,
 * and every message and output knows what it depends on (its lineage).
 *
 * ```ts
 * export default defineProtocol({
 *   name: 'echo',
 *   nodes: ['client', 'server'],
 *   node: (id) => ({
 *     onInput(ctx, value) { ctx.send('server', value); },
 *     onMessage(ctx, from, payload) { if (id === 'server') ctx.output(payload); },
 *   }),
 *   workload: [{ at: 1, node: 'client', value: 'hi' }],
 *   invariants: [(run) => (run.outputs.length === 1 ? [] : ['the server echoed nothing'])],
 * });
 * ```
 */

import type { InputRef, Invariant, MessageRef, Payload } from '../code/outputs.ts';
export { expectStream, streamAnomalies, type StreamAnomaly, type StreamAnomalyKind, type StreamCheck } from '../code/streams.ts';
export { checkLinearizable, expectLinearizable, type HistoryEvent, type LinearizabilityResult } from '../code/linearizable.ts';
export { sameAsFaultFree, type FaultFreeCheck } from '../code/fault-free.ts';
export { checkModel, expectModel, ModelSearchExhausted, type ModelAnomaly, type ModelAnomalyKind, type ModelCheck, type ModelResult, type StreamItem, type StreamModel } from '../code/model-check.ts';
import type { BoundDefaults } from '../../model/bounds.ts';
import type { NodeState } from './state.ts';

export type { NodeState, Register, StateMap, StateSet, StateOptions } from './state.ts';
export { expectOutputs, type InputRef, type Invariant, type MessageRef, type OutputRecord, type Payload, type RunView, type SimRunView } from '../code/outputs.ts';

export type Cause = MessageRef | InputRef;

export interface ActionOptions {
  /**
   * What this action depends on. Default: everything the node has received so far (its causal
   * past), which is always right but makes the lineage coarse; naming the causes sharpens it.
   */
  readonly because?: readonly Cause[];
}

/** A node's view of the world. `N` is the protocol's node names, so that `send` to a misspelled node is a type error. */
export interface NodeContext<N extends string = string> {
  readonly id: N;
  readonly nodes: readonly N[];
  /** Virtual time (ms); the read is recorded in the audit log. */
  now(): number;
  /** A seeded random number in [0, 1); the draw is recorded in the audit log. */
  random(): number;
  send(to: N, payload: Payload, options?: ActionOptions): void;
  /** Calls `onTimer(ctx, name)` after `after` ms (≥ 1) of virtual time, unless the node is down by then. */
  setTimer(after: number, name?: string): void;
  /** An observable result; invariants and the search look at outputs. */
  output(value: Payload, options?: ActionOptions): void;
  /**
   * The node's tracked state (the same object `node(id, state)` receives): registers, maps and sets
   * whose reads and writes ldfi records, so that each send and output depends on what its handler
   * read, not on everything the node saw (docs/lineage-for-code.md).
   */
  readonly state: NodeState;
  /** Keeps a value across a restart (everything volatile is lost); a durable register of `state`. */
  persist(key: string, value: Payload): void;
  recover<T = Payload>(key: string): T | undefined;
}

export interface NodeHandlers<N extends string = string> {
  /** At time 1, and again when the node restarts. */
  init?(ctx: NodeContext<N>): void;
  onInput?(ctx: NodeContext<N>, value: Payload, input: InputRef): void;
  onMessage?(ctx: NodeContext<N>, from: N, payload: Payload, message: MessageRef): void;
  onTimer?(ctx: NodeContext<N>, name: string): void;
  /** A dropped connection (disconnect or partition fault) to or from `peer` began. */
  onConnectionLost?(ctx: NodeContext<N>, peer: N): void;
  onConnectionRestored?(ctx: NodeContext<N>, peer: N): void;
}

/** The handler names a node may define (what `ldfi check` compares a node's keys with). */
export const HANDLER_NAMES = ['init', 'onInput', 'onMessage', 'onTimer', 'onConnectionLost', 'onConnectionRestored'] as const;

export interface WorkloadItem<N extends string = string> {
  readonly at: number;
  readonly node: N;
  readonly value: Payload;
}

export interface Protocol<N extends string = string> {
  readonly name: string;
  readonly nodes: readonly N[];
  /**
   * Builds a node's handlers: at the start and after each restart (state in closures is lost; volatile
   * tracked state too, durable tracked state is kept). Keep state in `state` (tracked: precise lineage)
   * rather than in closures (ldfi cannot see what a handler read there: conservative lineage).
   */
  node(id: N, state: NodeState): NodeHandlers<N>;
  readonly workload: readonly WorkloadItem<N>[];
  readonly invariants: readonly Invariant[];
  /** Bounds used when the command line gives none. */
  readonly defaults?: BoundDefaults;
  /** Message latency in ms, drawn per message from the seed: [min, max]. Default [1, 3]. */
  readonly latency?: readonly [number, number];
  /**
   * Real milliseconds one run may compute before ldfi calls it a handler that never returns (a
   * finding naming the node, the handler and the virtual time). Default 10,000.
   */
  readonly runBudgetMs?: number;
}

/**
 * Declares a protocol. With the node names written as a literal list (`nodes: ['a', 'b']`), a `send`
 * to another name is a type error that `ldfi check` reports (the workload is checked when loaded).
 */
export function defineProtocol<const N extends string>(p: {
  readonly name: string;
  readonly nodes: readonly N[];
  node(id: NoInfer<N>, state: NodeState): NodeHandlers<NoInfer<N>>;
  readonly workload: readonly WorkloadItem[];
  readonly invariants: readonly Invariant[];
  readonly defaults?: Protocol['defaults'];
  readonly latency?: Protocol['latency'];
  readonly runBudgetMs?: number;
}): Protocol {
  return p as unknown as Protocol;
}

