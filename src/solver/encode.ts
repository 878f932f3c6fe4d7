import type { Bounds } from '../model/bounds.ts';
import { faultKey, type Fault } from '../model/faults.ts';
import { postOrder, type LineageGraph, type LineageVertex } from '../model/lineage.ts';
import type { Formula, SatSession } from './z3-backend.ts';

/**
 * Lineage → boolean constraints: one formula per vertex, meaning "this vertex still holds under the
 * chosen faults". Goals are ORs of their firings, firings ANDs of their body; leaves read the fault
 * variables. Vertices on a cycle (recursion within a step) get a rank so that a cycle cannot
 * support itself (least-fixpoint semantics).
 */
export class LineageEncoding {
  readonly faultVars = new Map<string, { fault: Fault; v: Formula }>();
  private readonly memo = new Map<string, Formula>();
  private readonly crashVarsByNode = new Map<string, { time: number; v: Formula }[]>();
  private readonly cyclic = new Set<string>();

  constructor(
    private readonly s: SatSession,
    private readonly g: LineageGraph,
    private readonly bounds: Bounds,
    candidates: readonly Fault[],
  ) {
    for (const f of candidates) {
      const v = s.bool(faultKey(f));
      this.faultVars.set(faultKey(f), { fault: f, v });
      if (f.kind === 'crash') {
        const list = this.crashVarsByNode.get(f.node) ?? [];
        list.push({ time: f.time, v });
        this.crashVarsByNode.set(f.node, list);
      }
    }
    this.findCycles();
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
    const known = this.memo.get(key);
    if (known) return known;
    // Build children first without deep recursion: walk the sub-graph in post-order.
    for (const k of this.postOrderFrom(key)) if (!this.memo.has(k)) this.memo.set(k, this.build(k));
    return this.memo.get(key)!;
  }

  private postOrderFrom(root: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>([root]);
    const stack: [string, string[], number][] = [[root, this.g.outNeighbors(root), 0]];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top[2] < top[1].length) {
        const c = top[1][top[2]++];
        if (!seen.has(c) && !this.memo.has(c)) {
          seen.add(c);
          stack.push([c, this.g.outNeighbors(c), 0]);
        }
      } else {
        out.push(top[0]);
        stack.pop();
      }
    }
    return out;
  }

  private build(key: string): Formula {
    const v = this.g.getNodeAttributes(key);
    const leaf = this.leaf(v);
    if (leaf) return leaf;
    if (this.cyclic.has(key)) return this.s.bool(`holds:${key}`);
    const children = this.g.outNeighbors(key).map((c) => this.memo.get(c) ?? this.s.bool(`holds:${c}`));
    if (v.kind === 'goal' && v.edb) return this.s.constant(true);
    const f = v.kind === 'goal' || v.kind === 'blocked' ? this.s.or(children) : this.s.and(children);
    if (children.length <= 1) return f;
    // Named (Tseitin): Z3 walks nested terms again on every check, and the union lineage shares
    // sub-terms so widely that the nested form cost 10× more solver time on Paxos.
    const h = this.s.bool(`holds:${key}`);
    this.s.add(this.s.iff(h, f));
    return h;
  }

  private delivered(from: string, to: string, sendTime: number): Formula {
    if (from === to) return this.s.constant(true);
    const parts: Formula[] = [];
    const omit = this.faultVars.get(faultKey({ kind: 'omit', from, to, time: sendTime }));
    if (omit) parts.push(this.s.not(omit.v));
    for (const c of this.crashVarsByNode.get(from) ?? []) if (c.time <= sendTime) parts.push(this.s.not(c.v));
    return this.s.and(parts);
  }

  private leaf(v: LineageVertex): Formula | undefined {
    switch (v.kind) {
      case 'message':
        return this.delivered(v.from, v.to, v.sendTime);
      case 'lost':
        return this.s.not(this.delivered(v.from, v.to, v.sendTime));
      case 'crash': {
        if (v.time === undefined) return this.s.or((this.crashVarsByNode.get(v.node) ?? []).map((c) => c.v));
        const c = this.faultVars.get(faultKey({ kind: 'crash', node: v.node, time: v.time }));
        return c ? c.v : this.s.constant(false);
      }
      case 'no-crash': {
        const matching: Formula[] = [];
        for (const [node, list] of this.crashVarsByNode) {
          if (v.node !== undefined && node !== v.node) continue;
          for (const c of list) if ((v.time === undefined || c.time === v.time) && (v.until === undefined || c.time <= v.until)) matching.push(c.v);
        }
        return this.s.not(this.s.or(matching));
      }
      default:
        return undefined;
    }
  }

  /** Vertices in a strongly connected component of size > 1 (Kosaraju, iterative). */
  private findCycles(): void {
    const order = postOrder(this.g);
    const comp = new Map<string, number>();
    let id = 0;
    for (let i = order.length - 1; i >= 0; i--) {
      const root = order[i];
      if (comp.has(root)) continue;
      const members: string[] = [];
      const stack = [root];
      comp.set(root, id);
      while (stack.length) {
        const x = stack.pop()!;
        members.push(x);
        for (const p of this.g.inNeighbors(x)) {
          if (!comp.has(p)) {
            comp.set(p, id);
            stack.push(p);
          }
        }
      }
      if (members.length > 1) for (const m of members) this.cyclic.add(m);
      id++;
    }
    this.componentOf = comp;
  }
  private componentOf = new Map<string, number>();

  /** Least-fixpoint constraints for cyclic vertices; empty for acyclic graphs. */
  cycleConstraints(): Formula[] {
    const out: Formula[] = [];
    for (const key of this.cyclic) {
      const v = this.g.getNodeAttributes(key);
      const me = this.s.bool(`holds:${key}`);
      const myRank = this.s.int(`rank:${key}`);
      const children = this.g.outNeighbors(key);
      const ranked = children.map((c) => {
        const hc = this.holds(c);
        return this.componentOf.get(c) === this.componentOf.get(key) ? this.s.and([hc, this.s.less(this.s.int(`rank:${c}`), myRank)]) : hc;
      });
      const plain = children.map((c) => this.holds(c));
      if (v.kind === 'goal' || v.kind === 'blocked') {
        if (v.kind === 'goal' && v.edb) {
          out.push(me);
          continue;
        }
        out.push(this.s.implies(me, this.s.or(ranked)));
        for (const p of plain) out.push(this.s.implies(p, me));
      } else {
        out.push(this.s.implies(me, this.s.and(ranked)));
        out.push(this.s.implies(this.s.and(plain), me));
      }
    }
    return out;
  }
}
