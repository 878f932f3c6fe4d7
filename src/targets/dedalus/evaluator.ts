import { UserError } from '../../model/errors.ts';
import type { Fault, FaultSet } from '../../model/faults.ts';
import type { MessageRecord } from '../../model/target.ts';
import type { AggregateFn, Value } from './ast.ts';
import { BUILTIN_CRASH, type CompiledProgram, type CompiledRule } from './compile.ts';
import { evalTerm, join, patternValue, type AtomSource } from './join.ts';
import { StepState, type AggregateMember, type Derivation, type NegatedAtom, type Tuple } from './relation.ts';
import { compareValues, formatTuple } from './values.ts';

/** One evaluated run of a Dedalus program under a fault schedule, with full provenance. */
export interface Execution {
  readonly eot: number;
  readonly nodes: ReadonlySet<string>;
  /** steps[t] for t in 1..eot. */
  readonly steps: readonly StepState[];
  readonly messages: MessageRecord[];
  readonly crashTimes: ReadonlyMap<string, number>;
  readonly omitted: ReadonlySet<string>;
}

export interface EvalOptions {
  eot: number;
  nodes: readonly string[];
  faults: FaultSet;
}

/** New tuples one stratum may derive within one step before the program is judged divergent. */
const MAX_TUPLES_PER_STRATUM = 100_000;

export function omissionKey(from: string, to: string, time: number): string {
  return `${from}\u0000${to}\u0000${time}`;
}

/**
 * Molly's synchronous model: steps 1..EOT, each run to a fixpoint stratum by stratum (semi-naive,
 * recording every rule firing), then @next and @async rules carry tuples into the next step.
 */
export function evaluate(cp: CompiledProgram, opts: EvalOptions): Execution {
  const nodes = new Set(opts.nodes);
  const crashTimes = new Map<string, number>();
  const omitted = new Set<string>();
  for (const f of opts.faults as Fault[]) {
    if (f.kind === 'crash') crashTimes.set(f.node, Math.min(f.time, crashTimes.get(f.node) ?? Infinity));
    else if (f.kind === 'omit') omitted.add(omissionKey(f.from, f.to, f.time));
  }
  const exec: Execution = { eot: opts.eot, nodes, steps: [], messages: [], crashTimes, omitted };
  const steps = exec.steps as StepState[];
  const sentMessages = new Map<string, MessageRecord>();
  let pending = new Map<string, { relation: string; values: Value[]; derivations: Derivation[] }>();

  const crashFacts = [...crashTimes].sort(([a], [b]) => compareValues(a, b));
  const factsByStep = new Map<number | undefined, typeof cp.program.facts>();
  for (const f of cp.program.facts) {
    const list = factsByStep.get(f.step) ?? [];
    list.push(f);
    factsByStep.set(f.step, list);
  }

  for (let t = 1; t <= opts.eot; t++) {
    const state = new StepState(t);
    steps[t] = state;
    for (const f of [...(factsByStep.get(undefined) ?? []), ...(factsByStep.get(t) ?? [])]) {
      const { tuple } = state.relation(f.relation).insert(f.values.slice());
      if (!tuple.derivations.some((d) => d.kind === 'edb')) tuple.derivations.push({ kind: 'edb' });
    }
    for (const [node, crashTime] of crashFacts) {
      for (const observer of opts.nodes) {
        state.relation(BUILTIN_CRASH).insert([observer, node, crashTime]).tuple.derivations.push({ kind: 'crash', node, crashTime });
      }
    }
    for (const p of pending.values()) {
      const { tuple } = state.relation(p.relation).insert(p.values);
      for (const d of p.derivations) tuple.derivations.push(d);
    }
    pending = new Map();

    for (const stratum of cp.strata) runStratum(stratum, state, steps, nodes);

    if (t === opts.eot) break; // what would arrive after EOT is outside the run (as in Molly)
    for (const rule of cp.temporal) {
      evaluateFull(rule, state, steps, nodes, (values, derivation) => {
        if (rule.kind === 'async') {
          const from = derivation.message!.from;
          const to = values[0];
          if (typeof to !== 'string' || !nodes.has(to)) return; // no channel to a non-node location
          derivation.message!.to = to;
          const status = deliveryStatus(from, to, t, crashTimes, omitted);
          const content = formatTuple(rule.headRelation, values);
          const mkey = `${from}\u0000${to}\u0000${content}`;
          if (!sentMessages.has(mkey + t)) {
            sentMessages.set(mkey + t, { from, to, sendTime: t, deliverTime: t + 1, content, status });
          }
          if (status !== 'delivered') return;
        } else delete (derivation as { message?: unknown }).message;
        const key = rule.headRelation + '\u0001' + values.map((v) => (typeof v === 'number' ? 'n' : 's') + v).join('\u0000');
        let p = pending.get(key);
        if (!p) {
          p = { relation: rule.headRelation, values, derivations: [] };
          pending.set(key, p);
        }
        p.derivations.push(derivation);
      });
    }
  }
  for (const m of sentMessages.values()) exec.messages.push(m);
  return exec;
}

