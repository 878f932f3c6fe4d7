import type { Fault, FaultSet } from '../model/faults.ts';
import { postOrder, type LineageGraph, type LineageVertex } from '../model/lineage.ts';

/** How fault sets act on the leaves of a lineage graph (the same semantics the solver encodes). */
export class FaultView {
  private readonly omitted = new Set<string>();
  private readonly crashTime = new Map<string, number>();
  constructor(faults: FaultSet) {
    for (const f of faults as Fault[]) {
      if (f.kind === 'omit') this.omitted.add(`${f.from}\u0000${f.to}\u0000${f.time}`);
      else if (f.kind === 'crash') this.crashTime.set(f.node, Math.min(f.time, this.crashTime.get(f.node) ?? Infinity));
    }
  }
  delivered(from: string, to: string, sendTime: number): boolean {
    if (from === to) return true;
    return !this.omitted.has(`${from}\u0000${to}\u0000${sendTime}`) && (this.crashTime.get(from) ?? Infinity) > sendTime;
  }
  crashed(node: string, time?: number): boolean {
    return time === undefined ? this.crashTime.has(node) : this.crashTime.get(node) === time;
  }
  noCrash(node?: string, time?: number, until?: number): boolean {
    for (const [n, t] of this.crashTime) {
      if ((node === undefined || n === node) && (time === undefined || t === time) && (until === undefined || t <= until)) return false;
    }
    return true;
  }
  leaf(v: LineageVertex): boolean | undefined {
    switch (v.kind) {
      case 'message':
        return this.delivered(v.from, v.to, v.sendTime);
      case 'lost':
        return !this.delivered(v.from, v.to, v.sendTime);
      case 'crash':
        return this.crashed(v.node, v.time);
      case 'no-crash':
        return this.noCrash(v.node, v.time, v.until);
      default:
        return undefined;
    }
  }
}

/**
 * Which vertices hold under a fault set, judged by the derivations the graph knows: the least
 * fixpoint of the AND/OR equations (so a cycle cannot support itself). `rank[v]` is the round in
 * which v first held; a vertex holds through children of smaller rank.
 */
export function evaluateLineage(g: LineageGraph, faults: FaultSet): { holds: Map<string, boolean>; rank: Map<string, number> } {
  const view = new FaultView(faults);
  const order = postOrder(g);
  const holds = new Map<string, boolean>();
  const rank = new Map<string, number>();
  for (let round = 0, changed = true; changed; round++) {
    changed = false;
    for (const key of order) {
      if (holds.get(key)) continue;
      const v = g.getNodeAttributes(key);
      let value = view.leaf(v);
      if (value === undefined) {
        const children = g.outNeighbors(key);
        switch (v.kind) {
          case 'goal':
            value = v.edb || children.some((c) => holds.get(c) === true);
            break;
          case 'blocked':
            value = children.some((c) => holds.get(c) === true);
            break;
          default: // firing, absent: AND
            value = children.every((c) => holds.get(c) === true);
        }
      }
      if (value) {
        holds.set(key, true);
        rank.set(key, round);
        changed = true;
      } else holds.set(key, false);
    }
  }
  return { holds, rank };
}

/** The outcomes (goal keys) that the known lineage says a fault set breaks. */
export function brokenOutcomes(g: LineageGraph, outcomes: readonly string[], faults: FaultSet): string[] {
  const { holds } = evaluateLineage(g, faults);
  return outcomes.filter((o) => g.hasNode(o) && holds.get(o) !== true);
}
