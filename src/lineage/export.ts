import { createRequire } from 'node:module';
import type { LineageGraph } from '../model/lineage.ts';
import { newLineageGraph } from '../model/lineage.ts';
import graphology from 'graphology';

const { DirectedGraph } = graphology as unknown as { DirectedGraph: new () => { addNode(k: string, a: object): void; addEdge(s: string, t: string): void } };

// graphology-gexf is CommonJS; its writer is graphology's own serializer for GEXF (Gephi's format).
const gexf = createRequire(import.meta.url)('graphology-gexf') as { write(graph: unknown, options?: { formatNode?: (key: string, attrs: object) => object; pretty?: boolean }): string };

/** The lineage reachable from `root` (breadth first, iterative: lineage can be deep), as its own graph. */
export function reachableFrom(g: LineageGraph, root: string): LineageGraph {
  const out = newLineageGraph();
  const queue = [root];
  out.addNode(root, g.getNodeAttributes(root));
  for (let i = 0; i < queue.length; i++) {
    for (const child of g.outNeighbors(queue[i])) {
      if (!out.hasNode(child)) {
        out.addNode(child, g.getNodeAttributes(child));
        queue.push(child);
      }
    }
    for (const child of g.outNeighbors(queue[i])) if (!out.hasEdge(queue[i], child)) out.addEdge(queue[i], child);
  }
  return out;
}

/**
 * The lineage reachable from `root` as GEXF (for Gephi and other graph tools): each vertex with
 * its label and its lineage attributes (kind, relation, time, from, to, …), edges from a vertex to
 * what it depends on.
 */
export function toGexf(g: LineageGraph, root: string): string {
  const part = reachableFrom(g, root);
  const out = new DirectedGraph();
  part.forEachNode((key, attrs) => out.addNode(key, attrs));
  part.forEachEdge((source, target) => out.addEdge(source, target));
  return gexf.write(out, {
    // Attributes without a value are left out (GEXF has no undefined).
    formatNode: (_key, attrs) => {
      const { label, ...rest } = attrs as { label: string } & Record<string, unknown>;
      const attributes = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : v]));
      return { label, attributes };
    },
  });
}
