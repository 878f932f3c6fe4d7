import type { Bounds } from '../model/bounds.ts';
import { compileLineage, type CompiledLineage } from '../model/compiled-lineage.ts';
import { faultKey, type Fault } from '../model/faults.ts';
import { isOrVertex, type LineageGraph, type LineageVertex } from '../model/lineage.ts';
import { Circuit, FALSE, Op, TRUE } from './circuit.ts';
import type { Formula, SatSession } from './z3-backend.ts';

/**
 * Lineage → boolean constraints: "this vertex still holds under the chosen faults". Goals are ORs of
 * their firings, firings ANDs of their body; leaves read the fault variables. The graph is first
 * folded into a circuit (circuit.ts: constants propagated, equal gates shared), and only the gates
 * that a formula asked for reach Z3. Vertices on a cycle (recursion within a step) get a rank so that
 * a cycle cannot support itself (least-fixpoint semantics).
 */
export class LineageEncoding {
  readonly faultVars = new Map<string, { fault: Fault; v: Formula }>();
  private readonly varFormulas: Formula[] = [];
  private readonly varIndex = new Map<string, number>();
  private readonly crashVarsByNode = new Map<string, { time: number; v: Formula; index: number }[]>();
  private readonly c: CompiledLineage;
  private readonly circuit = new Circuit();
  /** Per vertex number, its gate. */
  private readonly gateOf: Int32Array;
  /** Per gate, its formula once built. */
  private readonly formulas: (Formula | undefined)[] = [];
  /** Cyclic vertices whose formula was built, awaiting their least-fixpoint constraints. */
  private readonly pendingCycles: number[] = [];

  constructor(
    private readonly s: SatSession,
    g: LineageGraph,
    private readonly bounds: Bounds,
    candidates: readonly Fault[],
  ) {
    for (const f of candidates) {
      const v = s.bool(faultKey(f));
      const index = this.varFormulas.length;
      this.varFormulas.push(v);
      this.varIndex.set(faultKey(f), index);
      this.faultVars.set(faultKey(f), { fault: f, v });
      if (f.kind === 'crash') {
        const list = this.crashVarsByNode.get(f.node) ?? [];
        list.push({ time: f.time, v, index });
        this.crashVarsByNode.set(f.node, list);
      }
    }
    this.c = compileLineage(g);
    this.gateOf = this.fold();
  }

  /** Gates in circuit (for measurements): how many the whole graph folded into. */
  get gates(): number {
    return this.circuit.size;
  }

  /** At most `crashes` crashes, each node crashing at most once, and no omission a crash implies. */
  budget(): Formula[] {
    const out: Formula[] = [];
    const all: Formula[] = [];
    for (const list of this.crashVarsByNode.values()) {
      out.push(this.s.atMost(list.map((x) => x.v), 1));
      for (const x of list) all.push(x.v);
    }
    out.push(this.s.atMost(all, this.bounds.crashes));
    // Canonical schedules: an omission from a sender already crashed at that send changes nothing.
    for (const { fault, v } of this.faultVars.values()) {
      if (fault.kind !== 'omit') continue;
      for (const c of this.crashVarsByNode.get(fault.from) ?? []) if (c.time <= fault.time) out.push(this.s.not(this.s.and([v, c.v])));
    }
    return out;
  }

  /** Formula for "vertex still holds". */
  holds(key: string): Formula {
    const i = this.c.index.get(key);
    if (i === undefined) throw new Error(`no lineage vertex ${key}`);
    return this.formula(this.gateOf[i]);
  }

  /** Every vertex's gate, children before parents (cyclic vertices stand for themselves). */
  private fold(): Int32Array {
    const { order, vertices, kids, cycle } = this.c;
    const gate = new Int32Array(vertices.length);
    const k = this.circuit;
    for (let o = 0; o < order.length; o++) {
      const i = order[o];
      const v = vertices[i];
      const leaf = this.leaf(v);
      if (leaf !== undefined) gate[i] = leaf;
      else if (v.kind === 'goal' && v.edb) gate[i] = TRUE;
      else if (cycle[i] >= 0) gate[i] = k.opaque(i);
      else {
        const inputs = kids[i].map((c) => gate[c]);
        gate[i] = isOrVertex(v) ? k.or(inputs) : k.and(inputs);
      }
    }
    return gate;
  }

