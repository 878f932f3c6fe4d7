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
import { BUILTIN_CRASH, type CAtom, type CompiledProgram, type CompiledRule } from './compile.ts';
import type { Execution } from './evaluator.ts';
import { blockedWays } from './absence.ts';
import type { AggregateMember, Derivation, NegatedAtom, Tuple } from './relation.ts';
import { memberNeeds, memberPasses, MAX_MEMBER_SUBSETS, type MemberNeed } from './threshold.ts';
import { encodeValues, formatPattern, formatValue } from './values.ts';
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
      for (const parts of firingsOf(t, d)) {
        const bodyKeys = parts.flatMap((p) => bodyKeysOf(d.rule, p.body));
        const negKeys = opts.negativeSupport ? parts.flatMap((p) => p.negated.map(absent)) : [];
        firing(key, d, [...bodyKeys, ...negKeys, ...(msg ? [msg] : [])]);
      }
    }
    return key;
  };

  /** One firing of `d.rule` deriving vertex `key` from `children` (AND), keyed by what it needs. */
  const firing = (key: string, d: RuleDerivation, children: string[]): void => {
    const unique = [...new Set(children)];
    const fkey = `fire:${d.rule.index}@${d.time}:${key}<-${unique.join('&')}`;
    if (!g.hasNode(fkey)) {
      g.addNode(fkey, { kind: 'firing', label: d.rule.label, rule: d.rule.label, time: d.time });
      for (const c of unique) ensureEdge(g, fkey, c);
    }
    ensureEdge(g, key, fkey);
  };

  /** The lineage keys of a binding's body (by positive atom): a crash at any time, an aggregate's need, or the tuple. */
  const bodyKeysOf = (rule: CompiledRule, body: readonly Tuple[]): string[] =>
    body.flatMap((t, i) => (readsAnyCrash(rule.positives[i]) ? [anyCrash(t)] : (aggregateNeeds(rule, i, body) ?? [goal(t)])));

  /**
   * A firing that only compares an aggregate with a bound depends on members enough to reach it
   * (threshold.ts): one vertex per need, an OR over the sets of members that meet it.
   */
  const aggregateNeeds = (rule: CompiledRule, atom: number, body: readonly Tuple[]): string[] | undefined => {
    const needs = memberNeeds(rule, atom, body);
    if (!needs) return undefined;
    const t = body[atom];
    const d = t.derivations[0] as RuleDerivation;
    const aggregated = new Set(d.rule.aggregates.map((a) => a.position));
    const groupLabel = (text: (agg: number) => string) =>
      `${t.relation}(${t.values.map((v, i) => (aggregated.has(i) ? text(d.rule.aggregates.findIndex((a) => a.position === i)) : formatValue(v))).join(',')})@${t.time}`;
    const needKey = (need: MemberNeed) => `need:${groupLabel((a) => (a === need.agg ? need.text : '_'))}`;
    // A group at a step is one tuple in a run: a need already drawn from it is the same vertex.
    const plans: { need: MemberNeed; alternatives: AggregateMember[][][] }[] = [];
    for (const need of needs) {
      if (g.hasNode(needKey(need))) continue;
      // Members by the value they add: two bindings with one value count once (distinct values).
      const byValue = new Map<string, AggregateMember[]>();
      for (const m of d.members ?? []) {
        if (need.kind === 'some' && !memberPasses(need, m)) continue;
        const k = encodeValues([m.values[need.agg]]);
        const list = byValue.get(k);
        if (list) list.push(m);
        else byValue.set(k, [m]);
      }
      const values = [...byValue.values()];
      const size = need.kind === 'atLeast' ? need.k : 1;
      if (values.length < size || binomial(values.length, size) > MAX_MEMBER_SUBSETS) return undefined;
      plans.push({ need, alternatives: subsets(values, size) });
    }
    const memberVertex = (need: MemberNeed, ms: AggregateMember[]): string => {
      const value = ms[0].values[need.agg];
      const key = `member:${groupLabel((a) => (a === need.agg ? `=${formatValue(value)}` : '_'))}`;
      if (g.hasNode(key)) return key;
      g.addNode(key, { kind: 'goal', label: `member ${formatValue(value)} of ${groupLabel(() => '_')}`, relation: t.relation, time: t.time, edb: false });
      for (const m of ms) firing(key, d, [...bodyKeysOf(d.rule, m.body), ...(opts.negativeSupport ? m.negated.map(absent) : [])]);
      return key;
    };
    for (const { need, alternatives } of plans) {
      const key = needKey(need);
      g.addNode(key, { kind: 'goal', label: groupLabel((a) => (a === need.agg ? need.text : '_')), relation: t.relation, time: t.time, edb: false });
      for (const alt of alternatives) {
        const memberKeys = alt.map((ms) => memberVertex(need, ms));
        if (memberKeys.length === 1) {
          ensureEdge(g, key, memberKeys[0]);
          continue;
        }
        const fkey = `${key}<-${memberKeys.join('&')}`;
        ensureVertex(g, fkey, { kind: 'firing', label: `${memberKeys.length} members`, rule: `${need.text} of ${t.relation}`, time: t.time });
        for (const c of memberKeys) ensureEdge(g, fkey, c);
        ensureEdge(g, key, fkey);
      }
    }
    return needs.map(needKey);
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

type RuleDerivation = Extract<Derivation, { kind: 'rule' }>;

/**
 * The firings a derivation stands for, each as the bindings it needs (body by positive atom, and
 * `notin` atoms). An aggregate's value needs all its members and no other, except a lone max or min:
 * any one member holding the extreme value gives it, while no other member comes (Molly's lineage
 * of an aggregate is its whole group; this is the same value from fewer tuples).
 */
function firingsOf(t: Tuple, d: RuleDerivation): { body: readonly Tuple[]; negated: readonly NegatedAtom[] }[][] {
  if (!d.members) return [[{ body: d.body, negated: d.negated }]];
  const others = d.negated.filter((n) => n.member !== undefined);
  const aggs = d.rule.aggregates;
  if (aggs.length === 1 && (aggs[0].fn === 'max' || aggs[0].fn === 'min')) {
    const extreme = d.members.filter((m) => m.values[0] === t.values[aggs[0].position]);
    if (extreme.length) return extreme.map((m) => [{ body: m.body, negated: [...m.negated, ...others] }]);
  }
  return [[...d.members.map((m) => ({ body: m.body, negated: m.negated })), { body: [], negated: others }]];
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Every `size`-subset of `items`, in order (iterative: sizes come from the run). */
function subsets<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  const idx = Array.from({ length: size }, (_, i) => i);
  if (size > items.length) return out;
  for (;;) {
    out.push(idx.map((i) => items[i]));
    let i = size - 1;
    while (i >= 0 && idx[i] === items.length - size + i) i--;
    if (i < 0) return out;
    idx[i]++;
    for (let j = i + 1; j < size; j++) idx[j] = idx[j - 1] + 1;
  }
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
