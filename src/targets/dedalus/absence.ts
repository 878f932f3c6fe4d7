import type { Value } from './ast.ts';
import { BUILTIN_CRASH, type CAtom, type CTerm, type CompiledProgram, type CompiledRule } from './compile.ts';
import { omissionKey, type Execution } from './evaluator.ts';
import type { NegatedAtom, StepState, Tuple } from './relation.ts';
import { arithmetic, compareValues, compareWith } from './values.ts';
import { staticDomains, type StaticDomains } from './domains.ts';
import { staticAnew } from './derivable.ts';

/**
 * Negative support: why a tuple (pattern) was absent, as the ways it could still appear.
 *
 * An absence is read as "no tuple matching the pattern *other than those present in this run*": a
 * `notin` pattern has no match at all, and a subgoal that must appear anew may share its pattern with
 * tuples that are there. Faults only remove messages and silence nodes, but a different fault set can
 * also heal a loss, and a removal can unblock a `notin`; so a tuple can appear only if one of these
 * ways gets unblocked:
 * - a `notin` subgoal was blocked by present tuples (cut their support and the rule fires);
 * - the way's message was lost (a fault that is not there lets it through);
 * - one positive subgoal was absent (make it appear, recursively), or two or more were: then any pair
 *   of them must both appear, which is one way per pair (a conservative cover of every larger set);
 * - for an aggregated relation: the group gains a member (a new body binding of the aggregate rule)
 *   or loses one (a counted body tuple disappears), either of which can change the value.
 *
 * Every approximation here errs towards *more* ways (an unknown value matches anything, a blocker
 * over an unknown value does not count), so an absence may look easier to break than it is (more
 * hypotheses, each checked by a run) but never firmer (a false proof of resilience).
 * Molly's negative support (Alvaro et al., SIGMOD 2015, §4) is the model.
 */
export interface BlockedWay {
  rule: CompiledRule;
  /** Present tuples keeping the way blocked: a blocked `notin`, or a counted aggregate member. */
  blockers: Tuple[];
  /** Blockers that are crash facts read as `crash(_, n, _)`: a crash of n at any time blocks alike. */
  anyTimeCrashes?: ReadonlySet<Tuple>;
  /** Subgoals that must appear for the way to fire; the way stays blocked while any one is absent. */
  missing: NegatedAtom[];
  lostMessage?: { from: string; to: string; sendTime: number };
  /**
   * Messages a present subgoal of the way could only have come by (a tuple only an @async rule from
   * one sender derives): while one of them is lost, that subgoal is absent and the way stays blocked.
   */
  needs?: { from: string; to: string; sendTime: number }[];
  /** The head the way would derive (undefined values: not known without the absent subgoals). */
  head: (Value | undefined)[];
}

type Partial = (Value | undefined)[];

/** The step whose state a rule's body reads to derive a head at `step`. */
function bodyStep(rule: CompiledRule, n: NegatedAtom): number {
  if (n.member !== undefined) return n.step; // a member atom names the body's step itself
  return rule.kind === 'deductive' ? n.step : n.step - 1;
}