  private delivered(from: string, to: string, sendTime: number): number {
    if (from === to) return TRUE;
    const k = this.circuit;
    const parts: number[] = [];
    const omit = this.varIndex.get(faultKey({ kind: 'omit', from, to, time: sendTime }));
    if (omit !== undefined) parts.push(k.not(k.variable(omit)));
    for (const c of this.crashVarsByNode.get(from) ?? []) if (c.time <= sendTime) parts.push(k.not(k.variable(c.index)));
    return k.and(parts);
  }

  private leaf(v: LineageVertex): number | undefined {
    const k = this.circuit;
    switch (v.kind) {
      case 'message':
        return this.delivered(v.from, v.to, v.sendTime);
      case 'lost':
        return k.not(this.delivered(v.from, v.to, v.sendTime));
      case 'crash': {
        const list = this.crashVarsByNode.get(v.node) ?? [];
        if (v.time === undefined) return k.or(list.map((c) => k.variable(c.index)));
        const c = list.find((x) => x.time === v.time);
        return c ? k.variable(c.index) : FALSE;
      }
      case 'no-crash': {
        const matching: number[] = [];
        for (const [node, list] of this.crashVarsByNode) {
          if (v.node !== undefined && node !== v.node) continue;
          for (const c of list) if ((v.time === undefined || c.time === v.time) && (v.until === undefined || c.time <= v.until)) matching.push(k.variable(c.index));
        }
        return k.not(k.or(matching));
      }
      default:
        return undefined;
    }
  }

  /** The formula of a gate, building what it needs (inputs have smaller numbers: built in order). */
  private formula(root: number): Formula {
    const known = this.formulas[root];
    if (known) return known;
    const { op, args } = this.circuit;
    const needed: number[] = [];
    const seen = new Set<number>([root]);
    const stack = [root];
    while (stack.length) {
      const x = stack.pop()!;
      needed.push(x);
      if (op[x] !== Op.Not && op[x] !== Op.And && op[x] !== Op.Or) continue;
      for (const y of op[x] === Op.Not ? [args[x] as number] : (args[x] as number[])) {
        if (!seen.has(y) && !this.formulas[y]) {
          seen.add(y);
          stack.push(y);
        }
      }
    }
    needed.sort((a, b) => a - b);
    for (const x of needed) this.formulas[x] = this.build(x);
    return this.formulas[root]!;
  }

  private build(x: number): Formula {
    const s = this.s;
    const a = this.circuit.args[x];
    switch (this.circuit.op[x]) {
      case Op.False:
        return s.constant(false);
      case Op.True:
        return s.constant(true);
      case Op.Var:
        return this.varFormulas[a as number];
      case Op.Not:
        return s.not(this.formulas[a as number]!);
      case Op.Opaque:
        this.pendingCycles.push(a as number);
        return s.bool(`holds:${this.c.keys[a as number]}`);
      default: {
        const inputs = (a as number[]).map((y) => this.formulas[y]!);
        const f = this.circuit.op[x] === Op.And ? s.and(inputs) : s.or(inputs);
        // Named (Tseitin): Z3 walks nested terms again on every check, and the union lineage shares
        // sub-terms so widely that the nested form cost 10× more solver time on Paxos.
        const h = s.bool(`gate:${x}`);
        s.add(s.iff(h, f));
        return h;
      }
    }
  }

  /**
   * Least-fixpoint constraints for the cyclic vertices that the formulas built so far reach (call it
   * after them); empty for acyclic graphs.
   */
  cycleConstraints(): Formula[] {
    const out: Formula[] = [];
    const s = this.s;
    const { keys, vertices, kids, cycle } = this.c;
    const members = new Map<number, number>();
    for (let i = 0; i < cycle.length; i++) if (cycle[i] >= 0) members.set(cycle[i], (members.get(cycle[i]) ?? 0) + 1);
    // Within a cycle of m vertices, m ranks order any justification of the least fixpoint.
    const rank = (i: number) => s.rank(`rank:${keys[i]}`, members.get(cycle[i])!);
    for (let p = 0; p < this.pendingCycles.length; p++) {
      const i = this.pendingCycles[p];
      const v = vertices[i];
      const me = this.formula(this.gateOf[i]);
      const plain = kids[i].map((c) => this.formula(this.gateOf[c]));
      const ranked = kids[i].map((c, j) => (cycle[c] === cycle[i] ? s.and([plain[j], s.less(rank(c), rank(i))]) : plain[j]));
      if (isOrVertex(v)) {
        out.push(s.implies(me, s.or(ranked)));
        for (const q of plain) out.push(s.implies(q, me));
      } else {
        out.push(s.implies(me, s.and(ranked)));
        out.push(s.implies(s.and(plain), me));
      }
    }
    this.pendingCycles.length = 0;
    return out;
  }
}
