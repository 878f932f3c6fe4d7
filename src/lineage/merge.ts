import type { LineageGraph } from '../model/lineage.ts';

/**
 * Adds everything of `from` to `into`: vertices are identified by content (tuple and time, rule
 * firing and its body), so the union holds every derivation seen in any run. Returns how many
 * vertices and edges were new (zero: the run revealed nothing the graph did not already know).
 */
export function mergeLineage(into: LineageGraph, from: LineageGraph): number {
  // `from`'s vertex numbers in `into`, so that edges are merged by number, not by key.
  const at = new Int32Array(from.order);
  let added = 0;
  for (let i = 0; i < from.order; i++) {
    const known = into.index.get(from.keys[i]);
    if (known === undefined) {
      at[i] = into.addNode(from.keys[i], from.vertices[i]);
      added++;
    } else at[i] = known;
  }
  for (let i = 0; i < from.order; i++) {
    const s = at[i];
    for (const k of from.kids[i]) {
      const t = at[k];
      if (!into.hasEdgeAt(s, t)) {
        into.addEdgeAt(s, t);
        added++;
      }
    }
  }
  return added;
}
