import type { Finding, InputRef, Invariant, OutputRecord, Payload, RunView } from './outputs.ts';

/** One input of one stream, as a reference model consumes it. */
export interface StreamItem {
  /** The stream's name (a key of `ModelCheck.streams`). */
  readonly stream: string;
  readonly value: Payload;
  /** When it went in (sim: virtual ms; tcp: rounds). */
  readonly at: number;
  /** Its position in its own stream, from 0 (reports count from 1: `market #1` is index 0). */
  readonly index: number;
}

/**
 * A reference model: what the outputs should be, from the inputs alone. Either a fold over the items
 * in the order the system met them (`init`, then `step` per item, each step giving the outputs it
 * adds), or a plain function of the whole interleaved sequence. Both must be pure and causal: the
 * outputs of a prefix are a prefix of the outputs of the whole, as a stream processor's are.
 */
export type StreamModel<S = unknown> =
  | {
      readonly init: S;
      /** The state after `item`, and the outputs it adds. Must not change `state`. */
      step(state: S, item: StreamItem): { readonly state: S; readonly out?: readonly Payload[] };
      /** A key for a state (default: its JSON): equal keys must mean states that behave alike. */
      readonly key?: (state: S) => string;
    }
  | ((items: readonly StreamItem[]) => readonly Payload[]);

/**
 * A black-box check against a reference model, over one input stream or several whose relative
 * order the system does not fix (market data and trades from two feeds). The outputs are explained
 * when *some* interleaving of the streams — each stream in its own order, and every output made no
 * earlier than the inputs the model had consumed when it gave it (what the system could have seen) —
 * makes the model give them, compared as `order` says.
 */
export interface ModelCheck<S = unknown> {
  /**
   * The input streams: name → the node whose workload inputs form it, or which inputs belong to it.
   * One stream: its interleaving is fixed, the check is a comparison.
   */
  readonly streams: Readonly<Record<string, string | ((input: InputRef) => boolean)>>;
  /** The node whose outputs are checked. */
  readonly to: string;
  readonly model: StreamModel<S>;
  /**
   * How outputs compare with the model's: the same sequence (`total`, default), the same sequence
   * per `key` (`per-key`), or the same multiset (`none`).
   */
  readonly order?: 'total' | 'per-key' | 'none';
  /** An output's key, for `per-key` order. */
  readonly key?: (output: Payload) => string;
  /** How an output is named in reports (default: its value as JSON), e.g. `(d) => 'trade ' + d.id + ' ' + d.verdict`. */
  readonly name?: (output: Payload) => string;
  /**
   * What an output answers (e.g. `(d) => d.id`, a trade): with it, more outputs for one id than the
   * model gives are named `duplicated` even when their values differ (a trade decided twice, once
   * each way), instead of an `unexpected` one.
   */
  readonly id?: (output: Payload) => string;
  /**
   * Search states at most (positions in the streams × model states) before the check gives up and
   * the run is *unknown* (default 1,000,000).
   */
  readonly maxStates?: number;
}

export type ModelAnomalyKind = 'lost' | 'unexpected' | 'duplicated' | 'reordered' | 'unseen' | 'stale';

/** A difference between the outputs and the model's along the interleaving that explains the most. */
export interface ModelAnomaly {
  readonly kind: ModelAnomalyKind;
  /** One line, starting with the kind. */
  readonly message: string;
  /** The outputs concerned (none for `lost`). */
  readonly outputs: readonly OutputRecord[];
  /** The model's output concerned (for `lost`, `reordered`, `unseen`). */
  readonly expected?: Payload;
  /** The input that made the model give it (for `lost`, `unseen`, `stale`), where a node gave it. */
  readonly inputs?: readonly { readonly node: string; readonly at: number; readonly value: Payload }[];
}

