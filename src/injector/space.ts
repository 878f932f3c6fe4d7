import type { Bounds } from '../model/bounds.ts';
import { apart, bipartitions, isCut, isNodeFailure, isSlotFault, sameLinks, sendSlot, type Cut, type Fault } from '../model/faults.ts';
import { faultModel } from '../model/fault-model.ts';

/**
 * The fault space of Molly's model for some bounds: omissions on every channel between distinct
 * nodes at send steps 1..min(EFF-1, EOT-1) (a message sent at EOT would arrive after the run), and
 * at most `crashes` node failures, one time each: crashes, and restarts when the bounds search them.
 */
export function omissionUniverse(b: Bounds): Fault[] {
  const out: Fault[] = [];
  if (!faultModel(b).searches('omit')) return out;
  for (const t of faultModel(b).lossTimes()) {
    for (const from of b.nodes) for (const to of b.nodes) if (from !== to) out.push({ kind: 'omit', from, to, time: t });
  }
  return out;
}

export function crashUniverse(b: Bounds): Fault[] {
  const m = faultModel(b);
  const out: Fault[] = [];
  if (!m.searches('crash')) return out;
  for (const node of b.nodes) for (let t = 1; t <= b.eot; t++) if (m.canCrashAt(t)) out.push({ kind: 'crash', node, time: t });
  return out;
}

/** Restarts, when searched: down from `start` to `end`, back at end + 1 (within the run). */
export function restartUniverse(b: Bounds): Fault[] {
  const m = faultModel(b);
  const out: Fault[] = [];
  if (!m.searches('restart')) return out;
  for (const node of b.nodes) for (let start = 1; start < b.eot; start++) for (let end = start; m.canRestart(start, end); end++) out.push({ kind: 'restart', node, start, end });
  return out;
}

/**
 * Delays, when searched with a longest delay: every channel between distinct nodes, at send times
 * before EFF (as omissions), by 1..maxDelay.
 */
export function delayUniverse(b: Bounds): Fault[] {
  const m = faultModel(b);
  const out: Fault[] = [];
  if (!m.searches('delay')) return out;
  for (const t of m.lossTimes()) {
    for (const from of b.nodes) for (const to of b.nodes) if (from !== to) for (let by = 1; m.canDelay(t, by); by++) out.push({ kind: 'delay', from, to, time: t, by });
  }
  return out;
}

/**
 * Request-level faults, when searched: each HTTP request channel's requests failing with each status,
 * and every channel's messages cut short by a reset, at send times before EFF (as omissions).
 */
export function requestFaultUniverse(b: Bounds): Fault[] {
  const m = faultModel(b);
  const out: Fault[] = [];
  for (const t of m.lossTimes()) {
    for (const from of b.nodes) {
      for (const to of b.nodes) {
        if (m.canFail(from, to, t)) for (const status of m.failStatuses) out.push({ kind: 'fail', from, to, time: t, status });
        if (m.canReset(from, to, t)) out.push({ kind: 'reset', from, to, time: t });
      }
    }
  }
  return out;
}

/**
 * Cuts of the network, when searched: a dropped connection (both ways) between each pair of distinct
 * nodes, and each split of the nodes in two groups, in every window that ends before EFF.
 */
export function cutUniverse(b: Bounds): Cut[] {
  const m = faultModel(b);
  const shapes: Cut[] = [];
  if (m.searches('disconnect')) {
    for (let i = 0; i < b.nodes.length; i++) for (let j = i + 1; j < b.nodes.length; j++) shapes.push({ kind: 'disconnect', from: b.nodes[i], to: b.nodes[j], both: true, start: 0, end: 0 });
  }
  if (m.searches('partition')) for (const groups of bipartitions(b.nodes)) shapes.push({ kind: 'partition', groups, start: 0, end: 0 });
  const out: Cut[] = [];
  for (const shape of shapes) for (let start = 1; m.canCut(shape.kind, start, start); start++) for (let end = start; m.canCut(shape.kind, start, end); end++) out.push({ ...shape, start, end });
  return out;
}

/**
 * A schedule is canonical when each node fails (crashes or restarts) at most once, within the
 * budget, no slot fault (omission, delay, failed request, reset) names a message its sender could not
 * send anyway (crashed, or down), each channel and send time has at most one, and the cuts of one link (or the
 * partitions) keep their windows apart.
 */
