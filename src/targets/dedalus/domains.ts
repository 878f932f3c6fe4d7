import type { Rule, Term, Value } from './ast.ts';
import { BUILTIN_CRASH, type CompiledProgram } from './compile.ts';

/**
 * Every value a column can ever hold, in any run under any faults, when that is a finite set of the
 * program's constants: faults only remove messages and silence nodes, so values come from facts and
 * rule heads alone. A column fed by arithmetic, an aggregate, the crash relation or a destination
 * bound by no body atom is open (undefined): its values are not known statically.
 */
export type StaticDomains = (relation: string, column: number) => readonly Value[] | undefined;

const cache = new WeakMap<CompiledProgram, StaticDomains>();

export function staticDomains(cp: CompiledProgram): StaticDomains {
  const known = cache.get(cp);
  if (known) return known;
  const columns = new Map<string, { values: Set<Value>; open: boolean }>();
  const column = (relation: string, i: number) => {
    const key = `${relation}/${i}`;
    let c = columns.get(key);
    if (!c) columns.set(key, (c = { values: new Set(), open: relation === BUILTIN_CRASH }));
    return c;
  };
  for (const f of cp.program.facts) f.values.forEach((v, i) => column(f.relation, i).values.add(v));
  /** A variable's values in a rule: what every closed positive occurrence admits; open if none is closed. */
  const variable = (rule: Rule, name: string): { values: Set<Value>; open: boolean } => {
    let acc: Set<Value> | undefined;
    for (const b of rule.body) {
      if (b.kind !== 'atom' || b.negated) continue;
      b.atom.args.forEach((t, i) => {
        if (t.kind !== 'var' || t.name !== name) return;
        const c = column(b.atom.relation, i);
        if (c.open) return;
        acc = acc ? new Set([...acc].filter((v) => c.values.has(v))) : new Set(c.values);
      });
    }
    return acc ? { values: acc, open: false } : { values: new Set(), open: true };
  };
  const termValues = (rule: Rule, t: Term): { values: Set<Value>; open: boolean } => {
    if (t.kind === 'const') return { values: new Set([t.value]), open: false };
    if (t.kind === 'var') return variable(rule, t.name);
    return { values: new Set(), open: true }; // arithmetic, aggregates
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const rule of cp.program.rules) {
      rule.head.args.forEach((t, i) => {
        const into = column(rule.head.relation, i);
        const from = termValues(rule, t);
        if (from.open && !into.open) {
          into.open = true;
          changed = true;
        }
        for (const v of from.values) {
          if (!into.values.has(v)) {
            into.values.add(v);
            changed = true;
          }
        }
      });
    }
  }
  const domains: StaticDomains = (relation, i) => {
    const c = columns.get(`${relation}/${i}`);
    return c && !c.open ? [...c.values] : undefined;
  };
  cache.set(cp, domains);
  return domains;
}
