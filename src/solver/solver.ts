import type { Bounds } from '../model/bounds.ts';
import { canonicalFaults, faultKey, faultSetKey, type Fault, type FaultSet } from '../model/faults.ts';
import type { LineageGraph } from '../model/lineage.ts';
import { faultCandidates } from './candidates.ts';
import { LineageEncoding } from './encode.ts';
import { startZ3, type Formula, type SatBackend, type SatSession } from './z3-backend.ts';

/** What the solver knows when asked for the next hypotheses. */
export interface SolverQuery {
  /** Every derivation seen so far, in all runs (the union graph). */
  readonly lineage: LineageGraph;
  /** Goal keys of the good outcomes to attack. */
  readonly outcomes: readonly string[];
  readonly bounds: Bounds;
  /** Fault sets already run: never proposed again. */
  readonly tried: readonly FaultSet[];
  /** Counterexamples found: their supersets are not minimal, never proposed. */
  readonly counterexamples: readonly FaultSet[];
  /**
   * outcome → precondition goal key. When given, fault sets that break an outcome while its
   * precondition still holds (by the known lineage) are proposed first; only when there are none,
   * any that break an outcome (both asked of one encoding).
   */
  readonly keepPreconditions?: ReadonlyMap<string, string>;
  /** A targeted fault space (`--only-faults`): only faults it allows are proposed. */
  readonly allow?: (f: Fault) => boolean;
  /**
   * outcome → lineage vertices of absences of what its violation needs to appear (its precondition, or
   * the watched tuple), learned from runs that attacked it in vain. A fault set under which one of them
   * holds cannot violate the invariant through the outcome: it is not proposed for it.
   */
  readonly stillAbsent?: ReadonlyMap<string, readonly string[]>;
  /**
   * Faults every proposal includes (Molly's strategy extends a run's own faults); the proposals list
   * only the faults added to them, and their size counts only those.
   */
  readonly required?: FaultSet;
  /** How many hypotheses of the smallest size to return at most. */
  readonly limit: number;
  /** Asked between slices of a long check: true stops the query (Ctrl-C), answered `stopped`. */
  readonly stop?: () => boolean;
}

export interface SolverAnswer {
  /** Minimal fault sets, all of the same (smallest) size; empty: nothing in the bounds can break an outcome. */
  readonly hypotheses: Fault[][];
  /** The query was stopped (`SolverQuery.stop`): no hypotheses, and no proof either. */
  readonly stopped?: true;
}

/**
 * The one solver entry point: lineage + bounds + what is known → the next minimal fault sets that
 * break every known derivation of some good outcome, smallest first.
 */
export class FaultSetSolver {
  private constructor(private readonly backend: SatBackend) {}

  static async start(): Promise<FaultSetSolver> {
    return new FaultSetSolver(await startZ3());
  }

  async close(): Promise<void> {
    await this.backend.close();
  }

  async next(q: SolverQuery): Promise<SolverAnswer> {
    const s = this.backend.session();
    try {
      return await this.solve(s, q);
    } finally {
      s.dispose();
    }
  }

  private async solve(s: SatSession, q: SolverQuery): Promise<SolverAnswer> {
    const required = new Set((q.required ?? []).map(faultKey));
    const candidates = canonicalFaults([...faultCandidates(q.lineage, q.bounds).filter((f) => !q.allow || q.allow(f)), ...(q.required ?? [])]);
    const enc = new LineageEncoding(s, q.lineage, q.bounds, candidates);
    for (const f of q.required ?? []) s.add(enc.faultVars.get(faultKey(f))!.v);
    const vars = [...enc.faultVars.values()].filter((x) => !required.has(faultKey(x.fault)));
    const none = { hypotheses: [] };
    const attacked = q.outcomes.filter((o) => q.lineage.hasNode(o));
    if (attacked.length === 0 || vars.length === 0) return none;

    const keep = q.keepPreconditions;
    // Every vertex formula is built before the scopes below (a definition made inside one would be
    // popped with it while the encoding still remembers it).
    const attack = (keeping: boolean) =>
      s.or(
        attacked.map((o) => {
          const pre = keeping ? keep?.get(o) : undefined;
          const parts = [s.not(enc.holds(o))];
          // A precondition no run derived cannot be kept: that outcome waits for the second query.
          if (pre) parts.push(q.lineage.hasNode(pre) ? enc.holds(pre) : s.constant(false));
          for (const a of q.stillAbsent?.get(o) ?? []) if (q.lineage.hasNode(a)) parts.push(s.not(enc.holds(a)));
          return s.and(parts);
        }),
      );
    const attacks = keep ? [attack(true), attack(false)] : [attack(false)];
    for (const c of enc.cycleConstraints()) s.add(c);
    for (const c of enc.budget()) s.add(c);
    for (const t of q.tried) {
      const clause = exactSetExcluded(t, enc.faultVars, s);
      if (clause) s.add(clause);
    }
    for (const c of q.counterexamples) {
      const clause = supersetExcluded(c, enc.faultVars, s);
      if (clause) s.add(clause);
    }
    for (const a of attacks) {
      s.push();
      s.add(a);
      const answer = await this.smallest(s, q, enc, vars);
      s.pop();
      if (answer.stopped || answer.hypotheses.length > 0) return answer;
    }
    return none;
  }

