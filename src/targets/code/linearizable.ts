import type { Invariant, Payload, RunView } from './outputs.ts';

/**
 * Linearizability of operation histories, the check Jepsen's Knossos and Porcupine make: a history of
 * invoke / ok / fail / info events per process is linearizable when every completed operation takes
 * effect at one instant between its invocation and its completion, in an order a sequential model
 * accepts. `fail` means the operation did not happen; `info` (indeterminate: a timeout, a crash) may
 * have happened at any instant after its invocation, or never. Reads that ended in `info` constrain
 * nothing and are dropped, as Jepsen drops them.
 *
 * Algorithm: Wing & Gong's search with Lowe's memoisation (as in Porcupine), on each key apart (a key-
 * value map is linearizable iff each key's history is: linearizability is local, Herlihy & Wing 1990).
 * Worst case exponential in the number of operations overlapping in time on one key; a history whose
 * operations barely overlap is checked in about linear time.
 */

/** One event of a history. `value`: what a write writes, a cas `[expected, new]`, what a read returned (on `ok`). */
export interface HistoryEvent {
  readonly process: string | number;
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  readonly f: 'read' | 'write' | 'cas';
  readonly key?: string;
  readonly value?: Payload;
}

/** An operation: its invocation and completion positions in the history (completion Infinity: info). */
interface Operation {
  readonly f: 'read' | 'write' | 'cas';
  readonly value: Payload;
  readonly call: number;
  readonly ret: number;
}

export interface LinearizabilityResult {
  readonly ok: boolean;
  /** Per key whose history is not linearizable: the shortest prefix of the whole history (events) that is not. */
  readonly failures: readonly { readonly key: string; readonly prefix: number; readonly message: string }[];
}

const same = (a: Payload, b: Payload) => JSON.stringify(a) === JSON.stringify(b);

/** The register model: the state after `op` from `state`, or undefined when the model refuses it. */
function step(state: Payload, op: Operation): { state: Payload } | undefined {
  switch (op.f) {
    case 'read':
      return same(op.value, state) ? { state } : undefined;
    case 'write':
      return { state: op.value };
    case 'cas': {
      const [expected, next] = op.value as [Payload, Payload];
      return same(state, expected) ? { state: next } : undefined;
    }
  }
}

/** Pairs invocations with their completions, per process; fail drops the operation. */
function operations(events: readonly HistoryEvent[], upTo = events.length): Map<string, Operation[]> {
  const open = new Map<string | number, { index: number; event: HistoryEvent }>();
  const byKey = new Map<string, Operation[]>();
  const add = (key: string, op: Operation) => {
    const list = byKey.get(key) ?? [];
    list.push(op);
    byKey.set(key, list);
  };
  for (let i = 0; i < upTo; i++) {
    const e = events[i];
    if (e.type === 'invoke') {
      open.set(e.process, { index: i, event: e });
      continue;
    }
    const inv = open.get(e.process);
    if (!inv) continue;
    open.delete(e.process);
    const key = inv.event.key ?? '';
    if (e.type === 'fail') continue;
    if (e.type === 'info') {
      if (inv.event.f !== 'read') add(key, { f: inv.event.f, value: inv.event.value, call: inv.index, ret: Infinity });
      continue;
    }
    add(key, { f: inv.event.f, value: inv.event.f === 'read' ? e.value : inv.event.value, call: inv.index, ret: i });
  }
  // Still open at the end (or at the prefix's end): indeterminate.
  for (const { index, event } of open.values()) if (event.f !== 'read') add(event.key ?? '', { f: event.f, value: event.value, call: index, ret: Infinity });
  return byKey;
}

/**
 * Whether one key's operations linearize from `initial` (Wing & Gong's search with Lowe's cache of
 * (operations linearized, state) pairs already explored; an explicit stack). Indeterminate operations
 * need not be linearized.
 */
function linearizable(ops: readonly Operation[], initial: Payload): boolean {
  const n = ops.length;
  const must = ops.filter((o) => o.ret !== Infinity).length;
  const done = new Uint32Array(Math.ceil(n / 32) || 1);
  const isDone = (i: number) => (done[i >>> 5] & (1 << (i & 31))) !== 0;
  const flip = (i: number) => {
    done[i >>> 5] ^= 1 << (i & 31);
  };
  const cache = new Set<string>();
  // An operation can take effect next iff it was called before every pending operation returned.
  const candidates = (): number[] => {
    let firstReturn = Infinity;
    for (let i = 0; i < n; i++) if (!isDone(i) && ops[i].ret < firstReturn) firstReturn = ops[i].ret;
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (!isDone(i) && ops[i].call < firstReturn) out.push(i);
    return out.sort((x, y) => ops[x].call - ops[y].call);
  };
  const stack: { cands: number[]; next: number; state: Payload; op: number }[] = [{ cands: candidates(), next: 0, state: initial, op: -1 }];
  let required = 0;
  while (stack.length) {
    if (required === must) return true;
    const f = stack[stack.length - 1];
    if (f.next >= f.cands.length) {
      stack.pop();
      if (f.op >= 0) {
        flip(f.op);
        if (ops[f.op].ret !== Infinity) required--;
      }
      continue;
    }
    const i = f.cands[f.next++];
    const r = step(f.state, ops[i]);
    if (!r) continue;
    flip(i);
    const k = `${done.join(',')}|${JSON.stringify(r.state)}`;
    if (cache.has(k)) {
      flip(i);
      continue;
    }
    cache.add(k);
    if (ops[i].ret !== Infinity) required++;
    stack.push({ cands: candidates(), next: 0, state: r.state, op: i });
  }
  return required === must;
}

/**
 * Checks a history of registers (one per key; `initial` before any write). On failure, each failing
 * key names the shortest prefix of the history (events, by position) that cannot be linearized.
 */
export function checkLinearizable(events: readonly HistoryEvent[], initial: Payload = null): LinearizabilityResult {
  const failures: { key: string; prefix: number; message: string }[] = [];
  for (const [key, ops] of operations(events)) {
    if (linearizable(ops, initial)) continue;
    // Shortest failing prefix: linearizability of prefixes is monotone (a prefix of a linearizable
    // history, its open operations indeterminate, is linearizable), so a binary search finds it.
    let lo = 1;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const prefixOps = operations(events, mid).get(key) ?? [];
      if (linearizable(prefixOps, initial)) lo = mid + 1;
      else hi = mid;
    }
    failures.push({ key, prefix: lo, message: `not linearizable${key ? ` (key ${key})` : ''}: the first ${lo} events of the history cannot be ordered (event ${lo}: ${JSON.stringify(events[lo - 1])})` });
  }
  return { ok: failures.length === 0, failures };
}

/**
 * An invariant over a history a client node records as outputs shaped like `HistoryEvent` (in the
 * order they were output): each key's register history must be linearizable.
 */
export function expectLinearizable(opts: { at: string; initial?: Payload }): Invariant {
  return (run: RunView) => {
    const events = run.outputs.filter((o) => o.node === opts.at).map((o) => o.value as HistoryEvent);
    return checkLinearizable(events, opts.initial ?? null).failures.map((f) => f.message);
  };
}
