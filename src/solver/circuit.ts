/**
 * A lineage graph folded into a boolean circuit over the fault variables, before anything reaches
 * Z3. Most of a union lineage cannot be changed by any candidate fault (a firing with nothing lossy
 * below it holds in every run), and the copies of an absence that each run keys anew usually compute
 * the same function of the faults: constants are propagated and equal gates shared (structural
 * hashing, as and-inverter graphs do). On Paxos 8/3/1 the 80,000-vertex union became a few thousand
 * gates; the solver sees only those.
 */

/** Gate operators; `Opaque` stands for a vertex on a cycle, constrained apart (least fixpoint). */
export const Op = { False: 0, True: 1, Var: 2, Not: 3, And: 4, Or: 5, Opaque: 6 } as const;
export type Op = (typeof Op)[keyof typeof Op];

export const FALSE = 0;
export const TRUE = 1;

export class Circuit {
  /** Per gate: its operator. */
  readonly op: Op[] = [Op.False, Op.True];
  /** Per gate: its inputs (gate numbers, each smaller than the gate's own unless opaque), or the variable / vertex number. */
  readonly args: (readonly number[] | number)[] = [[], []];
  private readonly table = new Map<string, number>();

  get size(): number {
    return this.op.length;
  }

  /** The fault variable number `i`. */
  variable(i: number): number {
    return this.intern(`v${i}`, Op.Var, i);
  }

  /** A vertex on a cycle, kept as itself: vertex number `v`. */
  opaque(v: number): number {
    return this.intern(`q${v}`, Op.Opaque, v);
  }

  not(a: number): number {
    if (a === FALSE) return TRUE;
    if (a === TRUE) return FALSE;
    if (this.op[a] === Op.Not) return this.args[a] as number;
    return this.intern(`n${a}`, Op.Not, a);
  }

  and(inputs: readonly number[]): number {
    return this.gate(Op.And, inputs);
  }

  or(inputs: readonly number[]): number {
    return this.gate(Op.Or, inputs);
  }

  /** An AND (`absorbing` FALSE) or OR (`absorbing` TRUE), simplified: constants, repeats, x with ¬x, one input. */
  private gate(op: typeof Op.And | typeof Op.Or, inputs: readonly number[]): number {
    const absorbing = op === Op.And ? FALSE : TRUE;
    const neutral = op === Op.And ? TRUE : FALSE;
    const set = new Set<number>();
    for (const x of inputs) {
      if (x === absorbing) return absorbing;
      if (x !== neutral) set.add(x);
    }
    if (set.size === 0) return neutral;
    if (set.size === 1) return set.values().next().value!;
    for (const x of set) if (this.op[x] === Op.Not && set.has(this.args[x] as number)) return absorbing;
    const sorted = [...set].sort((a, b) => a - b);
    return this.intern(`${op === Op.And ? 'a' : 'o'}${sorted.join(',')}`, op, sorted);
  }

  private intern(key: string, op: Op, args: readonly number[] | number): number {
    const known = this.table.get(key);
    if (known !== undefined) return known;
    const id = this.op.length;
    this.op.push(op);
    this.args.push(args);
    this.table.set(key, id);
    return id;
  }
}
