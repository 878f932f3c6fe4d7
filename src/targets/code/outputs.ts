/**
 * What invariants see of a finished run, and the black-box output check, shared by every target whose
 * nodes are code (sim protocols, tcp systems).
 */

/** Anything JSON can carry. */
export type Payload = unknown;

/** An input of the workload. */
export interface InputRef {
  readonly kind: 'input';
  readonly id: number;
  readonly node: string;
  readonly at: number;
  readonly value: Payload;
}

/** A message as a node sees it; pass it in `because` to say an action depends on it alone. */
export interface MessageRef {
  readonly kind: 'message';
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly sentAt: number;
  readonly payload: Payload;
}

export interface OutputRecord {
  readonly node: string;
  readonly at: number;
  readonly value: Payload;
  /** The workload inputs this output depends on (through its lineage). */
  readonly inputs: readonly InputRef[];
}

/** What invariants see of a finished run. */
export interface RunView {
  readonly inputs: readonly InputRef[];
  /**
   * The inputs given to a node while it was down (crashed, or inside a restart window): they never
   * went in, as a request a client sees refused. The stream and model checks owe them no output.
   */
  readonly refused?: readonly InputRef[];
  readonly outputs: readonly OutputRecord[];
  /** Nodes crashed (crash-stop) by the end of the run. */
  readonly crashed: readonly string[];
  /** Nodes restarted during the run (down for a while, back with their durable state only), whether or not they are up at the end. */
  readonly restarted: readonly string[];
  /** Nodes down at the end (crashed, or inside a restart window). */
  readonly down: readonly string[];
  /** True if events were still pending at the time bound (the protocol never quiesced). */
  readonly stoppedAtTimeBound: boolean;
  /** Virtual ms of the protocol's last event (a delivery, a timer, an input; a crash is not one). */
  readonly endTime: number;
  /**
   * The outputs of the same protocol without faults (same seed), when an invariant asked for them
   * (`sameAsFaultFree`): the target runs that once.
   */
  readonly faultFree?: { readonly outputs: readonly OutputRecord[] };
}

/**
 * A violation with what it is about: the black-box checks return these, so that reports can mark the
 * outputs and inputs concerned (the HTML stream view). `message` is the one line the terminal prints.
 */
export interface Finding {
  readonly message: string;
  /** The anomaly's name (lost, duplicated, unexpected, reordered, stale, late, unseen, missing, extra). */
  readonly kind?: string;
  readonly outputs?: readonly { readonly node: string; readonly at: number; readonly value: Payload }[];
  readonly inputs?: readonly { readonly node: string; readonly at: number; readonly value: Payload }[];
}

/** Returns the violations it finds, each one sentence (or a `Finding`); an empty list means the invariant holds. */
export type Invariant = (run: RunView) => readonly (string | Finding)[];

/** The name sim protocols have used for the view. */
export type SimRunView = RunView;

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
export function maximumMatching(ins: readonly InputRef[], outs: readonly OutputRecord[], answers: (i: InputRef, o: OutputRecord) => boolean): Map<InputRef, OutputRecord> {
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