export interface ModelResult {
  /** Some interleaving makes the model give exactly these outputs. */
  readonly explained: boolean;
  /**
   * The interleaving that explains the outputs; when none does, the one that explains the longest
   * run of them, completed in input-time order.
   */
  readonly interleaving: readonly StreamItem[];
  /** The model's outputs along `interleaving`, each with how many items had been consumed when it came. */
  readonly expected: readonly { readonly value: Payload; readonly after: number }[];
  /** Empty when explained; else what differs from the model along `interleaving`. */
  readonly anomalies: readonly ModelAnomaly[];
  /** Search states visited. */
  readonly states: number;
}

/** The search could not decide within `maxStates`: the run is unknown, never "holds". */
export class ModelSearchExhausted extends Error {
  constructor(readonly states: number) {
    super(`the reference-model check gave up after ${states.toLocaleString('en-US')} interleaving states (maxStates): the outputs could not be judged`);
    this.name = 'ModelSearchExhausted';
  }
}

type Stepper = {
  init: unknown;
  step(state: unknown, item: StreamItem, path: () => StreamItem[]): { state: unknown; out: readonly Payload[] };
  key?: (state: unknown) => string;
};

/**
 * Judges one run against a reference model.
 *
 * Search: depth first over interleavings, the item that went in earliest tried first (so a system
 * that met its inputs in arrival order is explained on the first path: linear in the streams), an
 * output compared as soon as the model gives it, and states known to fail (positions, model state,
 * outputs matched) never visited twice: at most (n₁+1)·…·(nₖ+1) positions per distinct model state.
 * A function model has no state to compare, so only the first bound applies, and each step calls it
 * on the whole prefix (quadratic along a path): prefer a fold for long streams.
 *
 * @throws ModelSearchExhausted past `maxStates` (an invariant that throws makes the run unknown).
 */
export function checkModel<S>(run: RunView, check: ModelCheck<S>): ModelResult {
  const names = Object.keys(check.streams);
  if (names.length === 0) throw new Error('a model check needs at least one input stream');
  // An input given to a node that was down never went in: the model does not see it.
  const refused = new Set(run.refused ?? []);
  const streams: StreamItem[][] = names.map((name) => {
    const sel = check.streams[name];
    const pick = typeof sel === 'string' ? (i: InputRef) => i.node === sel : sel;
    return run.inputs
      .filter((i) => pick(i) && !refused.has(i))
      .sort((a, b) => a.at - b.at || a.id - b.id)
      .map((i, index) => ({ stream: name, value: i.value, at: i.at, index }));
  });
  const observed = run.outputs.filter((o) => o.node === check.to).sort((a, b) => a.at - b.at);
  const stepper = stepperOf(check.model);
  const search = new InterleavingSearch(streams, observed, stepper, check);
  const found = search.run(Infinity, Infinity);
  if (found.outcome === 'explained') return { explained: true, interleaving: found.path, expected: found.expected, anomalies: [], states: search.states };
  // Explained if outputs could come before what they need: they did, and that is the anomaly (unseen).
  const untimed = new InterleavingSearch(streams, observed, stepper, check, false);
  const loose = untimed.run(Infinity, Infinity);
  const states = search.states + untimed.states;
  if (loose.outcome === 'explained') return { explained: false, interleaving: loose.path, expected: loose.expected, anomalies: diff(observed, loose.expected, loose.path, check, ''), states };
  // None explains them. Named along the interleaving that differs least: the one that explained the
  // most outputs (the deterministic search again, stopped there), completed in input-time order, or
  // input-time order itself.
  const best = new InterleavingSearch(streams, observed, stepper, check).run(search.best.matched, search.best.consumed);
  const explainedMost = `${Math.max(0, search.best.matched)} of ${observed.length}`;
  const judged = [completeInTimeOrder(best.path, streams), completeInTimeOrder([], streams)].map((path) => {
    const expected = outputsAlong(path, stepper);
    return { path, expected, anomalies: diff(observed, expected, path, check, explainedMost) };
  });
  const least = judged[1].anomalies.length < judged[0].anomalies.length ? judged[1] : judged[0];
  const stale = (check.order ?? 'total') === 'total' ? staleAnswer(best.path, streams, observed, search.best.matched, stepper, check) : undefined;
  const anomalies = stale ? [stale.anomaly, ...least.anomalies.filter((a) => !stale.replaces(a))] : least.anomalies;
  return { explained: false, interleaving: least.path, expected: least.expected, anomalies, states };
}

