/**
 * The fault vocabulary shared by every target. A fault is plain data; `src/injector/` validates,
 * prints and applies it. Times are logical steps (Dedalus) or virtual milliseconds (sim, tcp).
 * Windows `start..end` include both ends.
 */
export type Fault =
  /** Every message on the channel from→to sent at `time` is lost. */
  | { kind: 'omit'; from: string; to: string; time: number }
  /** From `time` on, the node sends nothing (Dedalus: it still computes, as in Molly; sim: it stops). */
  | { kind: 'crash'; node: string; time: number }
  /** The link from→to (both ways if `both`) is down: messages sent in the window are lost, and
   *  connection-oriented targets see the connection drop at `start` and come back after `end`. */
  | { kind: 'disconnect'; from: string; to: string; both: boolean; start: number; end: number }
  /** Messages from→to sent at `time` arrive `by` later (and so after messages sent later). */
  | { kind: 'delay'; from: string; to: string; time: number; by: number }
  /** The node is down from `start` to `end`, then restarts with only what it persisted. */
  | { kind: 'restart'; node: string; start: number; end: number }
  /** Messages between the two groups sent in the window are lost; healed after `end`. */
  | { kind: 'partition'; groups: [readonly string[], readonly string[]]; start: number; end: number }
  /**
   * Request level (tcp, HTTP framing): the requests from→to sent at `time` never reach `to`; Spike
   * answers each with an empty response of `status` (a 503, a 500), as a failing dependency or the
   * proxy in front of it would, delivered when the request would have been.
   */
  | { kind: 'fail'; from: string; to: string; time: number; status: number }
  /**
   * The messages from→to sent at `time` are cut short (tcp): their first part arrives (an HTTP
   * message's head and half its body, else half its bytes), then the connection is reset and both
   * ends see it. A reset of a response is a reset mid-response.
   */
  | { kind: 'reset'; from: string; to: string; time: number };

export type FaultKind = Fault['kind'];

/** A fault schedule: the faults of one run, in canonical order. */
export type FaultSet = readonly Fault[];

const kindOrder: Record<FaultKind, number> = { crash: 0, restart: 1, partition: 2, disconnect: 3, delay: 4, omit: 5, fail: 6, reset: 7 };

/**
 * A fault of one send slot (a channel's messages sent at one time): an omission, a delay, a failed
 * request or a reset. A slot takes one of them at most.
 */
export type SlotFault = Extract<Fault, { kind: 'omit' | 'delay' | 'fail' | 'reset' }>;

/** Whether a fault acts on one send slot (`SlotFault`). */
export function isSlotFault(f: Fault): f is SlotFault {
  return f.kind === 'omit' || f.kind === 'delay' || f.kind === 'fail' || f.kind === 'reset';
}

/** Whether a fault keeps the messages of its slot from arriving whole (all slot faults but a delay). */
export function losesSlot(f: Fault): f is Extract<Fault, { kind: 'omit' | 'fail' | 'reset' }> {
  return f.kind === 'omit' || f.kind === 'fail' || f.kind === 'reset';
}

/** A node failure: a crash or a restart, which share the crash budget. */
export function isNodeFailure(f: Fault): f is Extract<Fault, { kind: 'crash' | 'restart' }> {
  return f.kind === 'crash' || f.kind === 'restart';
}

/**
 * The key of a send slot: the messages of one channel sent at one time, which one omission or one
 * delay holds.
 */
export function sendSlot(from: string, to: string, time: number): string {
  return `${from}|${to}|${time}`;
}

/** A cut of the network: a dropped connection or a partition, from `start` to `end`. */
export type Cut = Extract<Fault, { kind: 'disconnect' | 'partition' }>;

/** Whether a fault cuts links (a disconnect or a partition). */
export function isCut(f: Fault): f is Cut {
  return f.kind === 'disconnect' || f.kind === 'partition';
}

/** The nodes at the ends of a cut's links: they hear it drop and heal. */
export function cutEnds(f: Cut): string[] {
  return f.kind === 'disconnect' ? [f.from, f.to] : [...f.groups[0], ...f.groups[1]];
}

/** Whether a cut takes the link from→to down (at any time: the window is the caller's). */
export function cutsLink(f: Cut, from: string, to: string): boolean {
  if (f.kind === 'disconnect') return (f.from === from && f.to === to) || (f.both && f.from === to && f.to === from);
  const [l, r] = f.groups;
  return (l.includes(from) && r.includes(to)) || (r.includes(from) && l.includes(to));
}

/**
 * Whether a cut's window keeps at least one ms (step, round) from each of `others` (cuts of the same
 * links): a link, or the network, is cut and healed, then may be cut again.
 */
export function apart(cut: Cut, others: readonly Cut[]): boolean {
  return others.every((o) => o === cut || cut.start > o.end + 1 || cut.end < o.start - 1);
}

/**
 * A link both cuts of one kind take down in windows that share a ms (`a→b`, or `the network` for two
 * partitions), which no schedule may have: the link would drop and heal twice. Undefined if none (a
 * dropped connection and a partition may overlap: each is its own cut).
 */