export function blockedWays(cp: CompiledProgram, exec: Execution, n: NegatedAtom): BlockedWay[] {
  const ways: BlockedWay[] = [];
  const rules = n.member !== undefined ? [cp.rules[n.member]] : cp.rules.filter((r) => r.headRelation === n.relation);
  const present = exec.steps[n.step]?.peek(n.relation)?.tuples ?? [];
  for (const rule of rules) {
    const evalStep = bodyStep(rule, n);
    const state = exec.steps[evalStep];
    if (!state) continue;
    const at = (step: number | undefined): StepState | undefined =>
      step === undefined || step === evalStep ? state : step < evalStep ? exec.steps[step] : undefined;
    if (rule.aggregates.length && n.member === undefined) {
      aggregateWays(rule, n, evalStep, present, ways);
      continue;
    }
    const seeded = seedFromHead(rule, n.pattern);
    if (!seeded) continue;
    const isNode = (loc: Value | undefined) => rule.observer || loc === undefined || (typeof loc === 'string' && exec.nodes.has(loc));
    const headFits = (head: Partial) => head.every((v, i) => v === undefined || n.pattern[i] === undefined || n.pattern[i] === v);
    // A way that would only derive a tuple already present makes nothing appear.
    const derivesPresent = (head: Partial) =>
      n.member === undefined && head.every((v) => v !== undefined) && present.some((t) => t.values.every((v, i) => v === head[i]));
    const domains = staticDomains(cp);
    const patternOf = (k: number, slots: Partial) => atomPattern(rule.positives[k], slots);
    const stepOf = (k: number) => rule.positives[k].step ?? evalStep;
    const addWay = (slots: Partial, blockers: Tuple[], used: Tuple[], missingAtoms: readonly number[]): void => {
      const loc = locationOf(rule, slots);
      if (!isNode(loc)) return;
      const head = rule.headArgs.map((a) => relaxedEval(a, slots));
      if (!headFits(head) || derivesPresent(head)) return;
      const needs = neededMessages(cp, used);
      const lost = lostMessage(rule, exec, loc, head, evalStep);
      const anyTimeCrashes = anyTimeCrashBlockers(rule, blockers);
      if (missingAtoms.length) {
        const missing = missingAtoms.map((k) => ({ relation: rule.positives[k].relation, pattern: patternOf(k, slots), step: stepOf(k) }));
        // A present ground subgoal is no new one: the ways with fewer new subgoals cover it.
        if (missing.some((m, i) => m.pattern.every((v) => v !== undefined) && anyMatch(at(rule.positives[missingAtoms[i]].step)?.peek(m.relation)?.tuples ?? [], m.pattern))) return;
        ways.push({ rule, blockers, anyTimeCrashes, missing, lostMessage: lost, needs, head });
        return;
      }
      // Every subgoal present: the way is blocked by `notin`s or a lost message, or it fired. A rule
      // sending to every node, its destination left open by the pattern, may have lost any copy.
      if (rule.toEveryNode !== undefined && head[0] === undefined && typeof loc === 'string') {
        for (const to of exec.nodes) {
          const toHead = [to, ...head.slice(1)];
          if (derivesPresent(toHead)) continue;
          const lostCopy = lostMessage(rule, exec, loc, toHead, evalStep);
          if (blockers.length > 0 || lostCopy) ways.push({ rule, blockers, anyTimeCrashes, missing: [], lostMessage: lostCopy, needs, head: toHead });
        }
        return;
      }
      if (blockers.length > 0 || lost) ways.push({ rule, blockers, anyTimeCrashes, missing: [], lostMessage: lost, needs, head });
    };
    for (let skip = -1; skip < rule.positives.length; skip++) {
      relaxedJoin(rule, at, skip >= 0 ? [skip] : [], seeded, domains, (slots, blockers, used) => addWay(slots, blockers, used, skip >= 0 ? [skip] : []));
    }
    // Two or more subgoals new at once: for each pair, the two lowest of them, the others joined with
    // what is present or (past the pair, when one could appear anew at all) new as well.
    const eot = exec.steps.length - 1;
    const anew = staticAnew(cp, eot);
    const mayBeNew = (j: number) => (k: number, pattern: Partial) =>
      k > j && anew(rule.positives[k].relation, pattern, stepOf(k), (values) => anyMatch(at(rule.positives[k].step)?.peek(rule.positives[k].relation)?.tuples ?? [], values));
    for (let i = 0; i < rule.positives.length; i++) {
      for (let j = i + 1; j < rule.positives.length; j++) {
        const before = ways.length;
        const done = relaxedJoin(rule, at, [i, j], seeded, domains, (slots, blockers, used, unknown) => addWay(slots, blockers, used, [i, j, ...unknown]), mayBeNew(j), MAX_PAIR_WAYS);
        if (done) continue;
        // Too many: the pair with only what the head binds covers them all.
        ways.length = before;
        ways.push({ rule, blockers: [], missing: [i, j].map((k) => ({ relation: rule.positives[k].relation, pattern: patternOf(k, seeded), step: stepOf(k) })), head: rule.headArgs.map((a) => relaxedEval(a, seeded)) });
      }
    }
  }
  return ways;
}

