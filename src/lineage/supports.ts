import type { FaultSet } from '../model/faults.ts';
import type { LineageGraph } from '../model/lineage.ts';
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
    if (v.kind === 'goal' || v.kind === 'blocked') {
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
  let left = work;
  const memo = new Map<string, string[][]>();
  const onPath = new Set<string>();
  const cap = (sets: string[][]) => {
    const unique = new Map<string, string[]>();
    for (const s of sets) unique.set(s.join('\u0000'), s);
    return [...unique.values()].sort((a, b) => a.length - b.length || (a.join() < b.join() ? -1 : 1)).slice(0, limit);
  };
  const visit = (key: string): string[][] => {
    const known = memo.get(key);
    if (known) return known;
    if (onPath.has(key) || left <= 0) return []; // a cycle is not a support
    onPath.add(key);
    const v = g.getNodeAttributes(key);
    const children = g.outNeighbors(key);
    let out: string[][];
    if (FAULTABLE.has(v.kind)) out = [[v.label]];
    else if (v.kind === 'goal' && v.edb) out = [[]];
    else if (v.kind === 'goal' || v.kind === 'blocked') out = cap(children.flatMap(visit));
    else {
      out = [[]];
      for (const c of children) {
        const options = visit(c);
        const next: string[][] = [];
        left -= out.length * options.length;
        for (const a of out) for (const b of options) next.push([...new Set([...a, ...b])].sort());
        out = cap(next);
        if (out.length === 0) break;
      }
    }
    onPath.delete(key);
    memo.set(key, out);
    return out;
  };
  return visit(root);
}
