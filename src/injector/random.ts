import seedrandom from 'seedrandom';
import type { Bounds } from '../model/bounds.ts';
import { canonicalFaults, type Fault } from '../model/faults.ts';
import { omissionUniverse } from './space.ts';

/** Run i's randomness comes from (seed, i) alone, so one run rebuilds without replaying the others. */
export function runRng(seed: string, run: number): () => number {
  return seedrandom(`${seed}:${run}`);
}

/**
 * A random schedule within the bounds: a loss rate drawn per run, each omittable channel-step lost
 * at that rate, and up to the crash budget of crashes at random steps.
 */
export function randomSchedule(b: Bounds, seed: string, run: number): Fault[] {
  const rng = runRng(seed, run);
  const faults: Fault[] = [];
  const crashCount = Math.floor(rng() * (b.crashes + 1));
  const pool = [...b.nodes];
  const crashTime = new Map<string, number>();
  for (let i = 0; i < crashCount && pool.length > 0; i++) {
    const node = pool.splice(Math.floor(rng() * pool.length), 1)[0];
    const time = 1 + Math.floor(rng() * b.eot);
    crashTime.set(node, time);
    faults.push({ kind: 'crash', node, time });
  }
  const lossRate = rng() * 0.5;
  for (const f of omissionUniverse(b)) {
    if (f.kind === 'omit' && (crashTime.get(f.from) ?? Infinity) <= f.time) continue;
    if (rng() < lossRate) faults.push(f);
  }
  return canonicalFaults(faults);
}