  /** The smallest fault sets the asserted constraints allow, up to `q.limit` of one size. */
  private async smallest(s: SatSession, q: SolverQuery, enc: LineageEncoding, vars: { fault: Fault; v: Formula }[]): Promise<SolverAnswer> {
    const none = { hypotheses: [] };
    const stopped = { hypotheses: [], stopped: true as const };
    // Smallest first, with no unbounded check before the first size: on a large union lineage (Paxos,
    // 80,000 vertices) a first check without a cardinality bound took seconds where bounded ones took
    // milliseconds.
    const all = vars.map((x) => x.v);
    for (let k = 1; k <= vars.length; k++) {
      s.push();
      s.add(s.atMost(all, k));
      const found: Fault[][] = [];
      while (found.length < q.limit) {
        // Between checks too, a Ctrl-C is heard (a query may make dozens of short checks).
        await new Promise((resolve) => setImmediate(resolve));
        if (q.stop?.()) {
          s.pop();
          return found.length ? { hypotheses: found } : stopped;
        }
        const r = await s.check(q.stop);
        if (r === 'stopped') {
          s.pop();
          return found.length ? { hypotheses: found } : stopped;
        }
        if (r !== 'sat') break;
        const values = s.valuesOf(all);
        const set = canonicalFaults(vars.filter((_, i) => values[i]).map((x) => x.fault));
        found.push(set);
        // Within this size, a superset of a found set is not minimal.
        s.add(s.or(set.map((f) => s.not(enc.faultVars.get(faultKey(f))!.v))));
      }
      s.pop();
      // Nothing of size 1: one check with no size bound says whether anything is left at all (on a
      // proof's last query, 30 bounded checks of ~0.4 s each on Paxos became two).
      if (found.length === 0 && k === 1 && vars.length > 2) {
        const r = await s.check(q.stop);
        if (r === 'stopped') return stopped;
        if (r === 'unsat') break;
      }
      // In a canonical order, not the order Z3's models came in: the same lineage gives the same
      // search whatever the encoding's shape.
      if (found.length > 0) return { hypotheses: found.sort((a, b) => compareKeys(faultSetKey(a), faultSetKey(b))) };
    }
    return none;
  }
}

function exactSetExcluded(set: FaultSet, vars: Map<string, { v: Formula }>, s: ReturnType<SatBackend['session']>): Formula | undefined {
  const inSet = new Set(set.map(faultKey));
  for (const k of inSet) if (!vars.has(k)) return undefined; // the set is not expressible: nothing to exclude
  const lits: Formula[] = [];
  for (const [k, x] of vars) lits.push(inSet.has(k) ? s.not(x.v) : x.v);
  return s.or(lits);
}

function supersetExcluded(set: FaultSet, vars: Map<string, { v: Formula }>, s: ReturnType<SatBackend['session']>): Formula | undefined {
  const lits: Formula[] = [];
  for (const f of set) {
    const x = vars.get(faultKey(f));
    if (!x) return undefined;
    lits.push(s.not(x.v));
  }
  return lits.length ? s.or(lits) : s.constant(false);
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
