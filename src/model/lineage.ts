/**
 * The lineage graph every target returns: an AND/OR graph whose edges point from a vertex to what it
 * depends on. Its leaves are what faults can remove (message deliveries, a node's staying alive) or
 * add (a crash fact).
 *
 * - goal: a tuple at a time. Holds if it is a fact (`edb`) or if any of its firings holds (OR).
 * - firing: one rule firing. Holds if all it depends on holds (AND).
 * - message: a delivery from→to of a message sent at `sendTime`. Holds unless omitted or the sender
 *   has crashed by `sendTime`.
 * - absent: a tuple (pattern) that was absent and a firing needed absent (negative support). Holds
 *   while every blocked way of deriving it stays blocked (AND over its `blocked` children).
 * - blocked: one way the absent tuple could have been derived, blocked by tuples that were present.
 *   Holds while any of its blockers holds (OR).
 * - no-crash: holds while no crash matches (node and time; undefined matches any; with `until`, only
 *   crashes at or before that time count: the node is still up then).
 * - crash: a crash fact; holds only if the run has that crash (without `time`: a crash of the node at any
 *   time, for a rule that reads `crash(_, n, _)`).
 * - lost: holds while the message from→to sent at `sendTime` is NOT delivered (a blocker that a fault
 *   put there: healing it makes an absent tuple appear).
 */
export type LineageVertex =
  | { kind: 'goal'; label: string; relation: string; time: number; edb: boolean }
  | { kind: 'firing'; label: string; rule: string; time: number }
  | { kind: 'message'; label: string; from: string; to: string; sendTime: number; deliverTime?: number }
  | { kind: 'absent'; label: string; time: number }
  | { kind: 'blocked'; label: string }
  | { kind: 'no-crash'; label: string; node?: string; time?: number; until?: number }
  | { kind: 'crash'; label: string; node: string; time?: number }
  | { kind: 'lost'; label: string; from: string; to: string; sendTime: number };

/** A lineage graph in a form that crosses threads (structured clone): vertices in order, edges as index pairs. */
export interface SerializedLineage {
  keys: string[];
  vertices: LineageVertex[];
  /** Flat pairs: source index, target index, … */
  edges: number[];
}

/** Fan-out past which a vertex keeps a set of its children, so that `hasEdge` stays O(1). */
const EDGE_SET_AT = 8;

/**
 * The lineage graph: vertices numbered in insertion order, with child lists. It is built once per
 * run (thousands of vertices: Paxos's runs make ~5,000 each) and merged into a union that only grows,
 * and the solver and the evaluator walk it by number (`compileLineage`), so it is kept as plain
 * arrays rather than a general graph library's objects; graphology is used only to write GEXF.
 * Method names follow graphology's. Errors: adding a vertex twice, an edge twice or an edge between
 * unknown vertices throws, as does reading an unknown vertex.
 */
export class LineageGraph {
  readonly keys: string[] = [];
  readonly index = new Map<string, number>();
  readonly vertices: LineageVertex[] = [];
  /** Children of vertex i (what it depends on), in insertion order. */
  readonly kids: number[][] = [];
  private readonly kidSets: (Set<number> | undefined)[] = [];
  private edgeCount = 0;

  /** Number of vertices. */
  get order(): number {
    return this.keys.length;
  }

  /** Number of edges. */
  get size(): number {
    return this.edgeCount;
  }

  hasNode(key: string): boolean {
    return this.index.has(key);
  }

  addNode(key: string, attrs: LineageVertex): number {
    if (this.index.has(key)) throw new Error(`lineage: vertex ${key} already exists`);
    const i = this.keys.length;
    this.index.set(key, i);
    this.keys.push(key);
    this.vertices.push(attrs);
    this.kids.push([]);
    this.kidSets.push(undefined);
    return i;
  }

  getNodeAttributes(key: string): LineageVertex {
    return this.vertices[this.at(key)];
  }

  outNeighbors(key: string): string[] {
    const kids = this.kids[this.at(key)];
    const out = new Array<string>(kids.length);
    for (let j = 0; j < kids.length; j++) out[j] = this.keys[kids[j]];
    return out;
  }

