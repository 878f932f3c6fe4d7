import { lossText, payloadText } from './payload-text.ts';
import type { Payload } from './outputs.ts';
import { ensureEdge, ensureVertex, messageKey, newLineageGraph, noCrashKey, type LineageGraph } from '../../model/lineage.ts';
import { expandDeps, type MessageEntry, type OutputEntry, type CodeExecution } from './execution.ts';

/** Goal keys of outputs: the node, the value, and which occurrence of that value it is. */
export function outputKeys(exec: CodeExecution): string[] {
  const seen = new Map<string, number>();
  return exec.outputs.map((o) => {
    const base = `out:${o.node}:${JSON.stringify(o.value)}`;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return `${base}#${k}`;
  });
}

function messageGoalKey(m: MessageEntry): string {
  return `deliver:${m.ref.from}→${m.ref.to}@${m.ref.sentAt}:${JSON.stringify(m.ref.payload)}`;
}

/**
 * Lineage of a simulated run: an output holds if everything it depends on holds; a delivered
 * message holds if it was not lost (sender up when sending, no omission), its receiver was up to take
 * it, and what the sender's action depended on holds. Inputs are given: they always hold.
 */
export function buildSimLineage(exec: CodeExecution, opts: { after?: boolean } = {}): LineageGraph {
  const g = newLineageGraph();
  const outKeys = outputKeys(exec);

  // With `after` (for "how did I get here"), an action also needs the losses it came after to stay
  // lost: a retry exists because the answer it waited for was lost.
  const lostChildren = (ids: readonly number[] | undefined): string[] => {
    if (!opts.after || !ids) return [];
    const out: string[] = [];
    for (const id of ids) {
      const c = exec.causes.get(id);
      if (c?.kind !== 'message') continue;
      const m = c.record;
      const key = `lost:${messageGoalKey(m)}`;
      const label = `message ${m.ref.from}→${m.ref.to} sent @${m.ref.sentAt} ${lossText(m)}: ${short(m.ref.payload)}${m.reason ? ` (${m.reason})` : ''}`;
      ensureVertex(g, key, { kind: 'lost', label, from: m.ref.from, to: m.ref.to, sendTime: m.ref.sentAt });
      out.push(key);
    }
    return out;
  };

  const depsChildren = (ids: readonly number[]): string[] => {
    const out: string[] = [];
    for (const id of ids) {
      const c = exec.causes.get(id);
      if (c?.kind === 'message' && c.record.status === 'delivered') out.push(message(c.record));
    }
    return out;
  };

  const message = (m: MessageEntry): string => {
    const key = messageGoalKey(m);
    if (g.hasNode(key)) return key;
    const label = `${m.ref.from}→${m.ref.to} @${m.ref.sentAt}: ${short(m.ref.payload)}`;
    g.addNode(key, { kind: 'goal', label: `deliver ${label}`, relation: 'message', time: m.deliverAt, edb: false });
    const children = [...depsChildren(expandDeps(m.deps)), ...lostChildren(m.after)];
    if (m.ref.from !== m.ref.to) {
      const leaf = messageKey(m.ref.from, m.ref.to, m.ref.sentAt);
      ensureVertex(g, leaf, { kind: 'message', label: `${m.ref.from}→${m.ref.to} @${m.ref.sentAt}`, from: m.ref.from, to: m.ref.to, sendTime: m.ref.sentAt });
      children.push(leaf);
      const alive = noCrashKey(m.ref.to, undefined, m.deliverAt);
      ensureVertex(g, alive, { kind: 'no-crash', label: `${m.ref.to} up @${m.deliverAt}`, node: m.ref.to, until: m.deliverAt });
      children.push(alive);
    }
    const fkey = `send:${key}<-${children.join('&')}`;
    ensureVertex(g, fkey, { kind: 'firing', label: `sent by ${m.ref.from}`, rule: `send by ${m.ref.from}`, time: m.ref.sentAt });
    for (const c of children) ensureEdge(g, fkey, c);
    ensureEdge(g, key, fkey);
    return key;
  };

  exec.outputs.forEach((o: OutputEntry, i) => {
    const key = outKeys[i];
    if (!g.hasNode(key)) g.addNode(key, { kind: 'goal', label: `output ${o.node}: ${short(o.value)}`, relation: 'output', time: o.at, edb: false });
    const children = [...depsChildren(expandDeps(o.deps)), ...lostChildren(o.after)];
    const fkey = `out:${key}<-${children.join('&')}`;
    ensureVertex(g, fkey, { kind: 'firing', label: `output by ${o.node} @${o.at}`, rule: `output by ${o.node}`, time: o.at });
    for (const c of children) ensureEdge(g, fkey, c);
    ensureEdge(g, key, fkey);
  });
  return g;
}

function short(v: unknown): string {
  const s = payloadText(v as Payload);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
