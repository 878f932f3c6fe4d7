import type { Bounds } from '../model/bounds.ts';
import type { Fault } from '../model/faults.ts';

/**
 * The fault space of Molly's model for some bounds: omissions on every channel between distinct
 * nodes at send steps 1..min(EFF-1, EOT-1) (a message sent at EOT would arrive after the run), and
 * at most `crashes` crashes, one time each.
 */
export function omissionUniverse(b: Bounds): Fault[] {
  const out: Fault[] = [];
  const last = Math.min(b.eff - 1, b.eot - 1);
  for (let t = 1; t <= last; t++) {
    for (const from of b.nodes) for (const to of b.nodes) if (from !== to) out.push({ kind: 'omit', from, to, time: t });
  }
  return out;
}

export function crashUniverse(b: Bounds): Fault[] {
  if (b.crashes === 0) return [];
  const out: Fault[] = [];
  for (const node of b.nodes) for (let t = 1; t <= b.eot; t++) out.push({ kind: 'crash', node, time: t });
  return out;
}

/** A schedule is canonical when no omission names a message its sender could not send anyway. */
export function isCanonical(faults: readonly Fault[], crashes: number): boolean {
  const crashTime = new Map<string, number>();
  for (const f of faults) {
    if (f.kind !== 'crash') continue;
    if (crashTime.has(f.node)) return false;
    crashTime.set(f.node, f.time);
  }
  if (crashTime.size > crashes) return false;
  for (const f of faults) {
    if (f.kind === 'omit' && (crashTime.get(f.from) ?? Infinity) <= f.time) return false;
  }
  return true;
}

/** The number of distinct canonical schedules (exact, as a bigint). */
export function faultSpaceSize(b: Bounds): bigint {
  const last = Math.min(b.eff - 1, b.eot - 1);
  const perNodeSteps = Math.max(0, last);
  const channelsPerNode = BigInt(Math.max(0, b.nodes.length - 1));
  // Omission choices of one node that crashes at step c (or never: c = Infinity).
  const omissionsOf = (c: number) => 2n ** (channelsPerNode * BigInt(Math.max(0, Math.min(perNodeSteps, c - 1))));
  const crashFree = omissionsOf(Infinity);
  const crashProne = Array.from({ length: b.eot }, (_, i) => omissionsOf(i + 1)).reduce((s, x) => s + x, 0n);
  // Sum over the number k of crashed nodes: C(n, k) · crashProne^k · crashFree^(n-k).
  let total = 0n;
  const n = b.nodes.length;
  for (let k = 0; k <= Math.min(b.crashes, n); k++) {
    total += binomial(n, k) * crashProne ** BigInt(k) * crashFree ** BigInt(n - k);
  }
  return total;
}

function binomial(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

/** Every canonical schedule, smallest first (by number of faults), in a stable order. */
export function* enumerateSchedules(b: Bounds): Generator<Fault[]> {
  const universe = [...crashUniverse(b), ...omissionUniverse(b)];
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
