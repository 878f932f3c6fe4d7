import type { Atom, Term } from './ast.ts';
import type { CompiledProgram } from './compile.ts';

const INVARIANT = new Set(['pre', 'post']);

/**
 * The default node set: every location named in the program. A column holds locations if it is where
 * something happens — the first column of a relation given by facts, sent (@async) or carried
 * (@next), or of a rule's first body atom (where the rule runs) — or if a rule moves a variable
 * between it and a location column (so `node(a, b)` with `log(B, M)@async :- …, node(A, B)` makes b
 * a node even if nothing reaches it without faults). A helper relation keyed by something else
 * (`disagree(X) :- decision(_, X, _), …`) is not a location. Constants of pre/post atoms are left out:
 * their first column often names a role, as in `pre("decide", X)`.
 */
export function inferNodes(cp: CompiledProgram): string[] {
  const typed = new Set<string>();
  for (const f of cp.program.facts) typed.add(`${f.relation}/0`);
  for (const r of cp.program.rules) {
    if (r.head.time) typed.add(`${r.head.relation}/0`);
    const first = r.body.find((b) => b.kind === 'atom' && !b.negated);
    if (first?.kind === 'atom') typed.add(`${first.atom.relation}/0`);
  }
  const atomsOf = (r: CompiledProgram['program']['rules'][number]): Atom[] => [
    r.head,
    ...r.body.flatMap((b) => (b.kind === 'atom' ? [b.atom] : [])),
  ];
  for (let changed = true; changed; ) {
    changed = false;
    for (const rule of cp.program.rules) {
      const atoms = atomsOf(rule);
      const locVars = new Set<string>();
      for (const a of atoms) a.args.forEach((t, i) => t.kind === 'var' && typed.has(`${a.relation}/${i}`) && locVars.add(t.name));
      for (const a of atoms) {
        a.args.forEach((t, i) => {
          const key = `${a.relation}/${i}`;
          if (t.kind === 'var' && locVars.has(t.name) && !typed.has(key)) {
            typed.add(key);
            changed = true;
          }
        });
      }
    }
  }
  const nodes = new Set<string>();
  const take = (relation: string, args: readonly (Term | string | number)[]) => {
    if (INVARIANT.has(relation)) return;
    args.forEach((t, i) => {
      const v = typeof t === 'object' ? (t.kind === 'const' ? t.value : undefined) : t;
      if (typeof v === 'string' && typed.has(`${relation}/${i}`)) nodes.add(v);
    });
  };
  for (const f of cp.program.facts) take(f.relation, f.values);
  for (const rule of cp.program.rules) for (const a of atomsOf(rule)) take(a.relation, a.args);
  return [...nodes].sort();
}