/** Ways one pair of new subgoals may add before it is taken with only what the head binds. */
const MAX_PAIR_WAYS = 64;

/**
 * For the present subgoals of a way, the messages each could only have come by: a relation with no
 * facts whose every rule is @async from a sender the head names (one column, the same for all its
 * rules) is only ever there after that sender's message of the step before was delivered.
 */
function neededMessages(cp: CompiledProgram, used: readonly Tuple[]): BlockedWay['needs'] {
  const out: NonNullable<BlockedWay['needs']> = [];
  for (const t of used) {
    const column = senderColumn(cp, t.relation);
    if (column === undefined) continue;
    const from = t.values[column];
    const to = t.values[0];
    if (typeof from !== 'string' || typeof to !== 'string' || from === to) continue;
    out.push({ from, to, sendTime: t.time - 1 });
  }
  return out.length ? out : undefined;
}

const senderColumns = new WeakMap<CompiledProgram, Map<string, number | undefined>>();

/** The head column naming the sender of every tuple of `relation`, when there is one (see `neededMessages`). */
function senderColumn(cp: CompiledProgram, relation: string): number | undefined {
  let memo = senderColumns.get(cp);
  if (!memo) senderColumns.set(cp, (memo = new Map()));
  if (memo.has(relation)) return memo.get(relation);
  let column: number | undefined;
  const rules = cp.rules.filter((r) => r.headRelation === relation);
  const viable = rules.length > 0 && !cp.program.facts.some((f) => f.relation === relation) && rules.every((r) => r.kind === 'async' && r.toEveryNode === undefined && r.location.kind === 'slot' && r.aggregates.length === 0);
  if (viable) {
    const columns = rules.map((r) => r.headArgs.findIndex((a) => a.kind === 'slot' && r.location.kind === 'slot' && a.slot === r.location.slot));
    if (columns[0] > 0 && columns.every((c) => c === columns[0])) column = columns[0];
  }
  memo.set(relation, column);
  return column;
}

/** The blockers that a `notin crash(_, n, _)` of the rule matched (its time column is `_`). */
function anyTimeCrashBlockers(rule: CompiledRule, blockers: readonly Tuple[]): ReadonlySet<Tuple> | undefined {
  const crashes = rule.negatives.filter((a) => a.relation === BUILTIN_CRASH);
  // Only when every crash negation ignores the time: one naming a time is blocked by that crash alone.
  if (crashes.length === 0 || crashes.some((a) => a.args[2]?.kind !== 'wild')) return undefined;
  return new Set(blockers.filter((t) => t.relation === BUILTIN_CRASH));
}

/** Where a rule would run for a (partial) binding; undefined: not known. */
function locationOf(rule: CompiledRule, slots: Partial): Value | undefined {
  return rule.location.kind === 'slot' ? slots[rule.location.slot] : rule.location.kind === 'const' ? rule.location.value : undefined;
}

/** The message an @async way would send, when this run lost it (omitted, or the sender had crashed). */
function lostMessage(rule: CompiledRule, exec: Execution, loc: Value | undefined, head: Partial, step: number): BlockedWay['lostMessage'] {
  if (rule.kind !== 'async' || typeof loc !== 'string') return undefined;
  const to = head[0];
  if (typeof to !== 'string' || to === loc || !exec.nodes.has(to)) return undefined;
  const crashed = exec.crashTimes.get(loc);
  if ((crashed !== undefined && crashed <= step) || exec.omitted.has(omissionKey(loc, to, step))) return { from: loc, to, sendTime: step };
  return undefined;
}

