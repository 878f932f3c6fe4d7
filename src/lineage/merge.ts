import type { LineageGraph } from '../model/lineage.ts';

/**
 * Adds everything of `from` to `into`: vertices are identified by content (tuple and time, rule
 * firing and its body), so the union holds every derivation seen in any run. Returns how many
 * vertices were new (zero: the run revealed nothing the graph did not already know).
 */
export function mergeLineage(into: LineageGraph, from: LineageGraph): number {
  let added = 0;
  from.forEachNode((key, attrs) => {
    if (!into.hasNode(key)) {
      into.addNode(key, attrs);
      added++;
    }
  });
  from.forEachEdge((_e, _a, source, target) => {
    if (!into.hasEdge(source, target)) {
      into.addEdge(source, target);
      added++;
    }
  });
  return added;
}
