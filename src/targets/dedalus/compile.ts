import { UserError, type SourcePos } from '../../model/errors.ts';
import type { AggregateFn, ArithOp, Atom, CompareOp, Program, Rule, Term, Value } from './ast.ts';

/**
 * Checks a program (arity, safety, stratification) and compiles each rule into a join plan over
 * variable slots. Every error names file:line:column.
 */

export type CTerm =
  | { kind: 'const'; value: Value }
  | { kind: 'slot'; slot: number }
  | { kind: 'binop'; op: ArithOp; left: CTerm; right: CTerm; pos: SourcePos };

/** An atom argument: a constant to match, a slot to bind or check, or anything. */
export type ArgPattern = { kind: 'const'; value: Value } | { kind: 'slot'; slot: number } | { kind: 'wild' };

export interface CAtom {
  relation: string;
  args: ArgPattern[];
  /** A fixed step to read (`p(X)@1`), or undefined for the current step. */
  step?: number;
  pos: SourcePos;
}

export type PlanOp =
  /** Look tuples up by the already-bound columns, bind the new ones, check repeated variables. */
  | { op: 'scan'; atom: number; boundPositions: number[]; bindPositions: number[]; checkPositions: number[] }
  | { op: 'filter'; cmp: CompareOp; left: CTerm; right: CTerm; pos: SourcePos }
  | { op: 'assign'; slot: number; expr: CTerm }
  | { op: 'neg'; atom: number };

export interface CompiledRule {
  index: number;
  label: string;
  source: Rule;
  kind: 'deductive' | 'next' | 'async';
  headRelation: string;
  headArgs: CTerm[];
  /** For an @async rule whose destination no body atom binds: that variable's slot (sent to every node). */
  toEveryNode?: number;
  /** Head aggregates (`count<V>`, …), all over the group the other head columns form; empty: none. */
  aggregates: { position: number; fn: AggregateFn; slot: number }[];
  positives: CAtom[];
  negatives: CAtom[];
  plan: PlanOp[];
  slotCount: number;
  slotNames: string[];
  /** Where the rule runs: the first column of its first positive body atom. */
  location: ArgPattern;
  /** Evaluation order of deductive rules; rules of one stratum run to a joint fixpoint. */
  stratum: number;
  /**
   * An invariant rule (head `pre` or `post`) observes the whole state of a step, as Molly's invariants
   * do (`post("decide", X) :- pre("decide", X), …`): it runs whatever its location, node or not.
   */
  observer: boolean;
}

export interface CompiledProgram {
  program: Program;
  rules: CompiledRule[];
  /** Deductive rules grouped by stratum, in evaluation order. */
  strata: CompiledRule[][];
  temporal: CompiledRule[];
  arity: Map<string, number>;
  /** Relations with rules deriving them. */
  derived: Set<string>;
  /** Every constant in a location column of a fact (the default node set). */
  locations: string[];
}

export const BUILTIN_CRASH = 'crash';
/** The relations of the invariant: at end of time, every `pre` tuple needs an identical `post` tuple. */
export const INVARIANT_RELATIONS: ReadonlySet<string> = new Set(['pre', 'post']);

export function compileProgram(program: Program): CompiledProgram {
  const arity = checkArity(program);
  for (const f of program.facts) {
    if (f.relation === BUILTIN_CRASH) {
      throw new UserError('BAD_PROGRAM', 'crash(Observer, Crashed, Time) is provided by the run and cannot be a fact; inject crashes with --faults or --crashes', f.pos);
    }
  }
  for (const r of program.rules) {
    if (r.head.relation === BUILTIN_CRASH) {
      throw new UserError('BAD_PROGRAM', 'crash(Observer, Crashed, Time) is provided by the run and cannot be derived', r.head.pos);
    }
  }
  const strataOf = stratify(program);
  const rules = program.rules.map((r) => compileRule(r, strataOf.get(r.head.relation) ?? 0));
  const deductive = rules.filter((r) => r.kind === 'deductive');
  const strataIds = [...new Set(deductive.map((r) => r.stratum))].sort((a, b) => a - b);
  const strata = strataIds.map((s) => deductive.filter((r) => r.stratum === s));
  const locations = new Set<string>();
  for (const f of program.facts) if (typeof f.values[0] === 'string') locations.add(f.values[0]);
  return {
    program,
    rules,
    strata,
    temporal: rules.filter((r) => r.kind !== 'deductive'),
    arity,
    derived: new Set(program.rules.map((r) => r.head.relation)),
    locations: [...locations],
  };
}

