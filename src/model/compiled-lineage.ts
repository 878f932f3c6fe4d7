import type { LineageGraph, LineageVertex } from './lineage.ts';

/**
 * A lineage graph as numbered vertices with child lists, for the passes that walk a large union
 * lineage again and again (evaluating it under one fault set after another, encoding it for the
 * solver).
 */
export interface CompiledLineage {
  readonly keys: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly vertices: readonly LineageVertex[];
  /** Children of vertex i, in the graph's order (`outNeighbors`). */
  readonly kids: readonly (readonly number[])[];
  /** Vertex numbers with children before parents (cycles cut where they close). */
  readonly order: Int32Array;
  /** No cycle at all: one pass in `order` evaluates every vertex. */
  readonly acyclic: boolean;
  /**
   * Per vertex, the number of its strongly connected component when that component has two vertices
   * or more (a recursion within a step), else -1.
   */
  readonly cycle: Int32Array;
}

interface Entry {
  /** Vertex and edge counts of the graph version the order and cycles are of. */
  vertexCount: number;
  edgeCount: number;
  order?: Int32Array;
  acyclic?: boolean;
  cycle?: Int32Array;
}

const cache = new WeakMap<LineageGraph, Entry>();

/**
 * The numbered form of `g`: its own arrays (no copy), with a post-order and the recursions
 * computed once per version of `g` (the union only grows; vertex and edge counts identify a version).
 */
export function compileLineage(g: LineageGraph): CompiledLineage {
  let e = cache.get(g);
  if (!e || e.vertexCount !== g.order || e.edgeCount !== g.size) {
    e = { vertexCount: g.order, edgeCount: g.size };
    cache.set(g, e);
  }
  const entry = e;
  if (!entry.order) ({ order: entry.order, acyclic: entry.acyclic } = postOrderOf(g.kids));
  return {
    keys: g.keys,
    index: g.index,
    vertices: g.vertices,
    kids: g.kids,
    order: entry.order,
    acyclic: entry.acyclic!,
    // Only the solver's encoding needs the components; evaluation after each run does not.
    get cycle() {
      return (entry.cycle ??= cyclesOf(g.kids));
    },
  };
}

/**
 * Iterative depth-first post-order (vertices in number order as roots, children in list order), and
 * whether no back edge was met (the graph has no cycle).
 */
function postOrderOf(kids: readonly (readonly number[])[]): { order: Int32Array; acyclic: boolean } {
  let acyclic = true;
  const n = kids.length;
  const out = new Int32Array(n);
  let at = 0;
  const state = new Uint8Array(n);
  const stackV = new Int32Array(n);
  const stackE = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (state[root]) continue;
    let depth = 0;
    stackV[0] = root;
    stackE[0] = 0;
    state[root] = 1;
    while (depth >= 0) {
      const v = stackV[depth];
      if (stackE[depth] < kids[v].length) {
        const c = kids[v][stackE[depth]++];
        if (!state[c]) {
          state[c] = 1;
          depth++;
          stackV[depth] = c;
          stackE[depth] = 0;
        } else if (state[c] === 1) acyclic = false;
      } else {
        state[v] = 2;
        out[at++] = v;
        depth--;
      }
    }
  }
  return { order: out, acyclic };
}

/** Tarjan's strongly connected components, iterative; -1 for a vertex alone in its component. */
function cyclesOf(kids: readonly (readonly number[])[]): Int32Array {
  const n = kids.length;
  const cycle = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const num = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const callV = new Int32Array(n);
  const callE = new Int32Array(n);
  let counter = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if (num[root] >= 0) continue;
    let depth = 0;
    callV[0] = root;
    callE[0] = 0;
    num[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callV[depth];
      if (callE[depth] < kids[v].length) {
        const c = kids[v][callE[depth]++];
        if (num[c] < 0) {
          num[c] = low[c] = counter++;
          stack.push(c);
          onStack[c] = 1;
          depth++;
          callV[depth] = c;
          callE[depth] = 0;
        } else if (onStack[c] && num[c] < low[v]) low[v] = num[c];
        continue;
      }
      if (low[v] === num[v]) {
        let size = 0;
        let top = stack.length;
        while (stack[--top] !== v) size++;
        const members = stack.splice(top);
        for (const m of members) onStack[m] = 0;
        if (size > 0) {
          for (const m of members) cycle[m] = components;
          components++;
        }
      }
      depth--;
      if (depth >= 0) {
        const parent = callV[depth];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
    }
  }
  return cycle;
}
