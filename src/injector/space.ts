import type { Bounds } from '../model/bounds.ts';
import { isNodeFailure, type Fault } from '../model/faults.ts';
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
 * A schedule is canonical when each node fails (crashes or restarts) at most once, within the
 * budget, and no omission names a message its sender could not send anyway (crashed, or down).
 */
export function isCanonical(faults: readonly Fault[], crashes: number): boolean {
  const down = new Map<string, { from: number; to: number }>();
  for (const f of faults) {
    if (!isNodeFailure(f)) continue;
    if (down.has(f.node)) return false;
    down.set(f.node, f.kind === 'crash' ? { from: f.time, to: Infinity } : { from: f.start, to: f.end });
  }
  if (down.size > crashes) return false;
  for (const f of faults) {
    if (f.kind !== 'omit') continue;
    const d = down.get(f.from);
    if (d && d.from <= f.time && f.time <= d.to) return false;
  }
  return true;
}

/**
 * The number of distinct canonical schedules (exact, as a bigint), of the faults `allow` admits when
 * given (a targeted space). Nodes are independent but for the crash budget: for each node, the
 * schedules where it never fails (any subset of its omissions), where it crashes at an allowed step
 * (any subset of its omissions before it) and where it restarts (any subset of its omissions outside
 * the window); then the crash budget is shared out over the nodes.
 */
export function faultSpaceSize(b: Bounds, allow?: (f: Fault) => boolean): bigint {
  const ok = allow ?? (() => true);
  const omissions = omissionUniverse(b).filter(ok);
  const crashes = crashUniverse(b).filter(ok);
  const restarts = restartUniverse(b).filter(ok);
  // ways[j]: schedules of the nodes seen so far with j of them crashed.
  let ways: bigint[] = [1n];
  for (const node of b.nodes) {
    const mine = omissions.flatMap((f) => (f.kind === 'omit' && f.from === node ? [f.time] : []));
    const crashFree = 2n ** BigInt(mine.length);
    let crashProne = 0n;
    for (const c of crashes) if (c.kind === 'crash' && c.node === node) crashProne += 2n ** BigInt(mine.filter((t) => t < c.time).length);
    for (const r of restarts) if (r.kind === 'restart' && r.node === node) crashProne += 2n ** BigInt(mine.filter((t) => t < r.start || t > r.end).length);
    const next = new Array<bigint>(Math.min(ways.length + 1, b.crashes + 1)).fill(0n);
    ways.forEach((w, j) => {
      next[j] += w * crashFree;
      if (j + 1 < next.length) next[j + 1] += w * crashProne;
    });
    ways = next;
  }
  return ways.reduce((s, w) => s + w, 0n);
}


/** Every canonical schedule, smallest first (by number of faults), in a stable order. */
export function* enumerateSchedules(b: Bounds): Generator<Fault[]> {
  const universe = [...crashUniverse(b), ...restartUniverse(b), ...omissionUniverse(b)];
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