/** `checkModel` as an invariant: each anomaly is a violation with its evidence; a search that gives up throws (unknown). */
export function expectModel<S>(check: ModelCheck<S>): Invariant {
  return (run) => {
    const r = checkModel(run, check);
    return r.explained ? [] : r.anomalies.map((a): Finding => ({ message: a.message, kind: a.kind, outputs: a.outputs, inputs: a.inputs ?? [] }));
  };
}

function stepperOf<S>(model: StreamModel<S>): Stepper {
  if (typeof model !== 'function') {
    return { init: model.init, step: (s, item) => {
      const r = model.step(s as S, item);
      return { state: r.state, out: r.out ?? [] };
    }, key: model.key ? (s) => model.key!(s as S) : (s) => JSON.stringify(s) ?? 'undefined' };
  }
  // A function model: its state is how many outputs it had given; what it gives next depends on the
  // whole prefix, so states are never merged.
  return {
    init: [] as readonly Payload[],
    step: (before, _item, path) => {
      const prior = before as readonly Payload[];
      const all = model(path());
      for (let i = 0; i < prior.length; i++) {
        if (JSON.stringify(all[i]) !== JSON.stringify(prior[i])) throw new Error(`the reference model is not causal: adding an input changed its output #${i + 1} (${JSON.stringify(prior[i])} → ${JSON.stringify(all[i])})`);
      }
      return { state: all, out: all.slice(prior.length) };
    },
  };
}

interface Frame {
  /** The stream whose item this frame consumed (-1 for the root). */
  readonly stream: number;
  readonly stateBefore: unknown;
  readonly thresholdBefore: number;
  /** Outputs matched when this frame consumed its item (undone on the way back). */
  readonly matchedHere: { lane: string; observed: OutputRecord }[];
  readonly expectedHere: Payload[];
  /** The earliest output not yet matched, before this frame. */
  readonly firstBefore: number;
  /** Streams to try next, earliest next item first. */
  readonly choices: number[];
  next: number;
}

class InterleavingSearch<S> {
  states = 0;
  best = { matched: -1, consumed: -1 };
  private readonly pos: number[];
  private state: unknown;
  /** The latest input time consumed: an output the model gives now cannot be earlier. */
  private threshold = -Infinity;
  private readonly lanes = new Map<string, OutputRecord[]>();
  private readonly lanePos = new Map<string, number>();
  private readonly used = new Set<OutputRecord>();
  private readonly indexOf: Map<OutputRecord, number>;
  /** Per observed output (in time order), whether it is matched; `first`: the earliest that is not. */
  private readonly isMatched: Uint8Array;
  private first = 0;
  private matched = 0;
  private consumed = 0;
  private readonly total: number;
  private readonly failed = new Set<string>();
  private readonly order: 'total' | 'per-key' | 'none';
  private readonly path: StreamItem[] = [];
  private readonly expected: { value: Payload; after: number }[] = [];

  constructor(
    private readonly streams: StreamItem[][],
    private readonly observed: OutputRecord[],
    private readonly stepper: Stepper,
    private readonly check: ModelCheck<S>,
    /** Whether an output must come no earlier than the inputs the model consumed for it. */
    private readonly timed = true,
  ) {
    this.pos = streams.map(() => 0);
    this.state = stepper.init;
    this.total = streams.reduce((n, s) => n + s.length, 0);
    this.order = check.order ?? 'total';
    this.indexOf = new Map(observed.map((o, i) => [o, i]));
    this.isMatched = new Uint8Array(observed.length);
    for (const o of observed) {
      const lane = this.laneOf(o.value);
      const list = this.lanes.get(lane);
      if (list) list.push(o);
      else this.lanes.set(lane, [o]);
    }
  }

  private laneOf(value: Payload): string {
    if (this.order === 'per-key') return this.check.key ? this.check.key(value) : '';
    if (this.order === 'none') return JSON.stringify(value) ?? 'undefined';
    return '';
  }

