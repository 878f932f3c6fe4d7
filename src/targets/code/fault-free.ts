import type { Finding, Invariant, OutputRecord, Payload, RunView } from './outputs.ts';

/** What `sameAsFaultFree` compares. */
export interface FaultFreeCheck {
  /**
   * Which order outputs must keep, at each node: the fault-free run's (`total`, default), its order
   * among outputs of one `key` (`per-key`), or none (the same outputs, as a multiset).
   */
  readonly order?: 'total' | 'per-key' | 'none';
  /** An output's key, for `per-key` order. */
  readonly key?: (output: Payload) => string;
  /** The nodes whose outputs are compared (default: every node). */
  readonly nodes?: readonly string[];
  /** How an output is named in reports (default: its value as JSON). */
  readonly name?: (output: Payload) => string;
}

const FAULT_FREE = Symbol.for('ldfi.faultFree');

/**
 * The fault-free run as the oracle: a run whose outputs differ from those of the run without faults
 * (same seed; times aside) violates it, each difference one line — `missing`, `extra` (with every
 * time) or `reordered`. No model to write: what the system does when nothing fails is taken as right.
 * Targets run the fault-free run once, when an invariant of this kind is among a protocol's.
 */
export function sameAsFaultFree(check: FaultFreeCheck = {}): Invariant {
  const invariant: Invariant = (run) => {
    if (!run.faultFree) throw new Error('sameAsFaultFree: this run came without the fault-free run to compare with (a target that does not provide it)');
    return faultFreeDifferences(run, run.faultFree.outputs, check);
  };
  return Object.assign(invariant, { [FAULT_FREE]: true });
}

/** Whether any of these invariants needs the fault-free run's outputs (`RunView.faultFree`). */
export function wantsFaultFree(invariants: readonly Invariant[]): boolean {
  return invariants.some((i) => (i as unknown as Record<symbol, unknown>)[FAULT_FREE] === true);
}

/** The differences, per node in node order, then per lane (key) in first-seen order. */
export function faultFreeDifferences(run: RunView, baseline: readonly OutputRecord[], check: FaultFreeCheck): Finding[] {
  const json = (v: Payload) => JSON.stringify(v) ?? 'undefined';
  const name = (v: Payload) => (check.name ? check.name(v) : json(v));
  const order = check.order ?? 'total';
  const wanted = (o: OutputRecord) => !check.nodes || check.nodes.includes(o.node);
  const lane = (o: OutputRecord) => `${o.node}\u0000${order === 'per-key' && check.key ? check.key(o.value) : ''}`;
  const group = (outs: readonly OutputRecord[]) => {
    const m = new Map<string, OutputRecord[]>();
    for (const o of [...outs].filter(wanted).sort((a, b) => a.at - b.at)) (m.get(lane(o)) ?? m.set(lane(o), []).get(lane(o))!).push(o);
    return m;
  };
  const before = group(baseline);
  const now = group(run.outputs);
  const out: Finding[] = [];
  for (const k of [...new Set([...before.keys(), ...now.keys()])].sort()) {
    const [node, key] = k.split('\u0000');
    const scope = key ? ` (key ${key})` : '';
    const b = before.get(k) ?? [];
    const n = now.get(k) ?? [];
    const times = (list: OutputRecord[]) => list.map((o) => `@${o.at}`).join(', ');
    const byValue = (list: OutputRecord[]) => {
      const m = new Map<string, OutputRecord[]>();
      for (const o of list) (m.get(json(o.value)) ?? m.set(json(o.value), []).get(json(o.value))!).push(o);
      return m;
    };
    const bv = byValue(b);
    const nv = byValue(n);
    let differs = false;
    for (const [v, list] of bv) {
      const got = nv.get(v) ?? [];
      if (got.length >= list.length) continue;
      differs = true;
      out.push({ kind: 'missing', outputs: got, message: `missing: ${name(list[0].value)} at ${node}${scope}: the fault-free run gave it ${count(list.length)} (${times(list)}), this run ${got.length ? `${count(got.length)} (${times(got)})` : 'never'}` });
    }
    for (const [v, list] of nv) {
      const had = bv.get(v) ?? [];
      if (list.length <= had.length) continue;
      differs = true;
      out.push({ kind: 'extra', outputs: list, message: `extra: ${name(list[0].value)} at ${node}${scope} came out ${count(list.length)} (${times(list)}); the fault-free run gave it ${had.length ? `${count(had.length)} (${times(had)})` : 'never'}` });
    }
    if (differs || order === 'none') continue;
    const i = n.findIndex((o, j) => json(o.value) !== json(b[j].value));
    if (i >= 0) {
      const later = b.findIndex((o, j) => j > i && json(o.value) === json(n[i].value));
      const other = n.find((o) => json(o.value) === json(b[i].value));
      out.push({ kind: 'reordered', outputs: other ? [n[i], other] : [n[i]], message: `reordered at ${node}${scope}: ${name(n[i].value)} came out @${n[i].at}, before ${name(b[i].value)}; the fault-free run gave ${name(b[i].value)} first (@${b[i].at}, then ${name(n[i].value)} @${b[later]?.at ?? '?'})` });
    }
  }
  return out;
}

function count(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}