function deliveryStatus(from: string, to: string, t: number, crashTimes: ReadonlyMap<string, number>, omitted: ReadonlySet<string>): MessageRecord['status'] {
  if (from === to) return 'delivered'; // a node never loses a message to itself, crashed or not
  const crashed = crashTimes.get(from);
  if (crashed !== undefined && crashed <= t) return 'sender-crashed';
  if (omitted.has(omissionKey(from, to, t))) return 'omitted';
  return 'delivered';
}

function ruleLocation(rule: CompiledRule, slots: Value[]): Value | undefined {
  return patternValue(rule.location, slots);
}

function fixedStepState(steps: readonly StepState[], step: number | undefined, current: StepState): StepState | undefined {
  if (step === undefined || step === current.time) return current;
  return step < current.time ? steps[step] : undefined;
}

function negSourcesFor(rule: CompiledRule, state: StepState, steps: readonly StepState[]) {
  return rule.negatives.map((a) => fixedStepState(steps, a.step, state)?.peek(a.relation));
}

function negatedAtoms(rule: CompiledRule, slots: Value[], t: number): NegatedAtom[] {
  return rule.negatives.map((a) => ({
    relation: a.relation,
    pattern: a.args.map((p) => patternValue(p, slots)),
    step: a.step ?? t,
  }));
}

type Emit = (values: Value[], derivation: Extract<Derivation, { kind: 'rule' }>) => void;

/** Evaluates a rule once over a complete step (temporal rules and aggregates). */
function evaluateFull(rule: CompiledRule, state: StepState, steps: readonly StepState[], nodes: ReadonlySet<string>, emit: Emit): void {
  const sources: AtomSource[] = rule.positives.map((a) => ({
    relation: fixedStepState(steps, a.step, state)?.peek(a.relation),
    lo: 0,
    hi: Infinity,
  }));
  fire(rule, sources, negSourcesFor(rule, state, steps), state.time, nodes, emit);
}

function fire(
  rule: CompiledRule,
  sources: AtomSource[],
  negSources: ReturnType<typeof negSourcesFor>,
  t: number,
  nodes: ReadonlySet<string>,
  emit: Emit,
): void {
  if (rule.aggregates.length) {
    fireAggregate(rule, sources, negSources, t, nodes, emit);
    return;
  }
  join(rule, sources, negSources, (slots, body) => {
    const loc = ruleLocation(rule, slots);
    // A rule runs where its first body atom is (`_` there: anywhere); invariant rules run everywhere.
    if (!rule.observer && loc !== undefined && (typeof loc !== 'string' || !nodes.has(loc))) return;
    if (rule.toEveryNode !== undefined) {
      for (const node of nodes) {
        slots[rule.toEveryNode] = node;
        emitOne(rule, slots, body, loc, t, emit);
      }
      return;
    }
    emitOne(rule, slots, body, loc, t, emit);
  });
}

function emitOne(rule: CompiledRule, slots: Value[], body: Tuple[], loc: Value | undefined, t: number, emit: Emit): void {
  const values = rule.headArgs.map((a) => evalTerm(a, slots));
  emit(values, {
    kind: 'rule',
    rule,
    time: t,
    body: body.slice(),
    negated: rule.negatives.length ? negatedAtoms(rule, slots, t) : [],
    message: rule.kind === 'async' ? { from: loc as string, to: '', sendTime: t } : undefined,
  });
}

/**
 * Head aggregates group by the other head columns; each aggregates the distinct values of its
 * variable. A group's derivation relies on its counted body tuples and on the absence of any other
 * member (a `member` negated atom): one more member can change the value.
 */
