import type { Rule, Term, Value } from './ast.ts';
import { BUILTIN_CRASH, type CompiledProgram } from './compile.ts';
import { arithmetic, compareWith, encodeValues } from './values.ts';

/**
 * Whether a tuple matching a pattern can ever hold at a step, in any run under any faults within an
 * end of time: a static over-approximation (abstract interpretation of the rules over the program's
 * constants and "any", step by step as the evaluator goes).
 *
 * Faults only remove messages and silence nodes, and a `notin` may hold or not; so every rule is read
 * with its negated subgoals dropped, locations ignored, messages always delivered (at the next step)
 * and the crash relation holding for anything at every step. A value is a constant or *any* (`TOP`):
 * arithmetic on constants is computed, on *any* gives *any*; an aggregate is *any*; a comparison of two
 * constants filters, any other passes. Unlike the per-column domains of `domains.ts`, tuples keep their
 * columns together, so a value that only ever comes with another (Paxos's placeholder `"anything"`,
 * which always comes with ballot 1) is not mixed with what other tuples bring; and steps are kept
 * apart, so a tuple that holds at step 1 and is never carried on is known absent at the end of time.
 * A column holding more than `WIDEN` constants is widened to *any* (a counter stays finite), and past
 * `MAX_TUPLES` abstract tuples or `MAX_STEPS` join steps every answer is "derivable" (no proof).
 *
 * False means no fault set within any bounds with this end of time makes such a tuple hold then:
 * a `pre` pattern not worth watching as a potential violation, or an invariant never evaluated.
 */
export type Derivable = (relation: string, pattern: readonly (Value | undefined)[], step: number) => boolean;

const TOP: unique symbol = Symbol('any');
type Abstract = Value | typeof TOP;
type Env = Map<string, Abstract>;
type Relations = Map<string, Map<string, Abstract[]>>;

const WIDEN = 32;
const MAX_TUPLES = 50_000;
/** Join steps over the whole fixpoint: past them, no proof (rules with wide unconstrained joins). */
const MAX_STEPS = 5_000_000;

/** The abstract tuples per program and end of time, computed once (undefined: a bound was reached). */
const fixpoints = new WeakMap<CompiledProgram, Map<number, Relations[] | undefined>>();

function stepsOf(cp: CompiledProgram, eot: number): Relations[] | undefined {
  const byEot = fixpoints.get(cp) ?? fixpoints.set(cp, new Map()).get(cp)!;
  if (!byEot.has(eot)) byEot.set(eot, fixpoint(cp, eot));
  return byEot.get(eot);
}

export function staticDerivable(cp: CompiledProgram, eot: number): Derivable {
  const anew = staticAnew(cp, eot);
  // Derivable at all: some tuple other than none.
  return (relation, pattern, step) => anew(relation, pattern, step, () => false);
}

/**
 * Whether a tuple matching a pattern *other than those present* can ever hold at a step (same
 * over-approximation as `staticDerivable`): false only when every tuple the abstraction allows there
 * is fully known and already present, e.g. `my_proposal(C, peter)` when the one proposal of peter
 * is there. `isPresent` says whether a concrete tuple holds in the run at hand.
 */
export type Anew = (relation: string, pattern: readonly (Value | undefined)[], step: number, isPresent: (values: readonly Value[]) => boolean) => boolean;

export function staticAnew(cp: CompiledProgram, eot: number): Anew {
  const steps = stepsOf(cp, eot);
  return (relation, pattern, step, isPresent) => {
    if (!steps || relation === BUILTIN_CRASH) return true;
    const tuples = steps[step]?.get(relation);
    if (!tuples) return false;
    for (const t of tuples.values()) {
      if (!pattern.every((p, i) => p === undefined || t[i] === TOP || t[i] === p)) continue;
      if (t.some((v) => v === TOP) || !isPresent(t as Value[])) return true;
    }
    return false;
  };
}

const keyOf = (t: readonly Abstract[]) => t.map((v) => (v === TOP ? '\u0001' : encodeValues([v]))).join('\u0002');

