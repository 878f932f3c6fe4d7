import { maximumMatching, type Finding, type InputRef, type Invariant, type OutputRecord, type Payload, type RunView } from './outputs.ts';

/**
 * A black-box stream check: the inputs given at `from` against the outputs of `to`, read from the
 * run alone (never from lineage). Each input must come out once, as `expected(input)` (or as an output
 * `match` accepts) — unless it never went in (given to a node that was down: `run.refused`); outputs pair with inputs by what they carry (a maximum matching, as Jepsen's
 * checkers pair operations), then the pairs are checked for order and delay.
 */
export interface StreamCheck {
  /** The node whose workload inputs are the input stream. */
  readonly from: string;
  /** The node whose outputs are the output stream. */
  readonly to: string;
  /** What an input should come out as (default: unchanged). */
  readonly expected?: (input: Payload) => Payload;
  /**
   * Whether an output answers an input. Default: it equals `expected(input)` (as JSON), or with `id`,
   * has the input's id. Pairing by value or id is linear in the stream; a `match` function is tried on
   * every input and output pair (quadratic: use it for streams of thousands, not millions).
   */
  readonly match?: (input: Payload, output: Payload) => boolean;
  /**
   * An item's identity, the same function on inputs and outputs (e.g. `(v) => v.id`): outputs pair
   * with inputs by it (and, with `expected`, by value too: a wrong value is unexpected, its input lost).
   */
  readonly id?: (value: Payload) => string;
  /**
   * Which order outputs keep: that of their inputs over the whole stream (`total`), among inputs of
   * one `key` (`per-key`), or none (default).
   */
  readonly order?: 'total' | 'per-key' | 'none';
  /** The key of an input, for `per-key` order (default: the input as JSON). */
  readonly key?: (input: Payload) => string;
  /**
   * The version of the state an output was computed from (e.g. the sequence number of the market data
   * it saw): an output from an older version than one already shown (among outputs of its key with
   * `per-key` order, else all) is stale.
   */
  readonly version?: (output: Payload) => number;
  /** Longest time from an input to its output, in the target's time (sim: virtual ms; tcp: rounds). */
  readonly within?: number;
  /** How an input is named in reports (default: its value as JSON), e.g. `(t) => 'trade ' + t.id`. */
  readonly name?: (input: Payload) => string;
}

export type StreamAnomalyKind = 'lost' | 'duplicated' | 'unexpected' | 'reordered' | 'stale' | 'late';

/** One anomaly, with its evidence: the input, the outputs and their times. */
export interface StreamAnomaly {
  readonly kind: StreamAnomalyKind;
  /** One line, starting with the kind: `duplicated: trade t7 came out 2 times at sink (@14, @31)`. */
  readonly message: string;
  readonly input?: InputRef;
  readonly outputs: readonly OutputRecord[];
  /** For `reordered`: the earlier input that this one overtook. */
  readonly overtaken?: InputRef;
}

/**
 * The anomalies of one run, in a fixed order (lost, duplicated, unexpected, then reordered in input
 * order, stale in output order, late in input order). Time: linear in the stream (plus sorting by time) when outputs pair by value or
 * `id`; inputs × outputs with a `match` function.
 */