  /**
   * Depth-first search; stops at the first interleaving that explains everything, or (to rebuild the
   * best partial path) when `matched` and `consumed` reach the given figures.
   */
  run(stopMatched: number, stopConsumed: number): { outcome: 'explained' | 'stopped' | 'unexplained'; path: StreamItem[]; expected: { value: Payload; after: number }[] } {
    const max = this.check.maxStates ?? 1_000_000;
    const stack: Frame[] = [{ stream: -1, stateBefore: this.state, thresholdBefore: this.threshold, matchedHere: [], expectedHere: [], firstBefore: this.first, choices: this.choices(), next: 0 }];
    const done = () => ({ path: this.path.slice(), expected: this.expected.slice() });
    while (stack.length) {
      if (this.consumed === this.total && this.matched === this.observed.length) return { outcome: 'explained', ...done() };
      if (this.matched === stopMatched && this.consumed === stopConsumed) return { outcome: 'stopped', ...done() };
      const top = stack[stack.length - 1];
      if (top.next >= top.choices.length) {
        // Every way on from here fails: so does any later path that reaches the same state.
        if (this.stepper.key) this.failed.add(this.stateKey());
        this.undo(top);
        stack.pop();
        continue;
      }
      const s = top.choices[top.next++];
      const frame = this.consume(s);
      if (!frame) continue;
      if (this.failed.size && this.failed.has(this.stateKey())) {
        this.undo(frame);
        continue;
      }
      if (++this.states > max) throw new ModelSearchExhausted(max);
      if (this.matched > this.best.matched || (this.matched === this.best.matched && this.consumed > this.best.consumed)) this.best = { matched: this.matched, consumed: this.consumed };
      stack.push(frame);
    }
    return { outcome: 'unexplained', ...done() };
  }

  /** Streams with items left, the one whose next item went in earliest first. */
  private choices(): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.streams.length; s++) if (this.pos[s] < this.streams[s].length) out.push(s);
    return out.sort((a, b) => this.streams[a][this.pos[a]].at - this.streams[b][this.pos[b]].at || a - b);
  }

  /** Consumes the next item of stream `s`; undefined (and nothing changed) if an output it gives cannot be matched. */
  private consume(s: number): Frame | undefined {
    const item = this.streams[s][this.pos[s]];
    const frame: Frame = { stream: s, stateBefore: this.state, thresholdBefore: this.threshold, matchedHere: [], expectedHere: [], firstBefore: this.first, choices: [], next: 0 };
    this.pos[s]++;
    this.consumed++;
    this.path.push(item);
    this.threshold = Math.max(this.threshold, item.at);
    const r = this.stepper.step(this.state, item, () => this.path.slice());
    this.state = r.state;
    for (const value of r.out) {
      this.expected.push({ value, after: this.consumed });
      frame.expectedHere.push(value);
      const hit = this.match(value);
      if (!hit) {
        this.undo(frame);
        return undefined;
      }
      frame.matchedHere.push(hit);
    }
    // An output still to match that is earlier than what has been consumed never will be (what
    // has been consumed only grows): without this, a lagging stream was consumed to its end at
    // every dead end (quadratic).
    while (this.first < this.observed.length && this.isMatched[this.first]) this.first++;
    if (this.timed && this.first < this.observed.length && this.observed[this.first].at < this.threshold) {
      this.undo(frame);
      return undefined;
    }
    for (const c of this.choices()) frame.choices.push(c);
    return frame;
  }

  /** The observed output the model's `value` stands for now, taken; undefined if there is none. */
  private match(value: Payload): { lane: string; observed: OutputRecord } | undefined {
    const lane = this.laneOf(value);
    const list = this.lanes.get(lane);
    if (!list) return undefined;
    if (this.order === 'none') {
      // Thresholds only grow along a path: the earliest unused output late enough is the best pick.
      const o = list.find((x) => !this.used.has(x) && (!this.timed || x.at >= this.threshold));
      if (!o) return undefined;
      this.used.add(o);
      this.matched++;
      this.isMatched[this.indexOf.get(o)!] = 1;
      return { lane, observed: o };
    }
    const at = this.lanePos.get(lane) ?? 0;
    const o = list[at];
    if (!o || (this.timed && o.at < this.threshold) || JSON.stringify(o.value) !== JSON.stringify(value)) return undefined;
    this.lanePos.set(lane, at + 1);
    this.matched++;
    this.isMatched[this.indexOf.get(o)!] = 1;
    return { lane, observed: o };
  }

  private undo(frame: Frame): void {
    if (frame.stream < 0) return;
    for (const m of frame.matchedHere) {
      if (this.order === 'none') this.used.delete(m.observed);
      else this.lanePos.set(m.lane, this.lanePos.get(m.lane)! - 1);
      this.isMatched[this.indexOf.get(m.observed)!] = 0;
      this.matched--;
    }
    this.first = frame.firstBefore;
    this.expected.length -= frame.expectedHere.length;
    this.pos[frame.stream]--;
    this.consumed--;
    this.path.pop();
    this.state = frame.stateBefore;
    this.threshold = frame.thresholdBefore;
  }

  /** Positions, model state and outputs matched: what the rest of the search depends on. */
  private stateKey(): string {
    const model = this.stepper.key!(this.state);
    let outputs: string;
    if (this.order === 'none') {
      // Only the used outputs still late enough to be picked matter.
      const late: number[] = [];
      for (const o of this.used) if (!this.timed || o.at >= this.threshold) late.push(this.indexOf.get(o)!);
      outputs = late.sort((a, b) => a - b).join(',');
    } else outputs = [...this.lanePos].map(([k, v]) => `${k}=${v}`).join(',');
    return `${this.pos.join(',')}|${this.timed ? this.threshold : ''}|${outputs}|${model}`;
  }
}