function checkArity(program: Program): Map<string, number> {
  const arity = new Map<string, { n: number; pos: SourcePos }>([[BUILTIN_CRASH, { n: 3, pos: { file: '(built-in)', line: 0, column: 0 } }]]);
  const see = (relation: string, n: number, pos: SourcePos) => {
    const known = arity.get(relation);
    if (!known) arity.set(relation, { n, pos });
    else if (known.n !== n) {
      const where = known.pos.line === 0 ? 'built in' : `first used at ${known.pos.file}:${known.pos.line}:${known.pos.column}`;
      throw new UserError('ARITY', `${relation} has ${n} column${n === 1 ? '' : 's'} here but ${known.n} elsewhere (${where})`, pos);
    }
  };
  for (const f of program.facts) see(f.relation, f.values.length, f.pos);
  for (const r of program.rules) {
    see(r.head.relation, r.head.args.length, r.head.pos);
    for (const b of r.body) if (b.kind === 'atom') see(b.atom.relation, b.atom.args.length, b.atom.pos);
  }
  return new Map([...arity].map(([k, v]) => [k, v.n]));
}

/** Tarjan SCCs over same-step dependencies; a negative edge inside a component is unstratifiable. */
function stratify(program: Program): Map<string, number> {
  type Edge = { to: string; negative: boolean; pos: SourcePos };
  const edges = new Map<string, Edge[]>();
  const nodes = new Set<string>();
  for (const r of program.rules) {
    nodes.add(r.head.relation);
    if (r.head.time) continue; // @next and @async read a finished step: no same-step dependency
    const hasAgg = r.head.args.some((a) => a.kind === 'agg');
    for (const b of r.body) {
      if (b.kind !== 'atom') continue;
      nodes.add(b.atom.relation);
      const list = edges.get(b.atom.relation) ?? [];
      list.push({ to: r.head.relation, negative: b.negated || hasAgg, pos: b.atom.pos });
      edges.set(b.atom.relation, list);
    }
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const strong = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const e of edges.get(v) ?? []) {
      if (!index.has(e.to)) {
        strong(e.to);
        low.set(v, Math.min(low.get(v)!, low.get(e.to)!));
      } else if (onStack.has(e.to)) low.set(v, Math.min(low.get(v)!, index.get(e.to)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      components.push(comp);
    }
  };
  for (const v of [...nodes].sort()) if (!index.has(v)) strong(v);
  // Tarjan emits components in reverse topological order.
  components.reverse();
  const componentOf = new Map<string, number>();
  components.forEach((c, i) => c.forEach((rel) => componentOf.set(rel, i)));
  for (const [from, list] of edges) {
    for (const e of list) {
      if (e.negative && componentOf.get(from) === componentOf.get(e.to)) {
        const cycle = components[componentOf.get(from)!].sort().join(', ');
        throw new UserError(
          'UNSTRATIFIABLE',
          `unstratifiable program: ${e.to} depends on ${from} through negation or an aggregate within one step, ` +
            `and they are mutually recursive (${cycle}); break the cycle, e.g. with @next`,
          e.pos,
        );
      }
    }
  }
  return componentOf;
}

function ruleLabel(r: Rule): string {
  const t = r.head.time ? `@${r.head.time.kind === 'at' ? r.head.time.step : r.head.time.kind}` : '';
  const body = r.body.filter((b) => b.kind === 'atom').map((b) => (b.negated ? 'notin ' : '') + b.atom.relation);
  return `${r.head.relation}${t} :- ${body.join(', ')} (${r.pos.file}:${r.pos.line})`;
}

function compileRule(rule: Rule, stratum: number): CompiledRule {
  const slots = new Map<string, number>();
  const slotNames: string[] = [];
  const slotOf = (name: string) => {
    let s = slots.get(name);
    if (s === undefined) {
      s = slotNames.length;
      slots.set(name, s);
      slotNames.push(name);
    }
    return s;
  };
  const bound = new Set<number>();
  const positives: CAtom[] = [];
  const negatives: CAtom[] = [];
  const plan: PlanOp[] = [];

  const atomPattern = (atom: Atom, negated: boolean): CAtom => {
    const args: ArgPattern[] = atom.args.map((a) => {
      if (a.kind === 'const') return { kind: 'const', value: a.value };
      if (a.kind === 'wild') return { kind: 'wild' };
      if (a.kind === 'var') return { kind: 'slot', slot: slotOf(a.name) };
      throw new UserError('SYNTAX', `${negated ? 'a negated' : 'a body'} atom takes variables, constants or '_', not an expression; compare in the body instead (e.g. Y == X + 1)`, a.pos);
    });
    return { relation: atom.relation, args, step: atom.time?.kind === 'at' ? atom.time.step : undefined, pos: atom.pos };
  };

  const pending: { op: CompareOp; left: Term; right: Term; pos: SourcePos }[] = [];
  const termVars = (t: Term, out: Term[] = []): Term[] => {
    if (t.kind === 'var') out.push(t);
    else if (t.kind === 'binop') {
      termVars(t.left, out);
      termVars(t.right, out);
    } else if (t.kind === 'agg') termVars(t.arg, out);
    return out;
  };
  const isBound = (t: Term) => termVars(t).every((v) => v.kind === 'var' && bound.has(slotOf(v.name)));
  const flushComparisons = () => {
    let progress = true;
    while (progress) {
      progress = false;
      for (let i = 0; i < pending.length; i++) {
        const c = pending[i];
        if (isBound(c.left) && isBound(c.right)) {
          plan.push({ op: 'filter', cmp: c.op, left: compileTerm(c.left), right: compileTerm(c.right), pos: c.pos });
        } else if (c.op === '==' && c.left.kind === 'var' && !bound.has(slotOf(c.left.name)) && isBound(c.right)) {
          plan.push({ op: 'assign', slot: slotOf(c.left.name), expr: compileTerm(c.right) });
          bound.add(slotOf(c.left.name));
        } else if (c.op === '==' && c.right.kind === 'var' && !bound.has(slotOf(c.right.name)) && isBound(c.left)) {
          plan.push({ op: 'assign', slot: slotOf(c.right.name), expr: compileTerm(c.left) });
          bound.add(slotOf(c.right.name));
        } else continue;
        pending.splice(i, 1);
        progress = true;
        break;
      }
    }
  };
  const compileTerm = (t: Term): CTerm => {
    switch (t.kind) {
      case 'const':
        return { kind: 'const', value: t.value };
      case 'var':
        return { kind: 'slot', slot: slotOf(t.name) };
      case 'binop':
        return { kind: 'binop', op: t.op, left: compileTerm(t.left), right: compileTerm(t.right), pos: t.pos };
      case 'wild':
        throw new UserError('SYNTAX', "'_' can only stand for a whole column of a body atom", t.pos);
      case 'agg':
        throw new UserError('SYNTAX', 'aggregates are allowed only as head columns', t.pos);
    }
  };

  for (const lit of rule.body) {
    if (lit.kind === 'compare') pending.push({ op: lit.op, left: lit.left, right: lit.right, pos: lit.pos });
  }
  flushComparisons();
  for (const lit of rule.body) {
    if (lit.kind !== 'atom' || lit.negated) continue;
    const atom = atomPattern(lit.atom, false);
    const idx = positives.push(atom) - 1;
    const boundPositions: number[] = [];
    const bindPositions: number[] = [];
    const checkPositions: number[] = [];
    const seenHere = new Set<number>();
    atom.args.forEach((a, i) => {
      if (a.kind === 'const') boundPositions.push(i);
      else if (a.kind === 'slot') {
        if (bound.has(a.slot)) boundPositions.push(i);
        else if (seenHere.has(a.slot)) checkPositions.push(i); // repeated variable: checked against its first binding
        else {
          bindPositions.push(i);
          seenHere.add(a.slot);
        }
      }
    });
    plan.push({ op: 'scan', atom: idx, boundPositions, bindPositions, checkPositions });
    for (const s of seenHere) bound.add(s);
    flushComparisons();
  }
  if (positives.length === 0) {
    throw new UserError('UNSAFE_VARIABLE', 'a rule needs at least one positive body atom (it decides where the rule runs)', rule.pos);
  }
  for (const c of pending) {
    const unboundVar = [...termVars(c.left), ...termVars(c.right)].find((v) => v.kind === 'var' && !bound.has(slotOf(v.name)));
    const name = unboundVar && unboundVar.kind === 'var' ? unboundVar.name : '?';
    throw new UserError('UNSAFE_VARIABLE', `unsafe variable ${name}: it appears in a comparison but in no positive body atom`, unboundVar?.pos ?? c.pos);
  }
  const isBoundVar = (name: string) => slots.has(name) && bound.has(slots.get(name)!);
  for (const lit of rule.body) {
    if (lit.kind !== 'atom' || !lit.negated) continue;
    // A variable that occurs only inside one notin means "any value" (Molly reads it so): `notin
    // stop(N, Id)` holds when no stop(N, _) exists. Used twice there, it would constrain the match.
    const onlyHere = new Map<string, number>();
    for (const a of lit.atom.args) if (a.kind === 'var' && !isBoundVar(a.name)) onlyHere.set(a.name, (onlyHere.get(a.name) ?? 0) + 1);
    for (const a of lit.atom.args) {
      if (a.kind === 'var' && (onlyHere.get(a.name) ?? 0) > 1) {
        throw new UserError('UNSAFE_VARIABLE', `unsafe variable ${a.name}: it appears twice in notin ${lit.atom.relation} but in no positive body atom`, a.pos);
      }
    }
    const atom = { ...lit.atom, args: lit.atom.args.map((a): Term => (a.kind === 'var' && onlyHere.has(a.name) ? { kind: 'wild', pos: a.pos } : a)) };
    const idx = negatives.push(atomPattern(atom, true)) - 1;
    plan.push({ op: 'neg', atom: idx });
  }
  const aggregates: CompiledRule['aggregates'] = [];
  const kind = rule.head.time?.kind === 'next' ? 'next' : rule.head.time?.kind === 'async' ? 'async' : 'deductive';
  // An @async head whose destination no body atom binds goes to every node (Molly binds it through its
  // clock relation, which pairs every node with every other).
  const dest = rule.head.args[0];
  let toEveryNode: number | undefined;
  if (kind === 'async' && dest?.kind === 'var' && !bound.has(slotOf(dest.name))) {
    toEveryNode = slotOf(dest.name);
    bound.add(toEveryNode);
  }
  const headArgs: CTerm[] = rule.head.args.map((a, i) => {
    for (const v of termVars(a)) {
      if (v.kind === 'var' && !bound.has(slotOf(v.name))) {
        throw new UserError('UNSAFE_VARIABLE', `unsafe variable ${v.name}: it appears in the head of ${rule.head.relation} but in no positive body atom`, v.pos);
      }
    }
    if (a.kind === 'wild') throw new UserError('UNSAFE_VARIABLE', `'_' cannot appear in the head of ${rule.head.relation}`, a.pos);
    if (a.kind === 'agg') {
      aggregates.push({ position: i, fn: a.fn, slot: slotOf((a.arg as { name: string }).name) });
      return { kind: 'const', value: 0 };
    }
    return compileTerm(a);
  });
  if (toEveryNode !== undefined && aggregates.length) {
    throw new UserError('BAD_PROGRAM', `an @async head with aggregates needs its destination bound by a body atom`, rule.head.pos);
  }
  if (kind === 'async' && (positives[0].args[0] === undefined || positives[0].args[0].kind === 'wild')) {
    throw new UserError('BAD_PROGRAM', `an @async rule sends from the location of its first body atom; ${positives[0].relation} has none here`, positives[0].pos);
  }
  return {
    index: rule.index,
    label: ruleLabel(rule),
    source: rule,
    kind,
    headRelation: rule.head.relation,
    headArgs,
    aggregates,
    toEveryNode,
    positives,
    negatives,
    plan,
    slotCount: slotNames.length,
    slotNames,
    location: positives[0].args[0] ?? { kind: 'wild' },
    stratum,
    observer: kind === 'deductive' && INVARIANT_RELATIONS.has(rule.head.relation),
  };
}