export function isCanonical(faults: readonly Fault[], crashes: number): boolean {
  const down = new Map<string, { from: number; to: number }>();
  for (const f of faults) {
    if (!isNodeFailure(f)) continue;
    if (down.has(f.node)) return false;
    down.set(f.node, f.kind === 'crash' ? { from: f.time, to: Infinity } : { from: f.start, to: f.end });
  }
  if (down.size > crashes) return false;
  const slots = new Set<string>();
  for (const f of faults) {
    if (!isSlotFault(f)) continue;
    const d = down.get(f.from);
    if (d && d.from <= f.time && f.time <= d.to) return false;
    const slot = sendSlot(f.from, f.to, f.time);
    if (slots.has(slot)) return false;
    slots.add(slot);
  }
  const cuts = faults.filter(isCut);
  return cuts.every((c) => apart(c, cuts.filter((o) => o !== c && sameLinks(o, c))));
}

/**
 * The number of distinct canonical schedules (exact, as a bigint), of the faults `allow` admits when
 * given (a targeted space). Nodes are independent but for the crash budget: for each node, the
 * schedules where it never fails (for each of its channels and send times: nothing, its omission or
 * one of its delays), where it crashes at an allowed step (the same before it) and where it restarts
 * (the same outside the window); then the crash budget is shared out over the nodes.
 */
export function faultSpaceSize(b: Bounds, allow?: (f: Fault) => boolean): bigint {
  const ok = allow ?? (() => true);
  const crashes = crashUniverse(b).filter(ok);
  const restarts = restartUniverse(b).filter(ok);
  // Per send slot (channel, time) of a sender: how many ways it can go (nothing, lost, delayed by
  // each, failed with each status, reset).
  const slotWays = new Map<string, { from: string; time: number; ways: bigint }>();
  for (const f of [...omissionUniverse(b), ...delayUniverse(b), ...requestFaultUniverse(b)].filter(ok)) {
    if (!isSlotFault(f)) continue;
    const key = sendSlot(f.from, f.to, f.time);
    const slot = slotWays.get(key) ?? { from: f.from, time: f.time, ways: 1n };
    slotWays.set(key, { ...slot, ways: slot.ways + 1n });
  }
  // ways[j]: schedules of the nodes seen so far with j of them crashed.
  let ways: bigint[] = [1n];
  for (const node of b.nodes) {
    const mine = [...slotWays.values()].filter((s) => s.from === node);
    const product = (keep: (t: number) => boolean) => mine.reduce((p, s) => (keep(s.time) ? p * s.ways : p), 1n);
    const crashFree = product(() => true);
    let crashProne = 0n;
    for (const c of crashes) if (c.kind === 'crash' && c.node === node) crashProne += product((t) => t < c.time);
    for (const r of restarts) if (r.kind === 'restart' && r.node === node) crashProne += product((t) => t < r.start || t > r.end);
    const next = new Array<bigint>(Math.min(ways.length + 1, b.crashes + 1)).fill(0n);
    ways.forEach((w, j) => {
      next[j] += w * crashFree;
      if (j + 1 < next.length) next[j + 1] += w * crashProne;
    });
    ways = next;
  }
  // Cuts are independent of the rest: per link (or for the network's partitions), the ways to place
  // windows kept apart.
  const cuts = cutUniverse(b).filter(ok);
  const groups = new Map<string, Cut[]>();
  for (const c of cuts) {
    const key = c.kind === 'partition' ? 'partition' : `${c.from}|${c.to}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(c);
  }
  let cutWays = 1n;
  for (const windows of groups.values()) cutWays *= apartWindows(windows);
  return ways.reduce((s, w) => s + w, 0n) * cutWays;
}

/**
 * The number of sets of windows from `windows` (of one link, or partitions) that keep at least one ms
 * apart, the empty set included: f(t) = f(t + 1) + Σ over windows starting at t of f(end + 2).
 */
function apartWindows(windows: readonly Cut[]): bigint {
  const last = Math.max(0, ...windows.map((w) => w.end));
  const from = new Array<bigint>(last + 3).fill(1n);
  for (let t = last; t >= 1; t--) {
    from[t] = from[t + 1];
    for (const w of windows) if (w.start === t) from[t] += from[w.end + 2];
  }
  return from[1];
}


/** Every canonical schedule, smallest first (by number of faults), in a stable order. */
export function* enumerateSchedules(b: Bounds): Generator<Fault[]> {
  const universe = [...crashUniverse(b), ...restartUniverse(b), ...cutUniverse(b), ...omissionUniverse(b), ...delayUniverse(b), ...requestFaultUniverse(b)];
  const chosen: Fault[] = [];
  function* choose(start: number, k: number): Generator<Fault[]> {
    if (k === 0) {
      if (isCanonical(chosen, b.crashes)) yield [...chosen];
      return;
    }
    for (let i = start; i <= universe.length - k; i++) {
      chosen.push(universe[i]);
      if (isCanonical(chosen, b.crashes)) yield* choose(i + 1, k - 1);
      chosen.pop();
    }
  }
  for (let k = 0; k <= universe.length; k++) yield* choose(0, k);
}