function fireAggregate(
  rule: CompiledRule,
  sources: AtomSource[],
  negSources: ReturnType<typeof negSourcesFor>,
  t: number,
  nodes: ReadonlySet<string>,
  emit: Emit,
): void {
  const aggregated = new Set(rule.aggregates.map((a) => a.position));
  type Group = { values: Value[]; loc: string | undefined; seen: Map<string, Value>[]; body: Set<Tuple>; negated: NegatedAtom[]; members: AggregateMember[] };
  const groups = new Map<string, Group>();
  join(rule, sources, negSources, (slots, body) => {
    const loc = ruleLocation(rule, slots);
    // A rule runs where its first body atom is (`_` there: anywhere); invariant rules run everywhere.
    if (!rule.observer && loc !== undefined && (typeof loc !== 'string' || !nodes.has(loc))) return;
    const values = rule.headArgs.map((a, i) => (aggregated.has(i) ? 0 : evalTerm(a, slots)));
    const key = values.map((v) => (typeof v === 'number' ? 'n' : 's') + v).join('\u0000');
    let g = groups.get(key);
    if (!g) {
      g = { values, loc: typeof loc === 'string' ? loc : undefined, seen: rule.aggregates.map(() => new Map()), body: new Set(), negated: [], members: [] };
      groups.set(key, g);
    }
    const group = g;
    rule.aggregates.forEach((agg, i) => {
      const v = slots[agg.slot];
      group.seen[i].set((typeof v === 'number' ? 'n' : 's') + v, v);
    });
    for (const b of body) group.body.add(b);
    const negated = rule.negatives.length ? negatedAtoms(rule, slots, t) : [];
    for (const n of negated) group.negated.push(n);
    group.members.push({ values: rule.aggregates.map((agg) => slots[agg.slot]), body: body.slice(), negated });
  });
  for (const g of groups.values()) {
    rule.aggregates.forEach((agg, i) => {
      g.values[agg.position] = aggregateValue(agg.fn, [...g.seen[i].values()]);
    });
    const group = g.values.map((v, i) => (aggregated.has(i) ? undefined : v));
    emit(g.values, {
      kind: 'rule',
      rule,
      time: t,
      body: [...g.body],
      negated: [...g.negated, { relation: rule.headRelation, pattern: group, step: t, member: rule.index }],
      message: rule.kind === 'async' ? { from: g.loc as string, to: '', sendTime: t } : undefined,
      members: g.members,
    });
  }
}

function aggregateValue(fn: AggregateFn, vals: Value[]): Value {
  switch (fn) {
    case 'count':
      return vals.length;
    case 'sum':
      return vals.reduce<number>((s, v) => s + (typeof v === 'number' ? v : Number(v)), 0);
    case 'min':
      return vals.reduce((m, v) => (compareValues(v, m) < 0 ? v : m));
    case 'max':
      return vals.reduce((m, v) => (compareValues(v, m) > 0 ? v : m));
  }
}

/** Semi-naive evaluation of one stratum: every distinct body binding is enumerated exactly once. */
function runStratum(rules: CompiledRule[], state: StepState, steps: readonly StepState[], nodes: ReadonlySet<string>): void {
  const t = state.time;
  const inStratum = new Set(rules.map((r) => r.headRelation));
  const prevEnd = new Map<string, number>();
  const curEnd = new Map<string, number>();
  for (const rel of inStratum) prevEnd.set(rel, 0);
  let inserted = 0;
  const emit: Emit = (values, derivation) => {
    const { tuple, added } = state.relation(derivation.rule.headRelation).insert(values);
    tuple.derivations.push(derivation);
    // A recursive rule with arithmetic (p(X + 1) :- p(X)) has no fixpoint: stop it instead of hanging.
    if (added && ++inserted > MAX_TUPLES_PER_STRATUM) {
      throw new UserError(
        'BAD_PROGRAM',
        `${derivation.rule.headRelation} keeps growing within step ${t} (over ${MAX_TUPLES_PER_STRATUM.toLocaleString('en-US')} new tuples): ` +
          'a recursive rule that computes new values never reaches a fixpoint; carry the value to the next step with @next instead',
        derivation.rule.source.pos,
      );
    }
  };
  let first = true;
  for (;;) {
    for (const rel of inStratum) curEnd.set(rel, state.peek(rel)?.tuples.length ?? 0);
    for (const rule of rules) {
      const recursive: number[] = [];
      rule.positives.forEach((a, i) => {
        if (inStratum.has(a.relation) && (a.step === undefined || a.step === t)) recursive.push(i);
      });
      const negSources = negSourcesFor(rule, state, steps);
      if (recursive.length === 0) {
        if (first) evaluateFull(rule, state, steps, nodes, emit);
        continue;
      }
      for (const d of recursive) {
        const deltaRel = rule.positives[d].relation;
        if (prevEnd.get(deltaRel)! >= curEnd.get(deltaRel)!) continue;
        const sources: AtomSource[] = rule.positives.map((a, j) => {
          const relation = fixedStepState(steps, a.step, state)?.peek(a.relation);
          if (!recursive.includes(j)) return { relation, lo: 0, hi: Infinity };
          if (j === d) return { relation, lo: prevEnd.get(a.relation)!, hi: curEnd.get(a.relation)! };
          return { relation, lo: 0, hi: j < d ? prevEnd.get(a.relation)! : curEnd.get(a.relation)! };
        });
        fire(rule, sources, negSources, t, nodes, emit);
      }
    }
    first = false;
    let grew = false;
    for (const rel of inStratum) {
      prevEnd.set(rel, curEnd.get(rel)!);
      if ((state.peek(rel)?.tuples.length ?? 0) > curEnd.get(rel)!) grew = true;
    }
    if (!grew) return;
  }
}