export function streamAnomalies(run: RunView, check: StreamCheck): StreamAnomaly[] {
  const json = (v: Payload) => JSON.stringify(v);
  const expected = check.expected ?? ((v: Payload) => v);
  const answers = (i: InputRef, o: OutputRecord) => check.match!(i.value, o.value);
  const name = (i: InputRef) => (check.name ? check.name(i.value) : json(i.value));
  // An input given to a node that was down never went in: no output is owed for it.
  const refused = new Set(run.refused ?? []);
  const ins = run.inputs.filter((i) => i.node === check.from && !refused.has(i)).sort((a, b) => a.at - b.at || a.id - b.id);
  const outs = run.outputs.filter((o) => o.node === check.to).sort((a, b) => a.at - b.at);
  // Pairing: by a key when outputs are matched by value or id (inputs and outputs of one key pair in
  // time order, which is a maximum matching since any of them answers any other), else by `match`.
  const keyed = !check.match;
  // With both `id` and `expected`, an output of the right id but another value answers nothing.
  const valued = !check.id || check.expected !== undefined;
  const inKey = (i: InputRef) => (check.id ? check.id(i.value) : '') + (valued ? `\u0000${json(expected(i.value))}` : '');
  const outKey = (o: OutputRecord) => (check.id ? check.id(o.value) : '') + (valued ? `\u0000${json(o.value)}` : '');
  const pairOf = new Map<InputRef, OutputRecord>();
  const outsByKey = new Map<string, OutputRecord[]>();
  if (keyed) {
    for (const o of outs) {
      const k = outKey(o);
      const list = outsByKey.get(k);
      if (list) list.push(o);
      else outsByKey.set(k, [o]);
    }
    const used = new Map<string, number>();
    for (const i of ins) {
      const k = inKey(i);
      const at = used.get(k) ?? 0;
      const o = outsByKey.get(k)?.[at];
      if (o) {
        pairOf.set(i, o);
        used.set(k, at + 1);
      }
    }
  } else for (const [i, o] of maximumMatching(ins, outs, answers)) pairOf.set(i, o);
  const paired = new Set(pairOf.values());
  const leftover = outs.filter((o) => !paired.has(o));
  // Lost ones go straight out, duplicated ones after them (no spread: the stream's length is the user's).
  const out: StreamAnomaly[] = [];
  const duplicated: StreamAnomaly[] = [];
  const taken = new Set<OutputRecord>();
  for (const input of ins) {
    const mine = pairOf.get(input);
    if (!mine) {
      out.push({ kind: 'lost', input, outputs: [], message: `lost: ${name(input)} (in at ${input.node} @${input.at}) never came out at ${check.to} (expected ${json(expected(input.value))})` });
      continue;
    }
    // Outputs no other input explains that also answer this one: more copies of it.
    const candidates = keyed ? (outsByKey.get(inKey(input)) ?? []).filter((o) => !paired.has(o)) : leftover;
    const extra = candidates.filter((o) => !taken.has(o) && (keyed || answers(input, o)));
    if (extra.length) {
      for (const o of extra) taken.add(o);
      const all = [mine, ...extra].sort((a, b) => a.at - b.at);
      duplicated.push({ kind: 'duplicated', input, outputs: all, message: `duplicated: ${name(input)} came out ${all.length} times at ${check.to} (${all.map((o) => `@${o.at}`).join(', ')})` });
    }
  }
  for (const d of duplicated) out.push(d);
  for (const o of leftover) {
    if (!taken.has(o)) out.push({ kind: 'unexpected', outputs: [o], message: `unexpected: output ${json(o.value)} at ${check.to} @${o.at} answers no input at ${check.from}` });
  }
  // Order and staleness are judged among the items of one key with per-key order, else over the stream.
  const order = check.order ?? 'none';
  const keyOf = (i: InputRef | undefined) => (order === 'per-key' && i ? (check.key ? check.key(i.value) : json(i.value)) : '');
  // Order: in input order, an output earlier than one of an earlier input (of the same key) overtook it.
  if (order !== 'none') {
    // Outputs of one instant keep the order they were made in (the sort above is stable).
    const seq = new Map(outs.map((o, i) => [o, i]));
    const latest = new Map<string, { input: InputRef; output: OutputRecord }>();
    for (const input of ins) {
      const o = pairOf.get(input);
      if (!o) continue;
      const k = keyOf(input);
      const before = latest.get(k);
      if (before && seq.get(o)! < seq.get(before.output)!) {
        const scope = order === 'per-key' ? ` (key ${k})` : '';
        out.push({
          kind: 'reordered',
          input,
          overtaken: before.input,
          outputs: [o, before.output],
          message: `reordered${scope}: ${name(input)} (in @${input.at}) came out @${o.at}, before ${name(before.input)} (in @${before.input.at}, out @${before.output.at})`,
        });
      } else latest.set(k, { input, output: o });
    }
  }
  if (check.version) {
    // Outputs in the order they were shown; each against the newest version shown before it.
    const inputOf = new Map([...pairOf].map(([i, o]) => [o, i]));
    const newest = new Map<string, { version: number; output: OutputRecord }>();
    for (const o of outs) {
      const v = check.version(o.value);
      const i = inputOf.get(o);
      const k = keyOf(i);
      const seen = newest.get(k);
      if (seen && v < seen.version) {
        const what = i ? name(i) : `output ${json(o.value)}`;
        out.push({ kind: 'stale', input: i, outputs: [o, seen.output], message: `stale: ${what} came out @${o.at} from version ${v}, after an output @${seen.output.at} from version ${seen.version}` });
      } else newest.set(k, { version: v, output: o });
    }
  }
  if (check.within !== undefined) {
    for (const input of ins) {
      const o = pairOf.get(input);
      if (o && o.at - input.at > check.within) {
        out.push({ kind: 'late', input, outputs: [o], message: `late: ${name(input)} (in @${input.at}) came out @${o.at}, ${o.at - input.at} after it went in (bound ${check.within})` });
      }
    }
  }
  return out;
}

/** `streamAnomalies` as an invariant: each anomaly is a violation, its one-line message with its evidence. */
export function expectStream(check: StreamCheck): Invariant {
  return (run) =>
    streamAnomalies(run, check).map((a): Finding => ({
      message: a.message,
      kind: a.kind,
      outputs: a.outputs,
      inputs: [a.input, a.overtaken].filter((i): i is InputRef => i !== undefined),
    }));
}