/** An item as evidence: the node that gave it (or its stream's name, for a stream chosen by a function). */
function itemRef<S>(item: StreamItem, check: ModelCheck<S>): { node: string; at: number; value: Payload } {
  const sel = check.streams[item.stream];
  return { node: typeof sel === 'string' ? sel : item.stream, at: item.at, value: item.value };
}

/** The path, then the items it left, in input-time order. */
function completeInTimeOrder(path: readonly StreamItem[], streams: readonly StreamItem[][]): StreamItem[] {
  const taken = streams.map((_, s) => path.filter((i) => i.stream === streams[s][0]?.stream).length);
  const rest: StreamItem[] = [];
  streams.forEach((items, s) => {
    for (let i = taken[s]; i < items.length; i++) rest.push(items[i]);
  });
  // Stable: items of one stream keep their order.
  rest.sort((a, b) => a.at - b.at);
  return [...path, ...rest];
}

function outputsAlong(path: readonly StreamItem[], stepper: Stepper): { value: Payload; after: number }[] {
  let state = stepper.init;
  const out: { value: Payload; after: number }[] = [];
  path.forEach((item, i) => {
    const r = stepper.step(state, item, () => path.slice(0, i + 1));
    state = r.state;
    for (const value of r.out) out.push({ value, after: i + 1 });
  });
  return out;
}

/**
 * The outputs against the model's along one interleaving, as named anomalies: values paired in
 * order per lane; an output with no partner is unexpected (duplicated when it repeats a paired one),
 * a model output with none is lost, a paired output earlier than the inputs the model needed for it is
 * unseen, and paired outputs out of the model's order are reordered.
 */
