import type { SourcePos } from '../../model/errors.ts';
import type { Atom, Rule, Term, Value } from './ast.ts';
import { BUILTIN_CRASH, type CompiledProgram } from './compile.ts';

/** A member of the default node set and why it is one (shown to the user). */
export interface InferredNode {
  readonly node: string;
  /** e.g. `sends log at p.ded:12`, `receives ack at p.ded:14`, `is named by crash(…) at p.ded:20`. */
  readonly reason: string;
}

/**
 * The default node set. A node is a location that sends or receives a message, or that a crash atom
 * names (Molly's model: what faults act on). Which constants can reach a sender or a destination is
 * a static value flow over the program: constants enter a relation's columns through facts and rule
 * heads, and a rule carries into a head column only values that every positive body occurrence of
 * its variable admits. So a payload or a sentinel (`"none"`) that never reaches a location that
 * sends or receives is not a node, and a node that only faults make busy (a failover backup) is one.
 * Every constant is a candidate, whatever column it sits in.
 */
export function inferNodes(cp: CompiledProgram): InferredNode[] {
  const flow = valueFlow(cp.program.rules, cp.program.facts);
  const found = new Map<string, string>();
  const add = (values: Iterable<Value>, reason: string) => {
    for (const v of values) if (typeof v === 'string' && !found.has(v)) found.set(v, reason);
  };
  for (const rule of cp.program.rules) {
    if (rule.head.time?.kind !== 'async') continue;
    const where = at(rule.pos);
    const first = rule.body.find((b) => b.kind === 'atom' && !b.negated);
    if (first?.kind === 'atom' && first.atom.args[0]) add(flow.valuesOf(rule, first.atom.args[0]), `sends ${rule.head.relation} at ${where}`);
    const dest = rule.head.args[0];
    if (dest) add(flow.valuesOf(rule, dest), `receives ${rule.head.relation} at ${where}`);
  }
  for (const rule of cp.program.rules) {
    for (const a of atomsOf(rule)) {
      const crashed = a.relation === BUILTIN_CRASH ? a.args[1] : undefined;
      if (crashed?.kind === 'const') add([crashed.value], `is named by ${BUILTIN_CRASH}(…) at ${at(a.pos)}`);
    }
  }
  return [...found].map(([node, reason]) => ({ node, reason })).sort((x, y) => (x.node < y.node ? -1 : x.node > y.node ? 1 : 0));
}

/**
 * An invariant that no run can evaluate: its rule (invariant rules run anywhere, as Molly's do) reads
 * first a relation at locations that are not nodes, where that relation has no facts and only rules
 * that would have to run there (which they never do) could derive it. The invariant would then pass
 * vacuously, so it is reported with the relation, the location and the rule.
 */
export function invariantOutsideNodes(cp: CompiledProgram, nodes: readonly string[]): { relation: string; location: string; pos: SourcePos } | undefined {
  const flow = valueFlow(cp.program.rules, cp.program.facts);
  const isNode = new Set(nodes);
  for (const relation of ['pre', 'post']) {
    const rules = cp.program.rules.filter((r) => r.head.relation === relation);
    let evaluated = false;
    let outside: { relation: string; location: string; pos: SourcePos } | undefined;
    for (const rule of rules) {
      const first = rule.body.find((b) => b.kind === 'atom' && !b.negated);
      const atom = first?.kind === 'atom' ? first.atom : undefined;
      const loc = atom?.args[0];
      if (!atom || !loc || loc.kind === 'wild' || atom.relation === 'pre' || atom.relation === 'post') {
        evaluated = true;
        continue;
      }
      for (const v of flow.valuesOf(rule, loc)) {
        if (typeof v !== 'string' || isNode.has(v) || canHold(cp, atom.relation, v)) evaluated = true;
        else outside ??= { relation, location: v, pos: rule.pos };
      }
    }
    if (!evaluated && outside) return outside;
  }
  return undefined;
}

/**
 * Whether `relation` can hold at a location that is not a node: a fact puts it there, or a rule
 * derives it there from elsewhere (its head's location differs from where the rule runs).
 */
function canHold(cp: CompiledProgram, relation: string, location: string): boolean {
  if (cp.program.facts.some((f) => f.relation === relation && f.values[0] === location)) return true;
  return cp.program.rules.some((r) => {
    if (r.head.relation !== relation) return false;
    if (r.head.time?.kind === 'async') return false; // no channel reaches a location that is not a node
    const first = r.body.find((b) => b.kind === 'atom' && !b.negated);
    const runsAt = first?.kind === 'atom' ? first.atom.args[0] : undefined;
    const head = r.head.args[0];
    const local = runsAt && head && runsAt.kind === head.kind && (head.kind === 'var' ? runsAt.kind === 'var' && runsAt.name === head.name : runsAt.kind === 'const' && head.kind === 'const' && runsAt.value === head.value);
    return !local;
  });
}

function at(pos: SourcePos): string {
  return `${pos.file}:${pos.line}`;
}

function atomsOf(r: Rule): Atom[] {
  return [r.head, ...r.body.flatMap((b) => (b.kind === 'atom' ? [b.atom] : []))];
}

/** Which constants each column of each relation can hold: facts and rule heads, to a fixpoint. */
function valueFlow(rules: readonly Rule[], facts: CompiledProgram['program']['facts']) {
  const columns = new Map<string, Set<Value>>();
  const column = (relation: string, i: number) => {
    const key = `${relation}/${i}`;
    let s = columns.get(key);
    if (!s) columns.set(key, (s = new Set()));
    return s;
  };
  for (const f of facts) f.values.forEach((v, i) => column(f.relation, i).add(v));
  /** The values a variable can take in a rule: those every positive body occurrence admits. */
  const variable = (rule: Rule, name: string): Set<Value> | undefined => {
    let acc: Set<Value> | undefined;
    for (const b of rule.body) {
      if (b.kind !== 'atom' || b.negated || b.atom.relation === BUILTIN_CRASH) continue;
      b.atom.args.forEach((t, i) => {
        if (t.kind !== 'var' || t.name !== name) return;
        const here = column(b.atom.relation, i);
        acc = acc ? new Set([...acc].filter((v) => here.has(v))) : new Set(here);
      });
    }
    return acc;
  };
  const valuesOf = (rule: Rule, t: Term): Set<Value> => {
    if (t.kind === 'const') return new Set([t.value]);
    if (t.kind === 'var') return variable(rule, t.name) ?? new Set();
    return new Set(); // arithmetic and aggregates make numbers, never locations
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const rule of rules) {
      rule.head.args.forEach((t, i) => {
        const into = column(rule.head.relation, i);
        for (const v of valuesOf(rule, t)) {
          if (!into.has(v)) {
            into.add(v);
            changed = true;
          }
        }
      });
    }
  }
  return { valuesOf };
}
