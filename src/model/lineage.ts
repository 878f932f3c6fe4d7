import graphology from 'graphology';
import type { DirectedGraph as DirectedGraphType } from 'graphology';

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

export type LineageGraph = DirectedGraphType<LineageVertex>;

const { DirectedGraph } = graphology as unknown as { DirectedGraph: new (opts?: object) => LineageGraph };

export function newLineageGraph(): LineageGraph {
  return new DirectedGraph({ allowSelfLoops: false, multi: false });
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

export function ensureEdge(g: LineageGraph, from: string, to: string): void {
  if (from !== to && !g.hasEdge(from, to)) g.addEdge(from, to);
}