function diff<S>(observed: readonly OutputRecord[], expected: readonly { value: Payload; after: number }[], path: readonly StreamItem[], check: ModelCheck<S>, explainedMost: string): ModelAnomaly[] {
  const json = (v: Payload) => JSON.stringify(v) ?? 'undefined';
  const name = (v: Payload) => (check.name ? check.name(v) : json(v));
  const order = check.order ?? 'total';
  const byValue = new Map<string, number[]>();
  expected.forEach((e, i) => {
    const k = json(e.value);
    const list = byValue.get(k);
    if (list) list.push(i);
    else byValue.set(k, [i]);
  });
  const taken = new Map<string, number>();
  const partner = new Map<OutputRecord, number>();
  const pairedValues = new Set<string>();
  for (const o of observed) {
    const k = json(o.value);
    const at = taken.get(k) ?? 0;
    const e = byValue.get(k)?.[at];
    if (e === undefined) continue;
    taken.set(k, at + 1);
    partner.set(o, e);
    pairedValues.add(k);
  }
  const out: ModelAnomaly[] = [];
  const paired = new Set(partner.values());
  expected.forEach((e, i) => {
    if (paired.has(i)) return;
    const last = path[e.after - 1];
    out.push({ kind: 'lost', outputs: [], expected: e.value, inputs: [itemRef(last, check)], message: `lost: ${name(e.value)} never came out at ${check.to} (the model gives it once ${last.stream} #${last.index + 1} @${last.at} is in, along the interleaving that explains the most)` });
  });
  const copies = new Map<string, OutputRecord[]>();
  for (const o of observed) {
    const k = json(o.value);
    if (pairedValues.has(k)) (copies.get(k) ?? copies.set(k, []).get(k)!).push(o);
    if (partner.has(o)) continue;
    if (pairedValues.has(k)) continue;
    out.push({ kind: 'unexpected', outputs: [o], message: `unexpected: ${name(o.value)} at ${check.to} @${o.at}: the model does not give it along the interleaving that explains the most outputs (${explainedMost})` });
  }
  // More outputs for one id than the model gives, whatever their values: one anomaly, every output.
  const doubled = new Set<OutputRecord>();
  if (check.id) {
    const wantedById = new Map<string, number>();
    for (const e of expected) wantedById.set(check.id(e.value), (wantedById.get(check.id(e.value)) ?? 0) + 1);
    const byId = new Map<string, OutputRecord[]>();
    for (const o of observed) (byId.get(check.id(o.value)) ?? byId.set(check.id(o.value), []).get(check.id(o.value))!).push(o);
    for (const [id, all] of byId) {
      const wanted = wantedById.get(id) ?? 0;
      if (wanted === 0 || all.length <= wanted) continue;
      for (const o of all) doubled.add(o);
      const list = all.map((o) => `@${o.at} ${name(o.value)}`).join(', ');
      out.push({ kind: 'duplicated', outputs: all, message: `duplicated: ${id} came out ${all.length === 2 ? 'twice' : `${all.length} times`} at ${check.to} (${list}); the model gives ${wanted === 1 ? 'one output' : `${wanted} outputs`} for it` });
    }
  }
  for (let i = out.length - 1; i >= 0; i--) if (out[i].kind === 'unexpected' && doubled.has(out[i].outputs[0])) out.splice(i, 1);
  // More copies of an output than the model gives: one anomaly, every copy's time.
  for (const [k, all] of copies) {
    if (all.some((o) => doubled.has(o))) continue;
    const wanted = byValue.get(k)!.length;
    if (all.length <= wanted) continue;
    const times = `${all.length === 2 ? 'twice' : `${all.length} times`} (${all.map((o) => `@${o.at}`).join(', ')})`;
    out.push({ kind: 'duplicated', outputs: all, message: `duplicated: ${name(all[0].value)} came out ${times} at ${check.to}; the model gives it ${wanted === 1 ? 'once' : `${wanted} times`}` });
  }
  // The latest item consumed by each point of the path: what an output given there needs to have seen.
  const latest: StreamItem[] = [];
  path.forEach((item, i) => latest.push(i === 0 || item.at >= latest[i - 1].at ? item : latest[i - 1]));
  for (const [o, e] of partner) {
    const last = latest[expected[e].after - 1];
    if (last && o.at < last.at) {
      out.push({ kind: 'unseen', outputs: [o], expected: expected[e].value, inputs: [itemRef(last, check)], message: `unseen: ${name(o.value)} came out @${o.at}, before ${last.stream} #${last.index + 1} (in @${last.at}) that the model needs for it` });
    }
  }
  if (order !== 'none') {
    const laneOf = (v: Payload) => (order === 'per-key' && check.key ? check.key(v) : '');
    const lastOf = new Map<string, { o: OutputRecord; e: number }>();
    for (const o of observed) {
      const e = partner.get(o);
      if (e === undefined) continue;
      const lane = laneOf(o.value);
      const before = lastOf.get(lane);
      if (before && e < before.e) {
        out.push({ kind: 'reordered', outputs: [o, before.o], expected: expected[e].value, message: `reordered${lane ? ` (key ${lane})` : ''}: ${name(o.value)} came out @${o.at}, after ${name(before.o.value)} @${before.o.at}, which the model gives later` });
      } else lastOf.set(lane, { o, e });
    }
  }
  return out;
}