/**
 * An absent tuple of an aggregated relation appears when a group's value changes: the group gains a
 * member (a new binding of the rule's body) or loses a counted one. The first is a member atom, whose
 * own ways are the rule body's; each counted body tuple is a way that stays blocked while it holds.
 */
function aggregateWays(rule: CompiledRule, n: NegatedAtom, evalStep: number, present: readonly Tuple[], ways: BlockedWay[]): void {
  const aggregated = new Set(rule.aggregates.map((a) => a.position));
  const group = n.pattern.map((v, i) => (aggregated.has(i) ? undefined : v));
  const matching = present.filter((t) => group.every((v, i) => v === undefined || t.values[i] === v) && t.derivations.some((d) => d.kind === 'rule' && d.rule === rule));
  // A value that can only be reached by gaining members (a higher count) needs no lost member, and
  // one reached only by losing members needs no new one; otherwise both can change it.
  // A pattern that leaves a grouping column open also asks for groups that do not exist yet.
  const openGroup = rule.headArgs.some((_, i) => !aggregated.has(i) && n.pattern[i] === undefined);
  let gain = matching.length === 0 || openGroup;
  let lose = false;
  for (const t of matching) {
    const need = neededChange(rule, n.pattern, t.values);
    gain ||= need !== 'lose';
    lose ||= need !== 'gain';
  }
  if (gain) ways.push({ rule, blockers: [], missing: [{ relation: rule.headRelation, pattern: group, step: evalStep, member: rule.index }], head: group });
  if (!lose) return;
  // A counted member is lost when a body tuple disappears, or when one of its notin subgoals gets a
  // match: each is a way, blocked while the tuple holds, or while the negated atom stays absent.
  for (const t of matching) {
    for (const d of t.derivations) {
      if (d.kind !== 'rule' || d.rule !== rule) continue;
      for (const b of d.body) ways.push({ rule, blockers: [b], missing: [], head: group });
      for (const negated of d.negated) if (negated.member === undefined) ways.push({ rule, blockers: [], missing: [negated], head: group });
    }
  }
}

/**
 * Which change of a group's members can turn its present aggregate values into the wanted ones:
 * `count` and `max` only grow with new members and only shrink with lost ones, `min` the other way
 * round; `sum` (values of either sign) and any mix of directions: either.
 */
function neededChange(rule: CompiledRule, wanted: readonly (Value | undefined)[], now: readonly Value[]): 'gain' | 'lose' | 'either' {
  let up = false;
  let down = false;
  for (const a of rule.aggregates) {
    const w = wanted[a.position];
    const v = now[a.position];
    if (w === undefined || w === v) continue;
    const higher = compareValues(w, v) > 0;
    if (a.fn === 'count' || a.fn === 'max') (higher ? (up = true) : (down = true));
    else if (a.fn === 'min') (higher ? (down = true) : (up = true));
    else return 'either';
  }
  if (up && !down) return 'gain';
  if (down && !up) return 'lose';
  return 'either';
}

/**
 * Binds what the absent pattern fixes through the head: `p(X, Y)` against `p(a, _)` binds X; a head
 * `T - 1` against 1 binds T to 2. Undefined when the pattern contradicts a constant head column.
 */
