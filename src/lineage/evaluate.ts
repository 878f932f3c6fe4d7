import type { Fault, FaultSet } from '../model/faults.ts';
import { isOrVertex, type LineageGraph, type LineageVertex } from '../model/lineage.ts';
import { compileLineage, type CompiledLineage } from '../model/compiled-lineage.ts';

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
  const c = compileLineage(g);
  const { holds: h, rank: r } = evaluateCompiled(c, faults);
  const holds = new Map<string, boolean>();
  const rank = new Map<string, number>();
  for (let i = 0; i < c.keys.length; i++) {
    holds.set(c.keys[i], h[i] === 1);
    if (h[i] === 1) rank.set(c.keys[i], r[i]);
  }
  return { holds, rank };
}

/** `evaluateLineage` over the flat form: per vertex number, 1 if it holds, and its round. */
function evaluateCompiled(c: CompiledLineage, faults: FaultSet): { holds: Uint8Array; rank: Int32Array } {
  const view = new FaultView(faults);
  const n = c.keys.length;
  const holds = new Uint8Array(n);
  const rank = new Int32Array(n);
  // Leaves are fixed by the faults: judged once.
  const leaf = new Int8Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const value = view.leaf(c.vertices[i]);
    if (value !== undefined) leaf[i] = value ? 1 : 0;
  }
  const { kids, order, vertices } = c;
  // Without cycles, children come before parents in `order`: the first round is the fixpoint.
  for (let round = 0, changed = true; changed && (round === 0 || !c.acyclic); round++) {
    changed = false;
    for (let o = 0; o < order.length; o++) {
      const i = order[o];
      if (holds[i]) continue;
      let value: boolean;
      if (leaf[i] >= 0) value = leaf[i] === 1;
      else {
        const v = vertices[i];
        const anyChild = isOrVertex(v);
        if (v.kind === 'goal' && v.edb) value = true;
        else if (anyChild) {
          value = false;
          const ks = kids[i];
          for (let e = 0; e < ks.length && !value; e++) value = holds[ks[e]] === 1;
        } else {
          // firing, absent: AND
          value = true;
          const ks = kids[i];
          for (let e = 0; e < ks.length && value; e++) value = holds[ks[e]] === 1;
        }
      }
      if (value) {
        holds[i] = 1;
        rank[i] = round;
        changed = true;
      }
    }
  }
  return { holds, rank };
}

/**
 * The outcomes (goal keys) that the known lineage says a fault set breaks. Asked before and after
 * every run, of a union that grows with each (80,000 vertices on Paxos): it walks down from the
 * outcomes only, stopping at an OR's first child that holds and an AND's first that fails, instead of
 * ordering and evaluating the whole union. Without a cycle on the way the values are the least
 * fixpoint's; where the walk meets one, the whole union is evaluated as `evaluateLineage` does.
 */
export function brokenOutcomes(g: LineageGraph, outcomes: readonly string[], faults: FaultSet): string[] {
  const roots = outcomes.filter((o) => g.index.has(o));
  const value = walkFrom(g, roots.map((o) => g.index.get(o)!), new FaultView(faults));
  if (value) return roots.filter((o) => value[g.index.get(o)!] !== HOLDS);
  const c = compileLineage(g);
  const { holds } = evaluateCompiled(c, faults);
  return roots.filter((o) => holds[c.index.get(o)!] !== 1);
}

const HOLDS = 1;
const FAILS = 2;
const OPEN = 3;

/** Values of the vertices a short-circuit walk from `roots` decides (HOLDS, FAILS); undefined if it met a cycle. */
function walkFrom(g: LineageGraph, roots: readonly number[], view: FaultView): Uint8Array | undefined {
  const { kids, vertices } = g;
  const value = new Uint8Array(g.order);
  const stackV: number[] = [];
  const stackE: number[] = [];
  /** Decides `v` at once if it can (a leaf, a fact), else opens it. */
  const visit = (v: number): void => {
    const x = vertices[v];
    const leaf = view.leaf(x);
    if (leaf !== undefined) value[v] = leaf ? HOLDS : FAILS;
    else if (x.kind === 'goal' && x.edb) value[v] = HOLDS;
    else {
      value[v] = OPEN;
      stackV.push(v);
      stackE.push(0);
    }
  };
  for (const root of roots) {
    if (value[root] === 0) visit(root);
    while (stackV.length) {
      const top = stackV.length - 1;
      const v = stackV[top];
      const x = vertices[v];
      const or = isOrVertex(x);
      const ks = kids[v];
      let decided = 0;
      while (stackE[top] < ks.length) {
        const c = ks[stackE[top]];
        const cv = value[c];
        if (cv === OPEN) return undefined; // a cycle: the least fixpoint needs rounds
        if (cv === 0) {
          visit(c);
          if (value[c] === OPEN) break;
          continue; // decided at once: look at it again
        }
        stackE[top]++;
        if (or && cv === HOLDS) {
          decided = HOLDS;
          break;
        }
        if (!or && cv === FAILS) {
          decided = FAILS;
          break;
        }
      }
      if (!decided && stackE[top] < ks.length) continue; // a child was opened
      value[v] = decided || (or ? FAILS : HOLDS);
      stackV.pop();
      stackE.pop();
    }
  }
  return value;
}
