import type { CompareOp, Value } from './ast.ts';
import type { CTerm, CompiledRule } from './compile.ts';
import { evalTerm } from './join.ts';
import type { AggregateMember, Tuple } from './relation.ts';
import { compareWith, formatValue } from './values.ts';

/**
 * What a rule firing needs of an aggregate tuple it read, when it never uses the aggregated value
 * itself but only compares it with a bound: `response_cnt(C, S, N), N > Q / 2` needs *some* count
 * above Q / 2, not the count this run had. Its lineage then depends on any members that reach the
 * bound (any 2 of 3 responses), not on every member and on the absence of others (a lost response
 * or an extra one would otherwise look as if it broke the firing).
 *
 * Only bounds that more members can only keep met are taken: a count or max from below, a min from
 * above; any other use (the value in the head, in another atom, `==`, a bound the other way, `sum`)
 * keeps the exact tuple.
 */
export type MemberNeed =
  /** At least `k` distinct values of aggregate number `agg` (a count). */
  | { kind: 'atLeast'; agg: number; k: number; text: string }
  /** One member whose value of aggregate `agg` passes every bound (a max from below, a min from above). */
  | { kind: 'some'; agg: number; bounds: { cmp: CompareOp; value: Value }[]; text: string };

/** Subsets of members tried for a count at most (beyond: the exact tuple, always sound). */
export const MAX_MEMBER_SUBSETS = 256;

const LOWER = new Set<CompareOp>(['>', '>=']);
const FLIP: Record<string, CompareOp> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' };

/**
 * The needs of firing `rule` (whose body, by positive atom, was `body`) on the aggregate tuple
 * `body[atom]`, one per aggregated column; undefined when the firing needs the exact tuple.
 */
export function memberNeeds(rule: CompiledRule, atom: number, body: readonly Tuple[]): MemberNeed[] | undefined {
  const t = body[atom];
  const d = t.derivations.length === 1 ? t.derivations[0] : undefined;
  if (!d || d.kind !== 'rule' || !d.members || d.rule.kind === 'async') return undefined;
  const producer = d.rule;
  const args = rule.positives[atom].args;
  let slots: Value[] | undefined;
  const needs: MemberNeed[] = [];
  for (let agg = 0; agg < producer.aggregates.length; agg++) {
    const { position, fn } = producer.aggregates[agg];
    const arg = args[position];
    if (!arg || arg.kind === 'const') return undefined;
    const bounds: { cmp: CompareOp; value: Value }[] = [];
    if (arg.kind === 'slot') {
      const uses = slotUses(rule, atom, position, arg.slot);
      if (!uses) return undefined;
      slots ??= bindingOf(rule, body);
      for (const f of uses) {
        const onLeft = mentions(f.left, arg.slot);
        const other = onLeft ? f.right : f.left;
        const cmp = onLeft ? f.cmp : FLIP[f.cmp];
        if (cmp === '==' || cmp === '!=') return undefined;
        let value: Value;
        try {
          value = evalTerm(other, slots);
        } catch {
          return undefined;
        }
        bounds.push({ cmp, value });
      }
    }
    const lower = bounds.every((b) => LOWER.has(b.cmp));
    const upper = bounds.every((b) => !LOWER.has(b.cmp));
    const now = t.values[position];
    if (fn === 'count' && lower) {
      let k = 1;
      while (k < Number(now) && !bounds.every((b) => compareWith(b.cmp, k, b.value))) k++;
      needs.push({ kind: 'atLeast', agg, k, text: `count ≥ ${k}` });
    } else if ((fn === 'max' && lower) || (fn === 'min' && upper)) {
      const text = bounds.length ? bounds.map((b) => `${fn} ${b.cmp} ${formatValue(b.value)}`).join(', ') : `any ${fn}`;
      needs.push({ kind: 'some', agg, bounds, text });
    } else return undefined;
  }
  return needs;
}

/** Whether a member's value passes a `some` need. */
export function memberPasses(need: Extract<MemberNeed, { kind: 'some' }>, m: AggregateMember): boolean {
  return need.bounds.every((b) => compareWith(b.cmp, m.values[need.agg], b.value));
}

/**
 * The filters comparing `slot` with a term free of it, when those are its only uses besides column
 * `position` of atom `atom`; undefined when the rule uses it anywhere else.
 */
function slotUses(rule: CompiledRule, atom: number, position: number, slot: number): { cmp: CompareOp; left: CTerm; right: CTerm }[] | undefined {
  if (rule.headArgs.some((a) => mentions(a, slot))) return undefined;
  for (let i = 0; i < rule.positives.length; i++) {
    const a = rule.positives[i].args;
    for (let p = 0; p < a.length; p++) {
      const arg = a[p];
      if (arg.kind === 'slot' && arg.slot === slot && !(i === atom && p === position)) return undefined;
    }
  }
  if (rule.negatives.some((n) => n.args.some((arg) => arg.kind === 'slot' && arg.slot === slot))) return undefined;
  if (rule.aggregates.some((a) => a.slot === slot)) return undefined;
  const uses: { cmp: CompareOp; left: CTerm; right: CTerm }[] = [];
  for (const op of rule.plan) {
    if (op.op === 'assign' && (op.slot === slot || mentions(op.expr, slot))) return undefined;
    if (op.op !== 'filter') continue;
    const l = mentions(op.left, slot);
    const r = mentions(op.right, slot);
    if (l && r) return undefined;
    if (!l && !r) continue;
    // The slot itself against a bound; an expression over it (N + 1 > Q) is left exact.
    if ((l && op.left.kind !== 'slot') || (r && op.right.kind !== 'slot')) return undefined;
    uses.push({ cmp: op.cmp, left: op.left, right: op.right });
  }
  return uses;
}

function mentions(t: CTerm, slot: number): boolean {
  return t.kind === 'slot' ? t.slot === slot : t.kind === 'binop' ? mentions(t.left, slot) || mentions(t.right, slot) : false;
}

/** The firing's variable binding, rebuilt from its body tuples and assignments in plan order. */
function bindingOf(rule: CompiledRule, body: readonly Tuple[]): Value[] {
  const slots: Value[] = new Array(rule.slotCount);
  for (const op of rule.plan) {
    if (op.op === 'scan') {
      const t = body[op.atom];
      rule.positives[op.atom].args.forEach((a, p) => {
        if (a.kind === 'slot' && slots[a.slot] === undefined) slots[a.slot] = t.values[p];
      });
    } else if (op.op === 'assign' && slots[op.slot] === undefined) slots[op.slot] = evalTerm(op.expr, slots);
  }
  return slots;
}
