import { staticDerivable } from './derivable.ts';
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
import { BUILTIN_CRASH, type CAtom, type CompiledProgram } from './compile.ts';
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
  const eot = exec.steps.length - 1;
  const derivable = staticDerivable(cp, eot);
  const absentDone = new Map<string, string>();
  /** Absences being explained, with their depth on the stack of explanations. */
  const absentInProgress = new Map<string, number>();

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
      const bodyKeys = d.body.map((t, i) => (readsAnyCrash(d.rule.positives[i]) ? anyCrash(t) : goal(t)));
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

  // Absences reached again while being explained (a cycle within a step) stand for themselves, as
  // holding: by least-fixpoint semantics a cycle of absences cannot make its own members appear, so
  // the one being explained still depends on every way out of the cycle. An absence explained under
  // such an assumption is not reused elsewhere (it would lack the ways through the cycle).
  let computations = 0;
  const absent = (n: NegatedAtom): string => {
    if (n.relation === BUILTIN_CRASH && n.member === undefined) {
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
    // No run under any faults derives it by then (derivable.ts): an absence with no way to appear.
    if (n.member === undefined && n.step >= 1 && n.step <= eot && !derivable(n.relation, n.pattern, n.step)) {
      ensureVertex(g, base, { kind: 'absent', label, time: n.step });
      absentDone.set(base, base);
      return base;
    }
    const openAt = absentInProgress.get(base);
    if (openAt !== undefined) {
      lowest = Math.min(lowest, openAt);
      ensureVertex(g, `${base}#cycle`, { kind: 'absent', label: `${label} (within a cycle)`, time: n.step });
      return `${base}#cycle`;
    }
    // Past the look-ahead bound, an absence is taken to depend on everything the run did.
    if (++computations > MAX_ABSENT) return fragile(n, base, label);
    const depth = absentInProgress.size;
    absentInProgress.set(base, depth);
    const outerLowest = lowest;
    lowest = Infinity;
    const blocked: { bkey: string; label: string; children: string[] }[] = [];
    for (const way of blockedWays(cp, exec, n)) {
      const children = [
        ...way.blockers.map((t) => (way.anyTimeCrashes?.has(t) ? anyCrash(t) : goal(t))),
        ...way.missing.map(absent),
        ...(way.lostMessage ? [lostLeaf(way.lostMessage)] : []),
        ...(way.needs ?? []).map(lostLeaf),
      ];
      if (children.length === 0) continue;
      // A subgoal that can never appear keeps the way blocked for good: it is no way at all.
      if (way.missing.length && children.some((c) => isFirmAbsence(g, c))) continue;
      blocked.push({ bkey: `blk:${base}<-${[...new Set(children)].sort().join('|')}`, label: `blocked: ${way.rule.label}`, children });
    }
    absentInProgress.delete(base);
    const key = blocked.length ? `${base}#${shortHash(blocked.map((b) => b.bkey).sort().join('\n'))}` : base;
    // Reused only if no absence still open above this one was assumed while explaining it.
    if (lowest >= depth) absentDone.set(base, key);
    lowest = Math.min(outerLowest, lowest >= depth ? Infinity : lowest);
    ensureVertex(g, key, { kind: 'absent', label, time: n.step });
    for (const b of blocked) {
      ensureVertex(g, b.bkey, { kind: 'blocked', label: b.label });
      for (const c of b.children) ensureEdge(g, b.bkey, c);
      ensureEdge(g, key, b.bkey);
    }
    return key;
  };
  let lowest = Infinity;

  /**
   * An absence not explained in detail: it holds only while every message sent before its step keeps
   * its fate and no node crashes that had not: conservative, so no false proof comes from the bound.
   */
  const fragile = (n: NegatedAtom, base: string, label: string): string => {
    const key = `${base}#fragile`;
    if (g.hasNode(key)) return key;
    ensureVertex(g, key, { kind: 'absent', label: `${label} (not explained: look-ahead bound)`, time: n.step });
    const fates: string[] = [];
    for (const m of exec.messages) {
      if (m.sendTime >= n.step || m.from === m.to) continue;
      if (m.status === 'delivered') {
        const mk = messageKey(m.from, m.to, m.sendTime);
        ensureVertex(g, mk, { kind: 'message', label: `${m.from}→${m.to} @${m.sendTime}`, from: m.from, to: m.to, sendTime: m.sendTime, deliverTime: m.sendTime + 1 });
        fates.push(mk);
      } else fates.push(lostLeaf(m));
    }
    for (const node of exec.nodes) {
      const crashed = exec.crashTimes.get(node);
      if (crashed === undefined) {
        const nk = noCrashKey(node, undefined, n.step);
        ensureVertex(g, nk, { kind: 'no-crash', label: `no crash of ${node} by @${n.step}`, node, until: n.step });
        fates.push(nk);
      } else {
        const ck = crashFactKey(node, crashed);
        ensureVertex(g, ck, { kind: 'crash', label: `crash ${node} @${crashed}`, node, time: crashed });
        fates.push(ck);
      }
    }
    for (const f of new Set(fates)) {
      const bkey = `blk:${key}<-${f}`;
      ensureVertex(g, bkey, { kind: 'blocked', label: 'blocked while this fate holds' });
      ensureEdge(g, bkey, f);
      ensureEdge(g, key, bkey);
    }
    return key;
  };

  // A rule reading crash(_, n, _) holds for a crash of n at any time: one leaf for all of them, so
  // that a run excused by one crash time does not leave every other crash time to be tried.
  const anyCrash = (t: Tuple): string => {
    const node = String(t.values[1]);
    const key = crashFactKey(node);
    ensureVertex(g, key, { kind: 'crash', label: `crash of ${node} (any time)`, node });
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

function readsAnyCrash(atom: CAtom | undefined): boolean {
  return atom?.relation === BUILTIN_CRASH && atom.args[2]?.kind === 'wild';
}

/** An absence with no way to appear (or a cycle's stand-in, held by least-fixpoint semantics). */
function isFirmAbsence(g: LineageGraph, key: string): boolean {
  const v = g.getNodeAttributes(key);
  return v.kind === 'absent' && g.outDegree(key) === 0;
}

export function absentVertexKey(n: NegatedAtom): { key: string; label: string } {
  const text = `${formatPattern(n.relation, n.pattern)}@${n.step}`;
  if (n.member !== undefined) return { key: `not:member#${n.member}:${text}`, label: `no other member of ${text}` };
  return { key: `not:${text}`, label: `not ${text}` };
}

function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 10);
}
