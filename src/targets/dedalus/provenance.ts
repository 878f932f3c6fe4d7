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
import { createHash } from 'node:crypto';

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
): { lineage: LineageGraph; absentKeys: string[] } {
  const g = newLineageGraph();
  const absentDone = new Map<string, string>();
  const absentInProgress = new Set<string>();

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
          deliverTime: d.message.sendTime + 1,
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
    // An absence is only as firm as the ways to derive it that this run saw blocked. Its vertex is
    // keyed by those ways, so the union of several runs never mixes one run's blocked ways into
    // another run's derivation (which would make absences look breakable when they are not).
    const { key: base, label } = absentVertexKey(n);
    const known = absentDone.get(base);
    if (known) return known;
    if (absentInProgress.has(base) || absentDone.size > MAX_ABSENT) {
      // A cycle of absences within a step, or the look-ahead bound: treat the absence as firm.
      ensureVertex(g, `${base}#firm`, { kind: 'absent', label, time: n.step });
      return `${base}#firm`;
    }
    absentInProgress.add(base);
    const blocked: { bkey: string; label: string; children: string[] }[] = [];
    for (const way of blockedWays(cp, exec, n)) {
      const children = [
        ...way.blockers.map(goal),
        ...(way.missing ? [absent(way.missing)] : []),
        ...(way.lostMessage ? [lostLeaf(way.lostMessage)] : []),
      ];
      if (children.length === 0) continue;
      blocked.push({ bkey: `blk:${base}<-${children.join('|')}`, label: `blocked: ${way.rule.label}`, children });
    }
    absentInProgress.delete(base);
    const key = blocked.length ? `${base}#${shortHash(blocked.map((b) => b.bkey).sort().join('\n'))}` : base;
    absentDone.set(base, key);
    ensureVertex(g, key, { kind: 'absent', label, time: n.step });
    for (const b of blocked) {
      ensureVertex(g, b.bkey, { kind: 'blocked', label: b.label });
      for (const c of b.children) ensureEdge(g, b.bkey, c);
      ensureEdge(g, key, b.bkey);
    }
    return key;
  };

  const lostLeaf = (m: { from: string; to: string; sendTime: number }): string => {
    const key = lostKey(m.from, m.to, m.sendTime);
    ensureVertex(g, key, { kind: 'lost', label: `lost ${m.from}→${m.to} @${m.sendTime}`, ...m });
    return key;
  };

  for (const r of roots) goal(r);
  const absentKeys = absentRoots.map(absent);
  return { lineage: g, absentKeys };
}

export function absentVertexKey(n: NegatedAtom): { key: string; label: string } {
  const text = `${formatPattern(n.relation, n.pattern)}@${n.step}`;
  return { key: `not:${text}`, label: `not ${text}` };
}

function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 10);
}
