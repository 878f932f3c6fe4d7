import type { LineageGraph, LineageVertex } from '../model/lineage.ts';

export interface WhyOptions {
  /** Stop expanding below this depth. */
  maxDepth?: number;
}

/**
 * "How did I get here": the derivation tree of a goal with every alternative, as terminal text.
 * A sub-tree that was already printed is referred to, not repeated (the graph is a DAG, and
 * persistence chains share most of their history). A tuple carried from step to step by persistence
 * alone is one line (`log(b,hello)@2..4`, `not stored(s,7)@2..5`). For an absent tuple, the root
 * cause comes first: the earliest lost message or crash its absence rests on.
 */
export function formatWhyTree(g: LineageGraph, root: string, opts: WhyOptions = {}): string {
  const maxDepth = opts.maxDepth ?? 64;
  const lines: string[] = [];
  const cause = rootCause(g, root);
  if (cause) lines.push(`root cause: ${cause}`, '');
  const shown = new Set<string>();
  // Iterative: lineage can be deeper than the call stack.
  const stack: { key: string; prefix: string; childPrefix: string; depth: number }[] = [{ key: root, prefix: '', childPrefix: '', depth: 0 }];
  while (stack.length) {
    const { key, prefix, childPrefix, depth } = stack.pop()!;
    const chain = persistenceChain(g, key);
    const last = chain[chain.length - 1];
    const v = g.getNodeAttributes(last);
    const children = g.outNeighbors(last);
    const head = chain.length > 1 ? folded(g, chain) : describe(v, children.length);
    if (children.length > 0 && shown.has(key)) {
      lines.push(`${prefix}${head}  ↑ (shown above)`);
      continue;
    }
    lines.push(prefix + head);
    if (children.length === 0) continue;
    shown.add(key);
    if (depth >= maxDepth) {
      lines.push(`${childPrefix}└─ … (deeper; raise --depth)`);
      continue;
    }
    for (let i = children.length - 1; i >= 0; i--) {
      const end = i === children.length - 1;
      stack.push({ key: children[i], prefix: `${childPrefix}${end ? '└─ ' : '├─ '}`, childPrefix: `${childPrefix}${end ? '   ' : '│  '}`, depth: depth + 1 });
    }
  }
  return lines.join('\n');
}

/** `name@t` → [name, t]. */
function at(label: string): [string, number] | undefined {
  const m = /^(.*)@(\d+)$/.exec(label);
  return m ? [m[1], Number(m[2])] : undefined;
}

/**
 * The vertices of a persistence chain from `key` down: the same tuple (present or absent) one step
 * earlier, through a single `@next` rule and nothing else. A chain of one is no chain.
 */
function persistenceChain(g: LineageGraph, key: string): string[] {
  const chain = [key];
  for (;;) {
    const top = chain[chain.length - 1];
    const v = g.getNodeAttributes(top);
    const here = at(v.label);
    if (!here || (v.kind !== 'goal' && v.kind !== 'absent')) return chain;
    const via = g.outNeighbors(top);
    if (via.length !== 1) return chain;
    const step = g.getNodeAttributes(via[0]);
    const rule = step.kind === 'firing' ? step.rule : step.kind === 'blocked' ? step.label : '';
    if (!/@next\b/.test(rule)) return chain;
    const below = g.outNeighbors(via[0]);
    if (below.length !== 1) return chain;
    const next = g.getNodeAttributes(below[0]);
    const there = at(next.label);
    if (next.kind !== v.kind || !there || there[0] !== here[0] || there[1] !== here[1] - 1) return chain;
    chain.push(below[0]);
  }
}

/** One line for a chain: the tuple over its steps, then what the earliest step rests on. */
function folded(g: LineageGraph, chain: readonly string[]): string {
  const first = g.getNodeAttributes(chain[0]);
  const last = g.getNodeAttributes(chain[chain.length - 1]);
  const [name, to] = at(first.label)!;
  const [, from] = at(last.label)!;
  const rest = describe(last, g.outDegree(chain[chain.length - 1])).slice(last.label.length);
  const what = first.kind === 'absent' ? 'absent at every step: persistence had nothing to carry' : 'carried by persistence';
  return `${name}@${from}..${to}  (${what})${rest}`;
}

/**
 * The earliest fault an absence rests on: a message that stays lost, or a crash, with the smallest
 * time among the leaves below `root` (undefined when the root holds or no fault is below it).
 */
function rootCause(g: LineageGraph, root: string): string | undefined {
  if (g.getNodeAttributes(root).kind !== 'absent') return undefined;
  let best: { time: number; text: string } | undefined;
  const seen = new Set([root]);
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    const v = g.getNodeAttributes(queue[i]);
    const found =
      v.kind === 'lost'
        ? { time: v.sendTime, text: v.label.startsWith('message ') ? v.label : `message ${v.from}→${v.to} sent @${v.sendTime} was lost` }
        : v.kind === 'crash'
          ? { time: v.time ?? 0, text: `${v.node} crashed${v.time !== undefined ? ` @${v.time}` : ''}` }
          : undefined;
    if (found && (!best || found.time < best.time)) best = found;
    for (const c of g.outNeighbors(queue[i])) if (!seen.has(c)) (seen.add(c), queue.push(c));
  }
  return best?.text;
}

function describe(v: LineageVertex, childCount: number): string {
  switch (v.kind) {
    case 'goal':
      if (v.edb) return `${v.label}  (fact)`;
      return childCount > 1 ? `${v.label}  — ${childCount} alternative derivations, any one suffices` : v.label;
    case 'firing':
      return `by rule ${v.rule}${childCount > 1 ? ', needing all of:' : ''}`;
    case 'message':
      return `message ${v.from}→${v.to} sent @${v.sendTime}, ${v.deliverTime === undefined ? 'not lost' : `delivered @${v.deliverTime}`}`;
    case 'lost':
      // Code lineage names what was lost and by which fault; Dedalus's label is the bare message.
      return v.label.startsWith('message ') ? v.label : `message ${v.from}→${v.to} sent @${v.sendTime} stays lost`;
    case 'absent':
      return childCount > 0 ? `${v.label}  — absent while all of these block it:` : `${v.label}  — nothing could derive it`;
    case 'blocked':
      return `${v.label}, blocked by any of:`;
    case 'no-crash':
      return `${v.label}`;
    case 'crash':
      // A Dedalus crash tuple is a fact of the run; code names what happened in words.
      return v.label.startsWith('crash') ? `${v.label} (crash fact)` : v.label;
  }
}
