import type { Program, Term } from './ast.ts';

/** A renaming of nodes: node → node (a permutation of some of them). */
export type NodeRenaming = ReadonlyMap<string, string>;

/** Groups larger than this are not enumerated (searches with that many interchangeable nodes are rare). */
const MAX_GROUP = 720;

/**
 * The renamings of nodes that leave the program as it is (Molly's symmetry reduction): swap two nodes
 * everywhere a constant names them — facts, rules, invariants — and compare the program as a set of
 * facts and rules. Runs that differ by such a renaming are the same run with nodes renamed, so only
 * one needs to be made. Only nodes faults may touch are renamed (the fault space must map onto
 * itself). Returns every non-identity element of the group the swaps generate.
 */
export function nodeSymmetries(program: Program, nodes: readonly string[]): NodeRenaming[] {
  const base = canonical(program, new Map());
  const swaps: Map<string, string>[] = [];
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const swap = new Map([
        [nodes[i], nodes[j]],
        [nodes[j], nodes[i]],
      ]);
      if (canonical(program, swap) === base) swaps.push(swap);
    }
  }
  // The group the swaps generate, breadth first from the identity.
  const key = (r: NodeRenaming) => nodes.map((n) => r.get(n) ?? n).join(',');
  const identity = new Map<string, string>();
  const group = new Map<string, NodeRenaming>([[key(identity), identity]]);
  const frontier: NodeRenaming[] = [identity];
  while (frontier.length && group.size < MAX_GROUP) {
    const r = frontier.shift()!;
    for (const s of swaps) {
      const composed = new Map(nodes.map((n) => [n, s.get(r.get(n) ?? n) ?? (r.get(n) ?? n)]));
      const k = key(composed);
      if (!group.has(k)) {
        group.set(k, composed);
        frontier.push(composed);
      }
    }
  }
  group.delete(key(identity));
  return [...group.values()];
}

/** The program as one string, node constants renamed, order and positions ignored. */
function canonical(program: Program, rename: ReadonlyMap<string, string>): string {
  const value = (v: string | number) => (typeof v === 'string' ? (rename.get(v) ?? v) : v);
  const term = (t: Term): unknown => {
    switch (t.kind) {
      case 'var':
        return ['v', t.name];
      case 'const':
        return ['c', value(t.value)];
      case 'wild':
        return ['_'];
      case 'binop':
        return [t.op, term(t.left), term(t.right)];
      case 'agg':
        return [t.fn, term(t.arg)];
    }
  };
  const facts = program.facts.map((f) => JSON.stringify([f.relation, f.values.map(value), f.step ?? null])).sort();
  const rules = program.rules
    .map((r) =>
      JSON.stringify([
        [r.head.relation, r.head.args.map(term), r.head.time ?? null],
        r.body.map((b) => (b.kind === 'atom' ? [b.negated, b.atom.relation, b.atom.args.map(term), b.atom.time ?? null] : [b.op, term(b.left), term(b.right)])),
      ]),
    )
    .sort();
  return JSON.stringify([facts, rules]);
}