/** The abstract tuples of every relation at each step 1..eot, or undefined when a bound was reached. */
function fixpoint(cp: CompiledProgram, eot: number): Relations[] | undefined {
  const budget = { steps: MAX_STEPS, tuples: MAX_TUPLES };
  const steps: Relations[] = [];
  const add = (at: Relations, relation: string, t: Abstract[]): boolean => {
    let tuples = at.get(relation);
    if (!tuples) at.set(relation, (tuples = new Map()));
    const k = keyOf(t);
    if (tuples.has(k)) return false;
    tuples.set(k, t);
    budget.tuples--;
    return true;
  };
  const deductive = cp.program.rules.filter((r) => !r.head.time);
  const later = cp.program.rules.filter((r) => r.head.time?.kind === 'next' || r.head.time?.kind === 'async');
  // What @next and @async rules derive at one step, for the next.
  let carried: { relation: string; tuple: Abstract[] }[] = [];
  for (let t = 1; t <= eot; t++) {
    const now: Relations = new Map();
    steps[t] = now;
    for (const f of cp.program.facts) if (f.step === undefined || f.step === t) add(now, f.relation, [...f.values]);
    for (const c of carried) add(now, c.relation, c.tuple);
    const read = (relation: string, at: number | undefined): Iterable<Abstract[]> => (at === undefined || at === t ? (now.get(relation)?.values() ?? []) : at < t ? (steps[at]?.get(relation)?.values() ?? []) : []);
    for (let changed = true; changed; ) {
      changed = false;
      for (const rule of deductive) {
        const heads = fire(rule, read, budget);
        if (!heads) return undefined;
        for (const head of heads) if (add(now, rule.head.relation, head)) changed = true;
        if (budget.tuples < 0) return undefined;
      }
      if (widen(now)) changed = true;
    }
    carried = [];
    for (const rule of later) {
      const heads = fire(rule, read, budget);
      if (!heads) return undefined;
      for (const tuple of heads) carried.push({ relation: rule.head.relation, tuple });
    }
  }
  return steps;
}

/** Widens every column with more than WIDEN constants to TOP; true if anything changed. */
function widen(relations: Relations): boolean {
  let changed = false;
  for (const [name, tuples] of relations) {
    const first = tuples.values().next().value;
    if (!first) continue;
    const wide: number[] = [];
    for (let i = 0; i < first.length; i++) {
      const seen = new Set<Abstract>();
      for (const t of tuples.values()) if (t[i] !== TOP) seen.add(t[i]);
      if (seen.size > WIDEN) wide.push(i);
    }
    if (wide.length === 0) continue;
    const next = new Map<string, Abstract[]>();
    for (const t of tuples.values()) {
      const w = t.map((v, i) => (wide.includes(i) ? TOP : v));
      next.set(keyOf(w), w);
    }
    relations.set(name, next);
    changed = true;
  }
  return changed;
}

/** The heads a rule derives from the abstract tuples, its negated subgoals dropped; undefined past the budget. */
function fire(rule: Rule, read: (relation: string, step: number | undefined) => Iterable<Abstract[]>, budget: { steps: number }): Abstract[][] | undefined {
  const atoms = rule.body.flatMap((b) => (b.kind === 'atom' && !b.negated ? [b.atom] : []));
  const compares = rule.body.flatMap((b) => (b.kind === 'compare' ? [b] : []));
  const heads: Abstract[][] = [];
  // Iterative join: a stack of (next atom, bindings so far).
  const stack: { i: number; env: Env }[] = [{ i: 0, env: new Map() }];
  while (stack.length) {
    const { i, env } = stack.pop()!;
    if (i === atoms.length) {
      if (compares.every((c) => passes(c.op, evaluate(c.left, env), evaluate(c.right, env)))) heads.push(rule.head.args.map((a) => evaluate(a, env)));
      continue;
    }
    const atom = atoms[i];
    const at = atom.time?.kind === 'at' ? atom.time.step : undefined;
    const tuples = atom.relation === BUILTIN_CRASH ? [atom.args.map((): Abstract => TOP)] : [...read(atom.relation, at)];
    if ((budget.steps -= tuples.length) < 0) return undefined;
    for (const t of tuples) {
      const next = bind(atom.args, t, env);
      if (next) stack.push({ i: i + 1, env: next });
    }
  }
  return heads;
}

/** The bindings extended by matching `args` against an abstract tuple, or undefined if they cannot match. */
function bind(args: readonly Term[], t: readonly Abstract[], env: Env): Env | undefined {
  let out: Env | undefined;
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    const v = t[k] ?? TOP;
    if (a.kind === 'const') {
      if (v !== TOP && v !== a.value) return undefined;
    } else if (a.kind === 'var') {
      const b = (out ?? env).get(a.name);
      if (b === undefined) (out ??= new Map(env)).set(a.name, v);
      else if (b === TOP && v !== TOP) (out ??= new Map(env)).set(a.name, v);
      else if (b !== TOP && v !== TOP && b !== v) return undefined;
    }
  }
  return out ?? env;
}

function evaluate(t: Term, env: Env): Abstract {
  switch (t.kind) {
    case 'const':
      return t.value;
    case 'var':
      return env.get(t.name) ?? TOP;
    case 'binop': {
      const l = evaluate(t.left, env);
      const r = evaluate(t.right, env);
      if (typeof l !== 'number' || typeof r !== 'number') return TOP;
      return arithmetic(t.op, l, r) ?? TOP;
    }
    default:
      return TOP;
  }
}

function passes(op: string, l: Abstract, r: Abstract): boolean {
  return l === TOP || r === TOP || compareWith(op, l, r);
}
