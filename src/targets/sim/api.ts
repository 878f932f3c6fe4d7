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

/** Anything JSON can carry. */
export type Payload = unknown;

/** A message as a node sees it; pass it in `because` to say an action depends on it alone. */
export interface MessageRef {
  readonly kind: 'message';
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly sentAt: number;
  readonly payload: Payload;
}

/** An input of the workload. */
export interface InputRef {
  readonly kind: 'input';
  readonly id: number;
  readonly node: string;
  readonly at: number;
  readonly value: Payload;
}

export type Cause = MessageRef | InputRef;

export interface ActionOptions {
  /**
   * What this action depends on. Default: everything the node has received so far (its causal
   * past), which is always right but makes the lineage coarse; naming the causes sharpens it.
   */
  readonly because?: readonly Cause[];
}

export interface NodeContext {
  readonly id: string;
  readonly nodes: readonly string[];
  /** Virtual time (ms); the read is recorded in the audit log. */
  now(): number;
  /** A seeded random number in [0, 1); the draw is recorded in the audit log. */
  random(): number;
  send(to: string, payload: Payload, options?: ActionOptions): void;
  /** Calls `onTimer(ctx, name)` after `after` ms (≥ 1) of virtual time, unless the node is down by then. */
  setTimer(after: number, name?: string): void;
  /** An observable result; invariants and the search look at outputs. */
  output(value: Payload, options?: ActionOptions): void;
  /** Keeps a value across a crash-restart (everything else a node holds is lost). */
  persist(key: string, value: Payload): void;
  recover<T = Payload>(key: string): T | undefined;
}

export interface NodeHandlers {
  /** At time 1, and again when the node restarts. */
  init?(ctx: NodeContext): void;
  onInput?(ctx: NodeContext, value: Payload, input: InputRef): void;
  onMessage?(ctx: NodeContext, from: string, payload: Payload, message: MessageRef): void;
  onTimer?(ctx: NodeContext, name: string): void;
  /** A dropped connection (disconnect or partition fault) to or from `peer` began. */
  onConnectionLost?(ctx: NodeContext, peer: string): void;
  onConnectionRestored?(ctx: NodeContext, peer: string): void;
}

export interface WorkloadItem {
  readonly at: number;
  readonly node: string;
  readonly value: Payload;
}

export interface OutputRecord {
  readonly node: string;
  readonly at: number;
  readonly value: Payload;
  /** The workload inputs this output depends on (through its lineage). */
  readonly inputs: readonly InputRef[];
}

/** What invariants see of a finished run. */
export interface SimRunView {
  readonly inputs: readonly InputRef[];
  readonly outputs: readonly OutputRecord[];
  /** Nodes crashed (crash-stop) by the end of the run. */
  readonly crashed: readonly string[];
  /** Nodes down at the end (crashed, or inside a restart window). */
  readonly down: readonly string[];
  /** True if events were still pending at the time bound (the protocol never quiesced). */
  readonly stoppedAtTimeBound: boolean;
  readonly endTime: number;
}

/** Returns the violations it finds, each one sentence; an empty list means the invariant holds. */
export type Invariant = (run: SimRunView) => readonly string[];

export interface Protocol {
  readonly name: string;
  readonly nodes: readonly string[];
  /** Builds a node's handlers: at the start and after each restart (state in closures is lost). */
  node(id: string): NodeHandlers;
  readonly workload: readonly WorkloadItem[];
  readonly invariants: readonly Invariant[];
  /** Bounds used when the command line gives none. */
  readonly defaults?: { readonly eot?: number; readonly eff?: number; readonly crashes?: number };
  /** Message latency in ms, drawn per message from the seed: [min, max]. Default [1, 3]. */
  readonly latency?: readonly [number, number];
}

export function defineProtocol(p: Protocol): Protocol {
  return p;
}

/**
 * A black-box check: each input given at `from` must come out at `to` exactly once, as
 * `expected(input)`. A missing, duplicated or wrong output is a violation naming its input.
 */
export function expectOutputs(opts: { from: string; to: string; expected: (value: Payload) => Payload }): Invariant {
  return (run) => {
    const violations: string[] = [];
    const key = (v: Payload) => JSON.stringify(v);
    const outs = run.outputs.filter((o) => o.node === opts.to);
    for (const input of run.inputs.filter((i) => i.node === opts.from)) {
      const want = opts.expected(input.value);
      const mine = outs.filter((o) => o.inputs.some((i) => i.id === input.id));
      const label = `input ${key(input.value)} (at ${input.node} @${input.at})`;
      if (mine.length === 0) violations.push(`${label} never came out at ${opts.to} (expected ${key(want)})`);
      else if (mine.length > 1) violations.push(`${label} came out ${mine.length} times at ${opts.to}: ${mine.map((o) => `${key(o.value)} @${o.at}`).join(', ')}`);
      for (const o of mine) {
        if (key(o.value) !== key(want)) violations.push(`${label} came out at ${opts.to} @${o.at} as ${key(o.value)}, expected ${key(want)}`);
      }
    }
    for (const o of outs) {
      if (!o.inputs.some((i) => i.node === opts.from)) violations.push(`output ${key(o.value)} at ${opts.to} @${o.at} came from no input at ${opts.from}`);
    }
    return violations;
  };
}
