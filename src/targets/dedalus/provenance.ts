import {
  crashFactKey,
  ensureEdge,
  ensureVertex,
  lostKey,
  messageKey,
  newLineageGraph,
  noCrashKey,
  type LineageGraph,
} from '../../model/lineage.ts';
import { BUILTIN_CRASH, type CompiledProgram } from './compile.ts';
import type { Execution } from './evaluator.ts';
import { blockedWays } from './absence.ts';
import type { NegatedAtom, Tuple } from './relation.ts';
import { formatPattern } from './values.ts';

/** How many absent tuples one lineage explains at most (negative support can reach far back). */
const MAX_ABSENT = 2000;

export interface LineageOptions {
  /** Account for `notin` subgoals (Molly's negative support). */
  negativeSupport: boolean;
}

/**
 * Builds the lineage graph of some tuples of an execution: every recorded derivation, down to
 * message deliveries, crash facts and (with negative support) the tuples whose presence kept a
 * negated subgoal absent.
 */
export function buildLineage(
  cp: CompiledProgram,
  exec: Execution,
  roots: readonly Tuple[],
  opts: LineageOptions,
  absentRoots: readonly NegatedAtom[] = [],
): LineageGraph {
  const g = newLineageGraph();
  const absentDone = new Set<string>();

  const goal = (t: Tuple): string => {
    const key = t.goalKey;
    if (g.hasNode(key)) return key;
    const edb = t.derivations.some((d) => d.kind === 'edb');
    g.addNode(key, { kind: 'goal', label: key, relation: t.relation, time: t.time, edb });
    if (edb) return key;
    for (const d of t.derivations) {
      if (d.kind === 'crash') {
        const leaf = crashFactKey(d.node, d.crashTime);
        ensureVertex(g, leaf, { kind: 'crash', label: `crash ${d.node} @${d.crashTime}`, node: d.node, time: d.crashTime });
        ensureEdge(g, key, leaf);
        continue;
      }
      if (d.kind !== 'rule') continue;
      const bodyKeys = d.body.map(goal);
      const negKeys = opts.negativeSupport ? d.negated.map(absent) : [];
      let msg: string | undefined;
      if (d.message && d.message.from !== d.message.to) {
        msg = messageKey(d.message.from, d.message.to, d.message.sendTime);
        ensureVertex(g, msg, {
          kind: 'message',
          label: `${d.message.from}→${d.message.to} @${d.message.sendTime}`,
          from: d.message.from,
          to: d.message.to,
          sendTime: d.message.sendTime,
        });
      }
      const children = [...bodyKeys, ...negKeys, ...(msg ? [msg] : [])];
      const fkey = `fire:${d.rule.index}@${d.time}:${key}<-${children.join('&')}`;
      if (!g.hasNode(fkey)) {
        g.addNode(fkey, { kind: 'firing', label: d.rule.label, rule: d.rule.label, time: d.time });
        for (const c of children) ensureEdge(g, fkey, c);
      }
      ensureEdge(g, key, fkey);
    }
    return key;
  };

  const absent = (n: NegatedAtom): string => {
    if (n.relation === BUILTIN_CRASH) {
      const node = typeof n.pattern[1] === 'string' ? n.pattern[1] : undefined;
      const time = typeof n.pattern[2] === 'number' ? n.pattern[2] : undefined;
      const key = noCrashKey(node, time);
      ensureVertex(g, key, { kind: 'no-crash', label: `no crash of ${node ?? 'any node'}${time ? ` @${time}` : ''}`, node, time });
      return key;
    }
    const { key, label } = absentVertexKey(n);
    if (absentDone.has(key)) return key;
    absentDone.add(key);
    ensureVertex(g, key, { kind: 'absent', label, time: n.step });
    for (const way of blockedWays(cp, exec, n)) {
      if (absentDone.size > MAX_ABSENT) break; // bounded look-ahead: beyond it, treat the absence as firm
      const children = [
        ...way.blockers.map(goal),
        ...(way.missing ? [absent(way.missing)] : []),
        ...(way.lostMessage ? [lostLeaf(way.lostMessage)] : []),
      ];
      if (children.length === 0) continue;
      const bkey = `blk:${key}<-${children.join('|')}`;
      ensureVertex(g, bkey, { kind: 'blocked', label: `blocked: ${way.rule.label}` });
      for (const c of children) ensureEdge(g, bkey, c);
      ensureEdge(g, key, bkey);
    }
    return key;
  };

  const lostLeaf = (m: { from: string; to: string; sendTime: number }): string => {
    const key = lostKey(m.from, m.to, m.sendTime);
    ensureVertex(g, key, { kind: 'lost', label: `lost ${m.from}→${m.to} @${m.sendTime}`, ...m });
    return key;
  };

  for (const r of roots) goal(r);
  for (const n of absentRoots) absent(n);
  return g;
}

export function absentVertexKey(n: NegatedAtom): { key: string; label: string } {
  const text = `${formatPattern(n.relation, n.pattern)}@${n.step}`;
  return { key: `not:${text}`, label: `not ${text}` };
}