function seedFromHead(rule: CompiledRule, pattern: readonly (Value | undefined)[]): Partial | undefined {
  const slots: Partial = new Array(rule.slotCount).fill(undefined);
  const aggregated = new Set(rule.aggregates.map((a) => a.position));
  for (let i = 0; i < rule.headArgs.length; i++) {
    const want = pattern[i];
    const a = rule.headArgs[i];
    if (want === undefined || aggregated.has(i)) continue;
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

/** An atom's pattern under a (partial) binding: constants, bound slots, undefined for the rest. */
function atomPattern(atom: CAtom, slots: Partial): Partial {
  return atom.args.map((a) => (a.kind === 'const' ? a.value : a.kind === 'slot' ? slots[a.slot] : undefined));
}

function anyMatch(tuples: readonly Tuple[], pattern: readonly (Value | undefined)[]): boolean {
  return tuples.some((t) => pattern.every((p, i) => p === undefined || t.values[i] === p));
}

/**
 * A join where the atoms in `skips` bind nothing (they are assumed to appear anew) and unbound
 * variables are unknowns: comparisons on unknowns pass (an `==` with one side unknown binds it),
 * and a `notin` over an unknown value is not counted as blocked (the value that would appear may
 * well have no blocker). With `mayBeNew`, another atom may also be taken as new (binding nothing)
 * besides each present match, when `mayBeNew` allows it for its pattern then; `onMatch` gets those
 * atoms. Returns false when it stopped after `maxMatches` matches.
 */
function relaxedJoin(
  rule: CompiledRule,
  at: (step: number | undefined) => StepState | undefined,
  skips: readonly number[],
  seeded: Partial,
  domains: StaticDomains,
  onMatch: (slots: Partial, blockers: Tuple[], used: Tuple[], unknown: number[]) => void,
  mayBeNew?: (atom: number, pattern: Partial) => boolean,
  maxMatches = Infinity,
): boolean {
  const slots: Partial = [...seeded];
  const blockers: Tuple[][] = rule.negatives.map(() => []);
  const free = skips.length === 1 ? freeValues(rule, skips[0], seeded, domains) : { slots: [], combos: [[]] };
  let matches = 0;
  // Iterative over the plan: an explicit stack of (plan index, candidate tuples, next candidate).
  type Frame = { i: number; tuples?: readonly Tuple[]; next: number; bound: number[]; saved?: Value | undefined; op?: 'assign' | 'neg' | 'eq'; unknown?: boolean };
  const stack: Frame[] = [{ i: 0, next: 0, bound: [] }];
  const unbind = (f: Frame) => {
    for (const s of f.bound) slots[s] = undefined;
    f.bound = [];
  };
  while (stack.length) {
    const f = stack[stack.length - 1];
    if (f.i === rule.plan.length) {
      if (f.next++ === 0) {
        if (++matches > maxMatches) return false;
        const used: Tuple[] = [];
        const unknown: number[] = [];
        for (const fr of stack) {
          const op = rule.plan[fr.i];
          if (fr.unknown && op?.op === 'scan') unknown.push(op.atom);
          else if (fr.tuples !== undefined && fr.next > 0) used.push(fr.tuples[fr.next - 1]);
        }
        onMatch(slots, blockers.flat(), used, unknown);
      }
      stack.pop();
      continue;
    }
    const op = rule.plan[f.i];
    if (op.op === 'scan' && skips.includes(op.atom)) {
      // An atom that must appear anew: its variables no other atom binds take each value their
      // column can ever hold (when that is a small, known set), else stay unknown.
      unbind(f);
      if (f.next < free.combos.length) {
        const combo = free.combos[f.next++];
        free.slots.forEach((slot, k) => {
          slots[slot] = combo[k];
          f.bound.push(slot);
        });
        stack.push({ i: f.i + 1, next: 0, bound: [] });
      } else stack.pop();
      continue;
    }
    if (op.op === 'scan') {
      const atom = rule.positives[op.atom];
      f.tuples ??= at(atom.step)?.peek(atom.relation)?.tuples ?? [];
      unbind(f);
      if (f.unknown) {
        stack.pop();
        continue;
      }
      let pushed = false;
      while (f.next < f.tuples.length && !pushed) {
        const t = f.tuples[f.next++];
        let ok = true;
        for (let p = 0; p < atom.args.length && ok; p++) {
          const a = atom.args[p];
          if (a.kind === 'const') ok = a.value === t.values[p];
          else if (a.kind === 'slot') {
            if (slots[a.slot] === undefined) {
              slots[a.slot] = t.values[p];
              f.bound.push(a.slot);
            } else ok = slots[a.slot] === t.values[p];
          }
        }
        if (ok) {
          stack.push({ i: f.i + 1, next: 0, bound: [] });
          pushed = true;
        } else unbind(f);
      }
      if (!pushed && mayBeNew && f.next >= f.tuples.length) {
        f.unknown = true;
        if (mayBeNew(op.atom, atomPattern(atom, slots))) {
          stack.push({ i: f.i + 1, next: 0, bound: [] });
          pushed = true;
        }
      }
      if (!pushed) stack.pop();
      continue;
    }
    if (f.next++ > 0) {
      // Returning to a filter, assign or neg frame: undo what it set, then go back.
      if (f.op === 'assign' && op.op === 'assign') slots[op.slot] = f.saved;
      if (f.op === 'eq') unbind(f);
      if (f.op === 'neg' && op.op === 'neg') blockers[op.atom] = [];
      stack.pop();
      continue;
    }
    switch (op.op) {
      case 'filter': {
        const l = relaxedEval(op.left, slots);
        const r = relaxedEval(op.right, slots);
        // `X == v` with X unknown: the binding that fires has X = v.
        const unknownSide = op.cmp === '==' ? (l === undefined && r !== undefined ? op.left : r === undefined && l !== undefined ? op.right : undefined) : undefined;
        if (unknownSide?.kind === 'slot') {
          slots[unknownSide.slot] = (l ?? r) as Value;
          f.bound.push(unknownSide.slot);
          f.op = 'eq';
          stack.push({ i: f.i + 1, next: 0, bound: [] });
        } else if (l === undefined || r === undefined || compareWith(op.cmp, l, r)) stack.push({ i: f.i + 1, next: 0, bound: [] });
        break;
      }
      case 'assign': {
        const before = slots[op.slot];
        const value = relaxedEval(op.expr, slots);
        if (before !== undefined && value !== undefined && before !== value) break; // seeded by the head
        f.op = 'assign';
        f.saved = before;
        if (before === undefined) slots[op.slot] = value;
        stack.push({ i: f.i + 1, next: 0, bound: [] });
        break;
      }
      case 'neg': {
        const atom = rule.negatives[op.atom];
        const unknown = atom.args.some((a) => a.kind === 'slot' && slots[a.slot] === undefined);
        if (!unknown) {
          const pattern = atomPattern(atom, slots);
          const tuples = at(atom.step)?.peek(atom.relation)?.tuples ?? [];
          blockers[op.atom] = tuples.filter((t) => pattern.every((p, k) => p === undefined || t.values[k] === p));
        }
        f.op = 'neg';
        stack.push({ i: f.i + 1, next: 0, bound: [] });
        break;
      }
    }
  }
  return true;
}

/** Most value combinations tried for the free variables of one atom that must appear anew. */
const MAX_COMBINATIONS = 64;

/**
 * The variables of atom `skip` that neither the head nor another positive atom binds, and the value
 * combinations to try for them: every value their column can ever hold (static domains). A variable
 * whose column is open, or too many combinations, leaves the variable unknown (matching anything).
 */
function freeValues(rule: CompiledRule, skip: number, seeded: Partial, domains: StaticDomains): { slots: number[]; combos: Value[][] } {
  const elsewhere = new Set<number>();
  rule.positives.forEach((a, i) => {
    if (i !== skip) for (const arg of a.args) if (arg.kind === 'slot') elsewhere.add(arg.slot);
  });
  const slots: number[] = [];
  const values: (readonly Value[])[] = [];
  rule.positives[skip].args.forEach((arg, column) => {
    if (arg.kind !== 'slot' || seeded[arg.slot] !== undefined || elsewhere.has(arg.slot) || slots.includes(arg.slot)) return;
    const domain = domains(rule.positives[skip].relation, column);
    if (!domain) return;
    slots.push(arg.slot);
    values.push(domain);
  });
  let combos: Value[][] = [[]];
  for (const vs of values) {
    combos = combos.flatMap((c) => vs.map((v) => [...c, v]));
    if (combos.length > MAX_COMBINATIONS) return { slots: [], combos: [[]] };
  }
  return { slots, combos };
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
