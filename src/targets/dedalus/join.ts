import { UserError } from '../../model/errors.ts';
import type { Value } from './ast.ts';
import type { ArgPattern, CTerm, CompiledRule } from './compile.ts';
import type { Relation, Tuple } from './relation.ts';
import { arithmetic, compareWith, formatValue } from './values.ts';

/** Where a positive atom reads from: a relation and the window of insertion sequence numbers. */
export interface AtomSource {
  relation: Relation | undefined;
  lo: number;
  hi: number;
}

/**
 * Called once per distinct body binding. `blockers` is set only when negations are collected rather
 * than enforced: for each `notin` atom, the present tuples that block it.
 */
export type MatchHandler = (slots: Value[], body: Tuple[], blockers: Tuple[][] | undefined) => void;

export function evalTerm(t: CTerm, slots: readonly Value[]): Value {
  switch (t.kind) {
    case 'const':
      return t.value;
    case 'slot':
      return slots[t.slot];
    case 'binop': {
      const a = evalTerm(t.left, slots);
      const b = evalTerm(t.right, slots);
      if (typeof a !== 'number' || typeof b !== 'number') {
        throw new UserError('BAD_PROGRAM', `arithmetic '${t.op}' needs numbers, got ${formatValue(a)} and ${formatValue(b)}`, t.pos);
      }
      const r = arithmetic(t.op, a, b);
      if (r === undefined) throw new UserError('BAD_PROGRAM', 'division by zero', t.pos);
      return r;
    }
  }
}

export function patternValue(p: ArgPattern, slots: readonly Value[]): Value | undefined {
  return p.kind === 'const' ? p.value : p.kind === 'slot' ? slots[p.slot] : undefined;
}

/**
 * Runs a rule's join plan. With `collectNegations`, `notin` atoms do not filter: their blocking
 * tuples are reported instead (used to explain why a tuple was absent).
 */
export function join(
  rule: CompiledRule,
  sources: readonly AtomSource[],
  negSources: readonly (Relation | undefined)[],
  onMatch: MatchHandler,
  collectNegations = false,
  initialSlots?: Value[],
): void {
  const slots: Value[] = initialSlots ?? new Array(rule.slotCount);
  const body: Tuple[] = new Array(rule.positives.length);
  const blockers: Tuple[][] | undefined = collectNegations ? rule.negatives.map(() => []) : undefined;
  const plan = rule.plan;
  const keyBuf: Value[] = [];

  const step = (i: number): void => {
    if (i === plan.length) {
      onMatch(slots, body, blockers);
      return;
    }
    const op = plan[i];
    switch (op.op) {
      case 'scan': {
        const src = sources[op.atom];
        const rel = src.relation;
        if (!rel) return;
        const atom = rule.positives[op.atom];
        let candidates: readonly Tuple[];
        if (op.boundPositions.length === 0) candidates = rel.tuples;
        else {
          keyBuf.length = 0;
          for (const p of op.boundPositions) keyBuf.push(patternValue(atom.args[p], slots)!);
          candidates = rel.lookup(op.boundPositions, keyBuf);
        }
        const { lo, hi } = src;
        // Candidates are in insertion order: start at the first one inside the window.
        for (let k = op.boundPositions.length === 0 ? lo : firstAtOrAfter(candidates, lo); k < candidates.length; k++) {
          const t = candidates[k];
          if (t.seq >= hi) break;
          for (const p of op.bindPositions) slots[(atom.args[p] as { slot: number }).slot] = t.values[p];
          let ok = true;
          for (const p of op.checkPositions) {
            if (slots[(atom.args[p] as { slot: number }).slot] !== t.values[p]) {
              ok = false;
              break;
            }
          }
          if (!ok) continue;
          body[op.atom] = t;
          step(i + 1);
        }
        return;
      }
      case 'filter': {
        if (compareWith(op.cmp, evalTerm(op.left, slots), evalTerm(op.right, slots))) step(i + 1);
        return;
      }
      case 'assign': {
        slots[op.slot] = evalTerm(op.expr, slots);
        step(i + 1);
        return;
      }
      case 'neg': {
        const matches = negMatches(rule, op.atom, negSources[op.atom], slots);
        if (blockers) {
          blockers[op.atom] = [...matches];
          step(i + 1);
          blockers[op.atom] = [];
        } else if (matches.length === 0) step(i + 1);
        return;
      }
    }
  };
  step(0);
}

/** Tuples matching a `notin` atom under the current bindings. */
export function negMatches(rule: CompiledRule, atomIndex: number, rel: Relation | undefined, slots: readonly Value[]): readonly Tuple[] {
  if (!rel) return [];
  const atom = rule.negatives[atomIndex];
  const positions: number[] = [];
  const values: Value[] = [];
  atom.args.forEach((a, p) => {
    const v = patternValue(a, slots);
    if (v !== undefined) {
      positions.push(p);
      values.push(v);
    }
  });
  if (positions.length === 0) return rel.tuples;
  return rel.lookup(positions, values);
}

/** Index of the first tuple with seq ≥ lo in a list sorted by seq (binary search). */
function firstAtOrAfter(tuples: readonly Tuple[], lo: number): number {
  if (lo <= 0) return 0;
  let a = 0;
  let b = tuples.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (tuples[m].seq < lo) a = m + 1;
    else b = m;
  }
  return a;
}
