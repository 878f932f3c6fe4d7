import type { Value } from './ast.ts';
import type { CTerm, CompiledProgram, CompiledRule } from './compile.ts';
import { omissionKey, type Execution } from './evaluator.ts';
import type { NegatedAtom, StepState, Tuple } from './relation.ts';
import { arithmetic, compareWith } from './values.ts';

/**
 * Why a tuple (pattern) was absent: the ways a rule could have derived it that something blocked.
 * Faults only remove messages and silence nodes, so an absent tuple can appear only if one of these
 * ways gets unblocked:
 * - a `notin` subgoal was blocked by present tuples (cut their support and the rule fires),
 * - the way's message was lost (a fault that is not there lets it through),
 * - one positive subgoal was itself absent (make it appear, recursively).
 * Ways needing two absent subgoals at once are not followed (a bounded look-ahead).
 */
export interface BlockedWay {
  rule: CompiledRule;
  /** Present tuples blocking a `notin` subgoal; any one of them keeps the way blocked. */
  blockers: Tuple[];
  /** A positive subgoal that was absent (undefined values: any). */
  missing?: NegatedAtom;
  lostMessage?: { from: string; to: string; sendTime: number };
  /** The head the way would derive (undefined values: not known without the absent subgoal). */
  head: (Value | undefined)[];
}

type Partial = (Value | undefined)[];

export function blockedWays(cp: CompiledProgram, exec: Execution, n: NegatedAtom): BlockedWay[] {
  const ways: BlockedWay[] = [];
  for (const rule of cp.rules) {
    if (rule.headRelation !== n.relation || rule.aggregate) continue;
    const evalStep = rule.kind === 'deductive' ? n.step : n.step - 1;
    const state = exec.steps[evalStep];
    if (!state) continue;
    const at = (step: number | undefined): StepState | undefined =>
      step === undefined || step === evalStep ? state : step < evalStep ? exec.steps[step] : undefined;
    const seeded = seedFromHead(rule, n.pattern);
    if (!seeded) continue;
    const domain = (relation: string, position: number) => columnDomain(cp, exec, relation, position);
    for (let skip = -1; skip < rule.positives.length; skip++) {
      relaxedJoin(rule, at, skip, seeded, domain, (slots, blockers) => {
        const loc = valueOf(rule.location.kind === 'slot' ? slots[rule.location.slot] : rule.location.kind === 'const' ? rule.location.value : undefined);
        if (loc !== undefined && (typeof loc !== 'string' || !exec.nodes.has(loc))) return;
        const head = rule.headArgs.map((a) => relaxedEval(a, slots));
        if (!head.every((v, i) => v === undefined || n.pattern[i] === undefined || n.pattern[i] === v)) return;
        const present = blockers.flat();
        if (skip >= 0) {
          const atom = rule.positives[skip];
          const pattern = atom.args.map((a) => (a.kind === 'const' ? a.value : a.kind === 'slot' ? slots[a.slot] : undefined));
          const missing: NegatedAtom = { relation: atom.relation, pattern, step: atom.step ?? evalStep };
          if (anyMatch(at(atom.step)?.peek(atom.relation)?.tuples ?? [], pattern)) return; // not absent: covered by skip = -1
          ways.push({ rule, blockers: present, missing, head });
          return;
        }
        if (present.length > 0) {
          ways.push({ rule, blockers: present, head });
          return;
        }
        if (rule.kind === 'async' && typeof loc === 'string') {
          const to = head[0];
          if (typeof to !== 'string' || to === loc || !exec.nodes.has(to)) return;
          const crashed = exec.crashTimes.get(loc);
          if ((crashed !== undefined && crashed <= evalStep) || exec.omitted.has(omissionKey(loc, to, evalStep))) {
            ways.push({ rule, blockers: [], lostMessage: { from: loc, to, sendTime: evalStep }, head });
          }
        }
      });
    }
  }
  return ways;
}

function valueOf(v: Value | undefined): Value | undefined {
  return v;
}

/** Bounds the values tried for the free variables of one absent atom. */
const MAX_COMBINATIONS = 64;

const domains = new WeakMap<Execution, Map<string, Value[]>>();

/** Every value a relation's column holds at some step, or that a fact or rule head puts there. */
function columnDomain(cp: CompiledProgram, exec: Execution, relation: string, position: number): Value[] {
  let memo = domains.get(exec);
  if (!memo) domains.set(exec, (memo = new Map()));
  const key = `${relation}/${position}`;
  const known = memo.get(key);
  if (known) return known;
  const seen = new Map<string, Value>();
  const add = (v: Value) => seen.set((typeof v === 'number' ? 'n' : 's') + v, v);
  for (const step of exec.steps) for (const t of step?.peek(relation)?.tuples ?? []) add(t.values[position]);
  for (const f of cp.program.facts) if (f.relation === relation) add(f.values[position]);
  for (const r of cp.rules) {
    const a = r.headRelation === relation ? r.headArgs[position] : undefined;
    if (a?.kind === 'const') add(a.value);
  }
  const values = [...seen.values()];
  memo.set(key, values);
  return values;
}

/**
 * Binds what the absent pattern fixes through the head: `p(X, Y)` against `p(a, _)` binds X; a head
 * `T - 1` against 1 binds T to 2. Undefined when the pattern contradicts a constant head column.
 */