export function cutsClash(a: Cut, b: Cut): string | undefined {
  if (a.kind !== b.kind || a.start > b.end || b.start > a.end) return undefined;
  if (a.kind === 'partition') return 'the network';
  const nodes = [...new Set([...cutEnds(a), ...cutEnds(b)])];
  for (const x of nodes) for (const y of nodes) if (x !== y && cutsLink(a, x, y) && cutsLink(b, x, y)) return `the link ${x}→${y}`;
  return undefined;
}

/** Whether two cuts take the same links down: the same pair, or both partitions (one split at a time). */
export function sameLinks(a: Cut, b: Cut): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'partition') return true;
  const pair = (f: Extract<Cut, { kind: 'disconnect' }>) => [f.from, f.to].sort().join('|');
  return pair(a) === pair(b as typeof a);
}

/**
 * The splits of `nodes` into two non-empty groups, each once (the first node's group first, groups
 * in the nodes' order): 2^(n−1) − 1 of them.
 */
export function bipartitions(nodes: readonly string[]): [string[], string[]][] {
  const out: [string[], string[]][] = [];
  const n = nodes.length;
  // Bit i set: node i + 1 joins the second group (node 0 always in the first).
  for (let mask = 1; mask < 2 ** (n - 1); mask++) {
    const l: string[] = [nodes[0]];
    const r: string[] = [];
    for (let i = 1; i < n; i++) ((mask >> (i - 1)) & 1 ? r : l).push(nodes[i]);
    out.push([l, r]);
  }
  return out;
}

/** When a fault starts acting. */
export function faultStart(f: Fault): number {
  return 'time' in f ? f.time : f.start;
}

export function compareFaults(a: Fault, b: Fault): number {
  if (a.kind !== b.kind) return kindOrder[a.kind] - kindOrder[b.kind];
  const ta = faultStart(a);
  const tb = faultStart(b);
  if (ta !== tb) return ta - tb;
  const ka = faultKey(a);
  const kb = faultKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A stable identity for a fault, used as a solver variable name and as a map key. */
export function faultKey(f: Fault): string {
  switch (f.kind) {
    case 'omit':
      return `omit:${f.from}:${f.to}:${f.time}`;
    case 'crash':
      return `crash:${f.node}:${f.time}`;
    case 'disconnect':
      return `disconnect:${f.from}:${f.to}:${f.both ? 2 : 1}:${f.start}:${f.end}`;
    case 'delay':
      return `delay:${f.from}:${f.to}:${f.time}:${f.by}`;
    case 'restart':
      return `restart:${f.node}:${f.start}:${f.end}`;
    case 'partition':
      return `partition:${[...f.groups[0]].sort().join(',')}|${[...f.groups[1]].sort().join(',')}:${f.start}:${f.end}`;
    case 'fail':
      return `fail:${f.from}:${f.to}:${f.time}:${f.status}`;
    case 'reset':
      return `reset:${f.from}:${f.to}:${f.time}`;
  }
}

export function canonicalFaults(faults: Iterable<Fault>): Fault[] {
  const byKey = new Map<string, Fault>();
  for (const f of faults) byKey.set(faultKey(f), f);
  return [...byKey.values()].sort(compareFaults);
}

export function faultSetKey(faults: FaultSet): string {
  return canonicalFaults(faults).map(faultKey).join('|');
}

/** Whether every fault of `small` is in `big`. */
export function isSubsetOf(small: FaultSet, big: FaultSet): boolean {
  const keys = new Set(big.map(faultKey));
  return small.every((f) => keys.has(faultKey(f)));
}

/**
 * Time order of faults: by start time, a crash before an omission at the same time (a node crashed at
 * t sends nothing at t), then by key. The footprint search adds faults in this order, so that each
 * fault set is reached along exactly one path.
 */
export function compareInTime(a: Fault, b: Fault): number {
  const ta = faultStart(a);
  const tb = faultStart(b);
  if (ta !== tb) return ta - tb;
  if (a.kind !== b.kind) return kindOrder[a.kind] - kindOrder[b.kind];
  const ka = faultKey(a);
  const kb = faultKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The faults with their nodes renamed (a symmetry of the target), in canonical order. */
export function renameFaults(faults: FaultSet, rename: ReadonlyMap<string, string>): Fault[] {
  const n = (x: string) => rename.get(x) ?? x;
  return canonicalFaults(
    faults.map((f): Fault => {
      switch (f.kind) {
        case 'omit':
          return { ...f, from: n(f.from), to: n(f.to) };
        case 'crash':
        case 'restart':
          return { ...f, node: n(f.node) };
        case 'disconnect':
        case 'delay':
        case 'fail':
        case 'reset':
          return { ...f, from: n(f.from), to: n(f.to) };
        case 'partition':
          return { ...f, groups: [f.groups[0].map(n), f.groups[1].map(n)] };
      }
    }),
  );
}