  outDegree(key: string): number {
    return this.kids[this.at(key)].length;
  }

  hasEdge(source: string, target: string): boolean {
    const s = this.index.get(source);
    const t = this.index.get(target);
    return s !== undefined && t !== undefined && this.hasEdgeAt(s, t);
  }

  /** Whether the edge between vertex numbers `s` → `t` exists. */
  hasEdgeAt(s: number, t: number): boolean {
    const set = this.kidSets[s];
    return set ? set.has(t) : this.kids[s].includes(t);
  }

  addEdge(source: string, target: string): void {
    const s = this.at(source);
    const t = this.at(target);
    if (this.hasEdgeAt(s, t)) throw new Error(`lineage: edge ${source} → ${target} already exists`);
    this.addEdgeAt(s, t);
  }

  /** Adds the edge `s` → `t` by vertex number; the caller knows it is new. */
  addEdgeAt(s: number, t: number): void {
    const kids = this.kids[s];
    kids.push(t);
    const set = this.kidSets[s];
    if (set) set.add(t);
    else if (kids.length > EDGE_SET_AT) this.kidSets[s] = new Set(kids);
    this.edgeCount++;
  }

  nodes(): string[] {
    return this.keys.slice();
  }

  forEachNode(fn: (key: string, attrs: LineageVertex) => void): void {
    for (let i = 0; i < this.keys.length; i++) fn(this.keys[i], this.vertices[i]);
  }

  forEachEdge(fn: (source: string, target: string) => void): void {
    for (let i = 0; i < this.kids.length; i++) for (const t of this.kids[i]) fn(this.keys[i], this.keys[t]);
  }

  export(): SerializedLineage {
    const edges: number[] = [];
    for (let i = 0; i < this.kids.length; i++) for (const t of this.kids[i]) edges.push(i, t);
    return { keys: this.keys.slice(), vertices: this.vertices.slice(), edges };
  }

  static fromSerialized(data: SerializedLineage): LineageGraph {
    const g = new LineageGraph();
    for (let i = 0; i < data.keys.length; i++) g.addNode(data.keys[i], data.vertices[i]);
    for (let i = 0; i < data.edges.length; i += 2) g.addEdgeAt(data.edges[i], data.edges[i + 1]);
    return g;
  }

  private at(key: string): number {
    const i = this.index.get(key);
    if (i === undefined) throw new Error(`lineage: no vertex ${key}`);
    return i;
  }
}

export function newLineageGraph(): LineageGraph {
  return new LineageGraph();
}

/** Whether a vertex holds by any of its children (goal, blocked way: OR) rather than by all (firing, absence: AND). */
export function isOrVertex(v: LineageVertex): boolean {
  return v.kind === 'goal' || v.kind === 'blocked';
}

export function messageKey(from: string, to: string, sendTime: number): string {
  return `msg:${from}→${to}@${sendTime}`;
}

export function noCrashKey(node?: string, time?: number, until?: number): string {
  return `nocrash:${node ?? '*'}@${time ?? '*'}${until === undefined ? '' : `..${until}`}`;
}

export function lostKey(from: string, to: string, sendTime: number): string {
  return `lost:${from}→${to}@${sendTime}`;
}

export function crashFactKey(node: string, time?: number): string {
  return `crashed:${node}@${time ?? '*'}`;
}

/** Adds a vertex once; later additions of the same key are ignored (the attributes are identical). */
export function ensureVertex(g: LineageGraph, key: string, attrs: LineageVertex): void {
  if (!g.hasNode(key)) g.addNode(key, attrs);
}

/** Adds the edge once; a self-loop is dropped (a tuple does not depend on itself). */
export function ensureEdge(g: LineageGraph, from: string, to: string): void {
  if (from === to) return;
  const s = g.index.get(from);
  const t = g.index.get(to);
  if (s === undefined || t === undefined) throw new Error(`lineage: edge ${from} → ${to} between unknown vertices`);
  if (!g.hasEdgeAt(s, t)) g.addEdgeAt(s, t);
}