/** How far back `staleAnswer` rolls a stream (items), so a diagnosis stays cheap on long streams. */
const STALE_LOOKBACK = 64;

/**
 * Whether the first output no interleaving explains (total order) is the model's answer as of an
 * earlier point of another stream than the outputs before it allow: a decision made on a state the
 * system had already moved past. Found by taking the item that gives that output next, and rolling
 * each other stream back, one item at a time, until the model gives it; the witness is the earlier
 * output that then no longer holds. Replaces that output's `unexpected` and its `lost` answer.
 */
function staleAnswer<S>(
  path: readonly StreamItem[],
  streams: readonly StreamItem[][],
  observed: readonly OutputRecord[],
  matched: number,
  stepper: Stepper,
  check: ModelCheck<S>,
): { anomaly: ModelAnomaly; replaces: (a: ModelAnomaly) => boolean } | undefined {
  const target = observed[matched];
  if (!target) return undefined;
  const json = (v: Payload) => JSON.stringify(v) ?? 'undefined';
  const name = (v: Payload) => (check.name ? check.name(v) : json(v));
  const consumed = (stream: string) => path.filter((i) => i.stream === stream).length;
  for (const items of streams) {
    const at = items.length ? consumed(items[0].stream) : 0;
    const trigger = items[at];
    if (!trigger) continue;
    const answer = outputsAlong([...path, trigger], stepper).filter((e) => e.after === path.length + 1);
    if (answer.length === 0 || json(answer[0].value) === json(target.value)) continue;
    for (const other of streams) {
      if (other === items || other.length === 0) continue;
      const upTo = consumed(other[0].stream);
      for (let j = upTo - 1; j >= Math.max(0, upTo - STALE_LOOKBACK); j--) {
        const kept = path.filter((i) => i.stream !== other[0].stream || i.index < j);
        const along = outputsAlong([...kept, trigger], stepper);
        const given = along.filter((e) => e.after === kept.length + 1);
        if (given.length === 0 || json(given[0].value) !== json(target.value)) continue;
        const needed = other[j];
        const witness = observed.slice(0, matched).find((o, i) => json(along[i]?.value) !== json(o.value));
        const asOf = j === 0 ? `with no ${needed.stream} item seen yet` : `as of ${needed.stream} #${j} (in @${other[j - 1].at})`;
        const why = witness ? `, but ${name(witness.value)} @${witness.at} before it needs ${needed.stream} #${j + 1} (in @${needed.at}) seen` : `, though ${needed.stream} #${j + 1} (in @${needed.at}) was seen before it`;
        const wrong = json(answer[0].value);
        let lostDropped = false;
        return {
          anomaly: { kind: 'stale', outputs: witness ? [target, witness] : [target], expected: answer[0].value, inputs: [itemRef(needed, check)], message: `stale: ${name(target.value)} at ${check.to} @${target.at} is the model's answer ${asOf}${why}` },
          replaces: (a) => {
            if (a.kind === 'unexpected' && a.outputs[0] === target) return true;
            if (a.kind === 'lost' && !lostDropped && json(a.expected) === wrong) return (lostDropped = true);
            return false;
          },
        };
      }
    }
  }
  return undefined;
}