function seedFromHead(rule: CompiledRule, pattern: readonly (Value | undefined)[]): Partial | undefined {
  const slots: Partial = new Array(rule.slotCount).fill(undefined);
  for (let i = 0; i < rule.headArgs.length; i++) {
    const want = pattern[i];
    const a = rule.headArgs[i];
    if (want === undefined) continue;
    if (a.kind === 'const') {
      if (a.value !== want) return undefined;
    } else if (a.kind === 'slot') {
      if (slots[a.slot] !== undefined && slots[a.slot] !== want) return undefined;
      slots[a.slot] = want;
    } else if (typeof want === 'number' && a.left.kind === 'slot' && a.right.kind === 'const' && typeof a.right.value === 'number') {
      if (a.op === '+') slots[a.left.slot] = want - a.right.value;
      else if (a.op === '-') slots[a.left.slot] = want + a.right.value;
    }
  }
  return slots;
}

function anyMatch(tuples: readonly Tuple[], pattern: Partial): boolean {
  return tuples.some((t) => pattern.every((p, i) => p === undefined || t.values[i] === p));
}

/**
 * A join where atom `skip` binds nothing (it is assumed absent) and unbound variables are unknowns:
 * comparisons on unknowns pass, negated atoms with unknowns match any value.
 */
function relaxedJoin(
  rule: CompiledRule,
  at: (step: number | undefined) => StepState | undefined,
  skip: number,
  seeded: Partial,
  domain: (relation: string, position: number) => readonly Value[],
  onMatch: (slots: Partial, blockers: Tuple[][]) => void,
): void {
  // Variables of the absent atom that no other positive atom binds take each value their column
  // has ever held (or a rule head puts there), so comparisons on them stay exact.
  const boundElsewhere = new Set<number>();
  rule.positives.forEach((a, i) => {
    if (i !== skip) for (const arg of a.args) if (arg.kind === 'slot') boundElsewhere.add(arg.slot);
  });
  const free: { slot: number; values: readonly Value[] }[] = [];
  if (skip >= 0) {
    const atom = rule.positives[skip];
    atom.args.forEach((arg, p) => {
      if (arg.kind === 'slot' && seeded[arg.slot] === undefined && !boundElsewhere.has(arg.slot) && !free.some((f) => f.slot === arg.slot)) {
        free.push({ slot: arg.slot, values: domain(atom.relation, p) });
      }
    });
  }
  let combinations = 0;
  const enumerate = (k: number, next: () => void): void => {
    if (k === free.length) {
      if (combinations++ < MAX_COMBINATIONS) next();
      return;
    }
    const { slot, values } = free[k];
    if (values.length === 0) return enumerate(k + 1, next);
    for (const v of values) {
      slots[slot] = v;
      enumerate(k + 1, next);
    }
    slots[slot] = undefined;
  };
  const slots: Partial = [...seeded];
  const blockers: Tuple[][] = rule.negatives.map(() => []);
  const step = (i: number): void => {
    if (i === rule.plan.length) {
      onMatch(slots, blockers);
      return;
    }
    const op = rule.plan[i];
    switch (op.op) {
      case 'scan': {
        if (op.atom === skip) {
          enumerate(0, () => step(i + 1));
          return;
        }
        const atom = rule.positives[op.atom];
        const tuples = at(atom.step)?.peek(atom.relation)?.tuples ?? [];
        for (const t of tuples) {
          const bound: number[] = [];
          let ok = true;
          for (let p = 0; p < atom.args.length && ok; p++) {
            const a = atom.args[p];
            if (a.kind === 'const') ok = a.value === t.values[p];
            else if (a.kind === 'slot') {
              if (slots[a.slot] === undefined) {
                slots[a.slot] = t.values[p];
                bound.push(a.slot);
              } else ok = slots[a.slot] === t.values[p];
            }
          }
          if (ok) step(i + 1);
          for (const s of bound) slots[s] = undefined;
        }
        return;
      }
      case 'filter': {
        const l = relaxedEval(op.left, slots);
        const r = relaxedEval(op.right, slots);
        if (l === undefined || r === undefined || compareWith(op.cmp, l, r)) step(i + 1);
        return;
      }
      case 'assign': {
        const before = slots[op.slot];
        const value = relaxedEval(op.expr, slots);
        if (before !== undefined && value !== undefined && before !== value) return; // seeded by the head
        if (before === undefined) slots[op.slot] = value;
        step(i + 1);
        slots[op.slot] = before;
        return;
      }
      case 'neg': {
        const atom = rule.negatives[op.atom];
        const pattern = atom.args.map((a) => (a.kind === 'const' ? a.value : a.kind === 'slot' ? slots[a.slot] : undefined));
        const tuples = at(atom.step)?.peek(atom.relation)?.tuples ?? [];
        blockers[op.atom] = tuples.filter((t) => pattern.every((p, k) => p === undefined || t.values[k] === p));
        step(i + 1);
        blockers[op.atom] = [];
        return;
      }
    }
  };
  step(0);
}

function relaxedEval(t: CTerm, slots: Partial): Value | undefined {
  switch (t.kind) {
    case 'const':
      return t.value;
    case 'slot':
      return slots[t.slot];
    case 'binop': {
      const a = relaxedEval(t.left, slots);
      const b = relaxedEval(t.right, slots);
      return typeof a === 'number' && typeof b === 'number' ? arithmetic(t.op, a, b) : undefined;
    }
  }
}
