import type { Value } from './ast.ts';
import type { CompiledRule } from './compile.ts';
import { encodeValues, formatTuple } from './values.ts';

/** One way a tuple was derived. Every rule firing is kept, not only the first. */
export type Derivation =
  | { kind: 'edb' }
  | { kind: 'crash'; node: string; crashTime: number }
  | {
      kind: 'rule';
      rule: CompiledRule;
      /** The step at which the rule's body was evaluated (the head's step, or one before it). */
      time: number;
      body: Tuple[];
      negated: NegatedAtom[];
      message?: { from: string; to: string; sendTime: number };
      /**
       * For an aggregate rule: each body binding of the group on its own (the aggregated variables'
       * values, in `rule.aggregates` order, with the binding's body tuples and `notin` atoms), so
       * that a reader needing only "at least k members" can depend on any k of them.
       */
      members?: AggregateMember[];
    };

/** One body binding counted by an aggregate rule's group (see `Derivation.members`). */
export interface AggregateMember {
  values: Value[];
  body: Tuple[];
  negated: NegatedAtom[];
}

/**
 * An absence a derivation relied on: no tuple matching `pattern` (undefined = any) existed at `step`
 * beyond those present in the run (a `notin` subgoal, or a subgoal that would have to appear anew).
 * With `member`, the absence of a new body binding of aggregate rule number `member` for the group
 * `pattern` (the head's values; aggregated columns undefined), its body read at `step`: an
 * aggregate's value relies on what it did not count.
 */
export interface NegatedAtom {
  relation: string;
  pattern: (Value | undefined)[];
  step: number;
  member?: number;
}

export class Tuple {
  readonly derivations: Derivation[] = [];
  private cachedLabel?: string;
  constructor(
    readonly relation: string,
    readonly values: Value[],
    readonly valuesKey: string,
    readonly time: number,
    readonly seq: number,
  ) {}
  /** `rel(a,b)`, parseable back. */
  get label(): string {
    return (this.cachedLabel ??= formatTuple(this.relation, this.values));
  }
  /** `rel(a,b)@t`: the identity of the tuple's goal vertex in lineage graphs. */
  get goalKey(): string {
    return `${this.label}@${this.time}`;
  }
}

/** The goal key a tuple would have (`Tuple.goalKey`), also for one that does not hold. */
export function goalKeyOf(relation: string, values: readonly Value[], time: number): string {
  return `${formatTuple(relation, values)}@${time}`;
}

/** The tuples of one relation at one step, in insertion order, with lazily built hash indexes. */
export class Relation {
  readonly tuples: Tuple[] = [];
  private readonly byValues = new Map<string, Tuple>();
  private readonly indexes = new Map<string, { positions: number[]; map: Map<unknown, Tuple[]> }>();

  constructor(
    readonly name: string,
    readonly time: number,
  ) {}

  get(values: readonly Value[]): Tuple | undefined {
    return this.byValues.get(encodeValues(values));
  }

  /** Adds the tuple if new; returns the stored tuple either way. */
  insert(values: Value[]): { tuple: Tuple; added: boolean } {
    const key = encodeValues(values);
    const existing = this.byValues.get(key);
    if (existing) return { tuple: existing, added: false };
    const tuple = new Tuple(this.name, values, key, this.time, this.tuples.length);
    this.tuples.push(tuple);
    this.byValues.set(key, tuple);
    for (const ix of this.indexes.values()) addToIndex(ix, tuple);
    return { tuple, added: true };
  }

  /** Tuples whose values at `positions` equal `values`, in insertion order. */
  lookup(positions: readonly number[], values: readonly Value[]): readonly Tuple[] {
    const sig = positions.join(',');
    let ix = this.indexes.get(sig);
    if (!ix) {
      ix = { positions: [...positions], map: new Map() };
      for (const t of this.tuples) addToIndex(ix, t);
      this.indexes.set(sig, ix);
    }
    return ix.map.get(positions.length === 1 ? values[0] : encodeValues(values)) ?? EMPTY;
  }
}

const EMPTY: readonly Tuple[] = [];

function addToIndex(ix: { positions: number[]; map: Map<unknown, Tuple[]> }, t: Tuple): void {
  const key = ix.positions.length === 1 ? t.values[ix.positions[0]] : encodeValues(ix.positions.map((p) => t.values[p]));
  const bucket = ix.map.get(key);
  if (bucket) bucket.push(t);
  else ix.map.set(key, [t]);
}

/** All relations at one step. */
export class StepState {
  readonly relations = new Map<string, Relation>();
  constructor(readonly time: number) {}
  relation(name: string): Relation {
    let r = this.relations.get(name);
    if (!r) {
      r = new Relation(name, this.time);
      this.relations.set(name, r);
    }
    return r;
  }
  peek(name: string): Relation | undefined {
    return this.relations.get(name);
  }
}
