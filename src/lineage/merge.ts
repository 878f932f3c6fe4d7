import { noteGrowth } from '../model/compiled-lineage.ts';
import type { LineageGraph } from '../model/lineage.ts';

/**
 * Adds everything of `from` to `into`: vertices are identified by content (tuple and time, rule
 * firing and its body), so the union holds every derivation seen in any run. Returns how many
 * vertices and edges were new (zero: the run revealed nothing the graph did not already know).
 */
export function mergeLineage(into: LineageGraph, from: LineageGraph): number {
  const vertices: string[] = [];
  const edges: [string, string][] = [];
  from.forEachNode((key, attrs) => {
    if (!into.hasNode(key)) {
      into.addNode(key, attrs);
      vertices.push(key);
    }
  });
  from.forEachEdge((_e, _a, source, target) => {
    if (!into.hasEdge(source, target)) {
      into.addEdge(source, target);
      edges.push([source, target]);
    }
  });
  // The union's compiled form grows with it rather than being rebuilt for the next evaluation.
  noteGrowth(into, vertices, edges);
  return vertices.length + edges.length;
}
