import { ensureEdge, ensureVertex, messageKey, newLineageGraph, type LineageGraph } from '../model/lineage.ts';
import type { MessageRecord, RunResult } from '../model/target.ts';

/**
 * Molly's potential-causality baseline (`--strategy causal`), for comparison: no lineage, only the
 * causal past. An outcome (a tuple at node n and time T, n its first argument by Dedalus convention)
 * has one support per run: every message delivered to n by T, and, transitively, every message its
 * senders had received by the time they sent — all that could have influenced it. An outcome whose
 * first argument is no node (a `post(X)` over values) depends on every node's causal past by T. The LDFI loop runs
 * on these graphs; what real lineage saves shows in the bench.
 */
export function causalLineage(result: RunResult, goals: readonly string[]): LineageGraph {
  const g = newLineageGraph();
  const delivered = result.messages.filter((m) => m.status === 'delivered' && m.from !== m.to);
  const intoNode = new Map<string, MessageRecord[]>();
  for (const m of delivered) (intoNode.get(m.to) ?? intoNode.set(m.to, []).get(m.to)!).push(m);
  const nodes = new Set(delivered.flatMap((m) => [m.from, m.to]));
  for (const goal of goals) {
    const at = placeOf(goal);
    if (!at || !result.outcomes.includes(goal) && !(result.preconditions && [...result.preconditions.values()].includes(goal))) continue;
    // A tuple whose first argument is no node (an invariant's `post(X)` over values) is a global
    // fact: everything any node received by then could have influenced it.
    const past = nodes.has(at.node) ? causalPast(at.node, at.time, intoNode) : [...new Set([...nodes].flatMap((n) => causalPast(n, at.time, intoNode)))];
    if (!g.hasNode(goal)) g.addNode(goal, { kind: 'goal', label: goal, relation: 'causal', time: at.time, edb: false });
    const firing = `causal:${goal}<-${past.map((m) => messageKey(m.from, m.to, m.sendTime)).join('&')}`;
    ensureVertex(g, firing, { kind: 'firing', label: `causal past of ${goal}`, rule: 'causal past', time: at.time });
    ensureEdge(g, goal, firing);
    for (const m of past) {
      const key = messageKey(m.from, m.to, m.sendTime);
      ensureVertex(g, key, { kind: 'message', label: `${m.from}→${m.to} @${m.sendTime}`, from: m.from, to: m.to, sendTime: m.sendTime });
      ensureEdge(g, firing, key);
    }
  }
  return g;
}

/** Node and time of a tuple key such as `post(b,hello)@4`. */
function placeOf(key: string): { node: string; time: number } | undefined {
  const m = /^[A-Za-z_][A-Za-z0-9_]*\(([^,)]*)[^)]*\)@(\d+)$/.exec(key);
  return m ? { node: m[1].trim(), time: Number(m[2]) } : undefined;
}

/** Every delivered message that could have influenced node `node` by time `time` (iteratively). */
function causalPast(node: string, time: number, intoNode: ReadonlyMap<string, readonly MessageRecord[]>): MessageRecord[] {
  const seen = new Set<MessageRecord>();
  // The latest time each node's past has been taken up to: a later time includes an earlier one.
  const upTo = new Map<string, number>();
  const stack: [string, number][] = [[node, time]];
  while (stack.length) {
    const [n, t] = stack.pop()!;
    if ((upTo.get(n) ?? -1) >= t) continue;
    upTo.set(n, t);
    for (const m of intoNode.get(n) ?? []) {
      if (m.deliverTime > t || seen.has(m)) continue;
      seen.add(m);
      stack.push([m.from, m.sendTime]);
    }
  }
  return [...seen].sort((a, b) => a.sendTime - b.sendTime || (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : 1));
}
