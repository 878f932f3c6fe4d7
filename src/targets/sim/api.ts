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
  /** Keeps a value across a crash-restart (everything else a node holds is lost). */
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
  /** Virtual ms of the protocol's last event (a delivery, a timer, an input; a crash is not one). */
  readonly endTime: number;
}

/** Returns the violations it finds, each one sentence; an empty list means the invariant holds. */
export type Invariant = (run: SimRunView) => readonly string[];

export interface Protocol<N extends string = string> {
  readonly name: string;
  readonly nodes: readonly N[];
  /** Builds a node's handlers: at the start and after each restart (state in closures is lost). */
  node(id: N): NodeHandlers<N>;
  readonly workload: readonly WorkloadItem<N>[];
  readonly invariants: readonly Invariant[];
  /** Bounds used when the command line gives none. */
  readonly defaults?: { readonly eot?: number; readonly eff?: number; readonly crashes?: number };
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
  node(id: NoInfer<N>): NodeHandlers<NoInfer<N>>;
  readonly workload: readonly WorkloadItem[];
  readonly invariants: readonly Invariant[];
  readonly defaults?: Protocol['defaults'];
  readonly latency?: Protocol['latency'];
  readonly runBudgetMs?: number;
}): Protocol {
  return p as unknown as Protocol;
}

/**
 * A black-box check, as a Jepsen checker makes it: each input given at `from` must come out at `to`
 * exactly once. Outputs are paired with inputs by what they carry, not by lineage: an output answers
 * an input when its value is `expected(input)` or, with `match`, when `match(input, output)` holds
 * (pairing by maximum matching, so the order of arrival never matters). A missing, duplicated or
 * unexplained output is a violation naming its input. Lineage (`because`) only sharpens the words: an
 * unpaired output whose lineage names exactly one unpaired input is reported as that input's wrong
 * answer; without it the same run reads as one missing and one unexplained output, never as correct.
 */
export function expectOutputs(opts: {
  from: string;
  to: string;
  expected: (value: Payload) => Payload;
  /** Whether an output answers an input (default: its value equals `expected(input)`, as JSON). */
  match?: (input: Payload, output: Payload) => boolean;
}): Invariant {
  return (run) => {
    const violations: string[] = [];
    const key = (v: Payload) => JSON.stringify(v);
    const outs = run.outputs.filter((o) => o.node === opts.to);
    const ins = run.inputs.filter((i) => i.node === opts.from);
    const answers = (i: InputRef, o: OutputRecord) => (opts.match ? opts.match(i.value, o.value) : key(o.value) === key(opts.expected(i.value)));
    const pairOf = maximumMatching(ins, outs, answers);
    const paired = new Set(pairOf.values());
    const label = (i: InputRef) => `input ${key(i.value)} (at ${i.node} @${i.at})`;
    const leftover = outs.filter((o) => !paired.has(o));
    const explained = new Set<OutputRecord>();
    for (const input of ins) {
      const mine = pairOf.get(input);
      const want = key(opts.expected(input.value));
      if (mine) {
        // More answers to the same input than it had: duplicates.
        const extra = leftover.filter((o) => !explained.has(o) && answers(input, o) && ins.every((j) => j === input || pairOf.get(j) !== undefined || !answers(j, o)));
        if (extra.length) {
          for (const o of extra) explained.add(o);
          const all = [mine, ...extra].sort((a, b) => a.at - b.at);
          violations.push(`${label(input)} came out ${all.length} times at ${opts.to}: ${all.map((o) => `${key(o.value)} @${o.at}`).join(', ')}`);
        }
        continue;
      }
      // Lineage that names this input alone makes an unpaired output its (wrong) answer.
      const wrong = leftover.find((o) => !explained.has(o) && o.inputs.filter((i) => i.node === opts.from).length === 1 && o.inputs.some((i) => i.id === input.id));
      if (wrong) {
        explained.add(wrong);
        violations.push(`${label(input)} came out at ${opts.to} @${wrong.at} as ${key(wrong.value)}, expected ${want}`);
      } else violations.push(`${label(input)} never came out at ${opts.to} (expected ${want})`);
    }
    for (const o of leftover) {
      if (!explained.has(o)) violations.push(`output ${key(o.value)} at ${opts.to} @${o.at} answers no input at ${opts.from}`);
    }
    return violations;
  };
}

/**
 * A maximum matching of inputs to outputs (Kuhn's augmenting paths, with an explicit stack: the number
 * of inputs is the user's). Inputs and outputs are tried in order, so equal candidates pair in time order.
 */
function maximumMatching(ins: readonly InputRef[], outs: readonly OutputRecord[], answers: (i: InputRef, o: OutputRecord) => boolean): Map<InputRef, OutputRecord> {
  const candidates = ins.map((i) => outs.map((o, k) => (answers(i, o) ? k : -1)).filter((k) => k >= 0));
  const ownerOf = new Array<number>(outs.length).fill(-1);
  const outOf = new Array<number>(ins.length).fill(-1);
  for (let root = 0; root < ins.length; root++) {
    const seen = new Set<number>();
    // Each frame: an input and the index of its next candidate output to try.
    const stack: { input: number; next: number }[] = [{ input: root, next: 0 }];
    const path: { input: number; out: number }[] = [];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const list = candidates[top.input];
      if (top.next >= list.length) {
        stack.pop();
        path.pop();
        continue;
      }
      const out = list[top.next++];
      if (seen.has(out)) continue;
      seen.add(out);
      path.push({ input: top.input, out });
      if (ownerOf[out] === -1) {
        // Augment along the path.
        for (const step of path) {
          ownerOf[step.out] = step.input;
          outOf[step.input] = step.out;
        }
        break;
      }
      stack.push({ input: ownerOf[out], next: 0 });
    }
  }
  const pairs = new Map<InputRef, OutputRecord>();
  outOf.forEach((k, i) => {
    if (k >= 0) pairs.set(ins[i], outs[k]);
  });
  return pairs;
}
