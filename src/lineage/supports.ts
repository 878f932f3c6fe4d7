import type { FaultSet } from '../model/faults.ts';
import { isOrVertex, type LineageGraph } from '../model/lineage.ts';
import { evaluateLineage } from './evaluate.ts';

const FAULTABLE = new Set(['message', 'lost', 'crash', 'no-crash']);

/**
 * One support of `root` that holds under `faults`: the faultable leaves (deliveries, liveness) of a
 * derivation that survives them, following at every goal the alternative that held first.
 * Undefined if the root does not hold.
 */
export function witnessSupport(g: LineageGraph, root: string, faults: FaultSet): string[] | undefined {
  if (!g.hasNode(root)) return undefined;
  const { holds, rank } = evaluateLineage(g, faults);
  if (!holds.get(root)) return undefined;
  const leaves = new Set<string>();
  const seen = new Set<string>();
  const stack = [root];
  while (stack.length) {
    const key = stack.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const v = g.getNodeAttributes(key);
    if (FAULTABLE.has(v.kind)) {
      leaves.add(v.label);
      continue;
    }
    const children = g.outNeighbors(key);
    if (isOrVertex(v)) {
      if (v.kind === 'goal' && v.edb) continue;
      const myRank = rank.get(key)!;
      const pick = children
        .filter((c) => holds.get(c) && rank.get(c)! <= myRank)
        .sort((a, b) => rank.get(a)! - rank.get(b)! || (a < b ? -1 : 1))[0];
      if (pick) stack.push(pick);
    } else for (const c of children) stack.push(c);
  }
  return [...leaves].sort();
}

/**
 * Distinct supports of a goal, as sets of faultable leaves, smallest first, at most `limit` (their
 * number grows exponentially with the length of the run; the solver never enumerates them). Within
 * `work` steps (set unions made): a report's list of supports is an aid, and on a large union lineage
 * (Paxos with its absences) enumerating it took longer than the search — also after a Ctrl-C, before
 * the report could be written. Past the budget, what is not yet enumerated counts as no support.
 */
export function enumerateSupports(g: LineageGraph, root: string, limit = 20, work = 200_000): string[][] {
  const start = g.index.get(root);
  if (start === undefined) return [];
  const { vertices, kids } = g;
  let left = work;
  const memo = new Map<number, string[][]>();
  const onPath = new Uint8Array(g.order);
  // Smallest first, then by their labels: each set's key is made once, not at every comparison.
  const cap = (sets: string[][]) => {
    const unique = new Map<string, string[]>();
    for (const s of sets) unique.set(s.join('\u0000'), s);
    const keyed = [...unique].sort(([ka, a], [kb, b]) => a.length - b.length || (ka < kb ? -1 : ka > kb ? 1 : 0));
    return keyed.slice(0, limit).map(([, s]) => s);
  };
  // Depth-first with an explicit stack (lineage is as deep as the run is long): a frame gathers its
  // children's supports one by one, OR (goal, blocked) by collecting them, AND (firing, absent) by
  // taking the product as it goes.
  interface Frame {
    v: number;
    next: number;
    or: boolean;
    acc: string[][];
  }
  const open = (v: number): Frame | string[][] => {
    const known = memo.get(v);
    if (known) return known;
    if (onPath[v] || left <= 0) return []; // a cycle is not a support
    const x = vertices[v];
    if (FAULTABLE.has(x.kind)) return remember(v, [[x.label]]);
    if (x.kind === 'goal' && x.edb) return remember(v, [[]]);
    onPath[v] = 1;
    const or = isOrVertex(x);
    return { v, next: 0, or, acc: or ? [] : [[]] };
  };
  const remember = (v: number, out: string[][]) => (memo.set(v, out), out);
  const take = (f: Frame, options: string[][]): void => {
    if (f.or) {
      for (const o of options) f.acc.push(o);
      return;
    }
    const next: string[][] = [];
    left -= f.acc.length * options.length;
    for (const a of f.acc) for (const b of options) next.push(sortedUnion(a, b));
    f.acc = cap(next);
  };
  const first = open(start);
  if (!('v' in first)) return first;
  const stack: Frame[] = [first];
  let result: string[][] = [];
  while (stack.length) {
    const f = stack[stack.length - 1];
    const children = kids[f.v];
    if (f.next < children.length && (f.or || f.acc.length > 0)) {
      const c = open(children[f.next++]);
      if ('v' in c) stack.push(c);
      else take(f, c);
      continue;
    }
    stack.pop();
    onPath[f.v] = 0;
    const out = remember(f.v, f.or ? cap(f.acc) : f.acc);
    if (stack.length) take(stack[stack.length - 1], out);
    else result = out;
  }
  return result;
}

/** The union of two sorted label lists, sorted, without repeats (a support is a set). */
function sortedUnion(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i] : undefined;
    const y = j < b.length ? b[j] : undefined;
    const next = y === undefined || (x !== undefined && x <= y) ? x! : y;
    if (x === next) i++;
    if (y === next) j++;
    if (out.length === 0 || out[out.length - 1] !== next) out.push(next);
  }
  return out;
}
