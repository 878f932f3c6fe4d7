import seedrandom from 'seedrandom';
import type { Bounds } from '../model/bounds.ts';
import { canonicalFaults, cutsClash, isCut, isSlotFault, sendSlot, type Cut, type Fault, type FaultKind } from '../model/faults.ts';
import { omissionUniverse, requestFaultUniverse } from './space.ts';
import { faultModel } from '../model/fault-model.ts';

/** Run i's randomness comes from (seed, i) alone, so one run rebuilds without replaying the others. */
export function runRng(seed: string, run: number): () => number {
  return seedrandom(`${seed}:${run}`);
}

/** Molly's fault model: what the random baseline draws unless told otherwise. */
export const DEFAULT_RANDOM_KINDS: readonly FaultKind[] = ['omit', 'crash'];

/**
 * A random schedule within the bounds. Omissions: a loss rate drawn per run, each omittable
 * channel-step lost at that rate. Crashes and restarts: up to the crash budget. Partitions,
 * dropped connections and delays (when asked for): up to two of each, with windows before EFF.
 */
export function randomSchedule(b: Bounds, seed: string, run: number, kinds: readonly FaultKind[] = DEFAULT_RANDOM_KINDS): Fault[] {
  const rng = runRng(seed, run);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
  const between = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const lastLoss = Math.max(1, faultModel(b).lastLoss);
  const faults: Fault[] = [];
  const down = new Map<string, number>();

  const nodeFaultKinds = kinds.filter((k) => k === 'crash' || k === 'restart');
  const nodeFaults = nodeFaultKinds.length ? Math.floor(rng() * (b.crashes + 1)) : 0;
  const pool = [...b.nodes];
  for (let i = 0; i < nodeFaults && pool.length > 0; i++) {
    const node = pool.splice(Math.floor(rng() * pool.length), 1)[0];
    const kind = pick(nodeFaultKinds);
    if (kind === 'crash') {
      const start = between(1, b.eot);
      faults.push({ kind: 'crash', node, time: start });
      down.set(node, start);
    } else if (faultModel(b).canRestart(1, 1)) {
      // A restart is a finite failure: over before EFF, as the fault model (and LDFI) has it.
      const last = faultModel(b).lastLoss;
      const start = between(1, last);
      faults.push({ kind: 'restart', node, start, end: between(start, last) });
    }
  }
  if (b.eff > 1 && b.nodes.length > 1) {
    if (kinds.includes('omit')) {
      const lossRate = rng() * 0.5;
      for (const f of omissionUniverse(b)) {
        if (f.kind === 'omit' && (down.get(f.from) ?? Infinity) <= f.time) continue;
        if (rng() < lossRate) faults.push(f);
      }
    }
    // A cut that would take a link down twice at once is left out (the draws stay the same).
    const cutUnlessClash = (c: Cut) => {
      if (!faults.some((f) => isCut(f) && cutsClash(f, c))) faults.push(c);
    };
    for (let i = 0, n = kinds.includes('partition') ? Math.floor(rng() * 3) : 0; i < n; i++) {
      const shuffled = [...b.nodes].sort(() => rng() - 0.5);
      const cut = between(1, shuffled.length - 1);
      const start = between(1, lastLoss);
      cutUnlessClash({ kind: 'partition', groups: [shuffled.slice(0, cut).sort(), shuffled.slice(cut).sort()], start, end: between(start, lastLoss) });
    }
    for (let i = 0, n = kinds.includes('disconnect') ? Math.floor(rng() * 3) : 0; i < n; i++) {
      const from = pick(b.nodes);
      const to = pick(b.nodes.filter((x) => x !== from));
      const start = between(1, lastLoss);
      cutUnlessClash({ kind: 'disconnect', from, to, both: rng() < 0.5, start, end: between(start, lastLoss) });
    }
    for (let i = 0, n = kinds.includes('delay') ? Math.floor(rng() * 3) : 0; i < n; i++) {
      const from = pick(b.nodes);
      faults.push({ kind: 'delay', from, to: pick(b.nodes.filter((x) => x !== from)), time: between(1, lastLoss), by: between(1, b.maxDelay || Math.max(1, Math.floor(b.eot / 4))) });
    }
    // Failed requests and resets, as Filibuster injects them: a few slots, drawn after the rest (so
    // the draws of the other kinds stay as they were), each taken only if no fault holds it already.
    const requestKinds = kinds.filter((k) => k === 'fail' || k === 'reset');
    if (requestKinds.length) {
      const drawn = { ...b, kinds: requestKinds };
      const universe = requestFaultUniverse(drawn);
      const taken = new Set(faults.flatMap((f) => (isSlotFault(f) ? [sendSlot(f.from, f.to, f.time)] : [])));
      for (let i = 0, n = universe.length ? Math.floor(rng() * 3) : 0; i < n; i++) {
        const f = pick(universe);
        if (!isSlotFault(f) || taken.has(sendSlot(f.from, f.to, f.time)) || (down.get(f.from) ?? Infinity) <= f.time) continue;
        taken.add(sendSlot(f.from, f.to, f.time));
        faults.push(f);
      }
    }
  }
  return canonicalFaults(faults);
}
