import type { LineageGraph, LineageVertex } from '../model/lineage.ts';

/**
 * A lineage graph as flat arrays (vertex numbers, children in one array), for evaluating it under
 * one fault set after another: on a large union lineage (Paxos, 80,000 vertices) building neighbour
 * lists and maps on every evaluation cost more than the solver. Rebuilt when the graph has grown
 * (union lineages only ever grow: vertex and edge counts identify a version).
 */
export interface CompiledLineage {
  readonly keys: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly vertices: readonly LineageVertex[];
  /** Children of vertex i: `children[start[i] .. start[i + 1])`, in the graph's order. */
  readonly start: Int32Array;
  readonly children: Int32Array;
  /** Vertex numbers with children before parents (`postOrder`). */
  readonly order: Int32Array;
}

const cache = new WeakMap<LineageGraph, { order: number; size: number; compiled: CompiledLineage }>();

export function compileLineage(g: LineageGraph): CompiledLineage {
  const hit = cache.get(g);
  if (hit && hit.order === g.order && hit.size === g.size) return hit.compiled;
  const keys: string[] = [];
  const vertices: LineageVertex[] = [];
  const index = new Map<string, number>();
  g.forEachNode((key, attrs) => {
    index.set(key, keys.length);
    keys.push(key);
    vertices.push(attrs);
  });
  // One pass over the edges (per source in insertion order, as `outNeighbors` lists them).
  const degree = new Int32Array(keys.length + 1);
  const sources = new Int32Array(g.size);
  const targets = new Int32Array(g.size);
  let e = 0;
  g.forEachEdge((_edge, _attrs, source, target) => {
    const s = index.get(source)!;
    sources[e] = s;
    targets[e++] = index.get(target)!;
    degree[s]++;
  });
  const start = new Int32Array(keys.length + 1);
  for (let i = 0; i < keys.length; i++) start[i + 1] = start[i] + degree[i];
  const fill = start.slice(0, keys.length);
  const children = new Int32Array(g.size);
  for (let k = 0; k < e; k++) children[fill[sources[k]]++] = targets[k];
  const order = postOrderOf(start, children);
  const compiled = { keys, index, vertices, start, children, order };
  cache.set(g, { order: g.order, size: g.size, compiled });
  return compiled;
}

/** `postOrder` over the flat form: the same order (vertices, then children, in the graph's order). */
function postOrderOf(start: Int32Array, children: Int32Array): Int32Array {
  const n = start.length - 1;
  const out = new Int32Array(n);
  let at = 0;
  const state = new Uint8Array(n);
  const stackV = new Int32Array(n);
  const stackE = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (state[root]) continue;
    let depth = 0;
    stackV[0] = root;
    stackE[0] = start[root];
    state[root] = 1;
    while (depth >= 0) {
      const v = stackV[depth];
      if (stackE[depth] < start[v + 1]) {
        const c = children[stackE[depth]++];
        if (!state[c]) {
          state[c] = 1;
          depth++;
          stackV[depth] = c;
          stackE[depth] = start[c];
        }
      } else {
        state[v] = 2;
        out[at++] = v;
        depth--;
      }
    }
  }
  return out;
}
