import type { LineageGraph, LineageVertex } from '../model/lineage.ts';

export interface WhyOptions {
  /** Stop expanding below this depth. */
  maxDepth?: number;
}

/**
 * "How did I get here": the derivation tree of a goal with every alternative, as terminal text.
 * A sub-tree that was already printed is referred to, not repeated (the graph is a DAG, and
 * persistence chains share most of their history).
 */
export function formatWhyTree(g: LineageGraph, root: string, opts: WhyOptions = {}): string {
  const maxDepth = opts.maxDepth ?? 64;
  const lines: string[] = [];
  const shown = new Set<string>();
  const walk = (key: string, prefix: string, childPrefix: string, depth: number) => {
    const v = g.getNodeAttributes(key);
    const children = g.outNeighbors(key);
    const expandable = children.length > 0;
    if (expandable && shown.has(key)) {
      lines.push(`${prefix}${describe(v, children.length)}  ↑ (shown above)`);
      return;
    }
    lines.push(prefix + describe(v, children.length));
    if (!expandable) return;
    shown.add(key);
    if (depth >= maxDepth) {
      lines.push(`${childPrefix}└─ … (deeper; raise --depth)`);
      return;
    }
    children.forEach((c, i) => {
      const last = i === children.length - 1;
      walk(c, `${childPrefix}${last ? '└─ ' : '├─ '}`, `${childPrefix}${last ? '   ' : '│  '}`, depth + 1);
    });
  };
  walk(root, '', '', 0);
  return lines.join('\n');
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
      return `message ${v.from}→${v.to} sent @${v.sendTime} stays lost`;
    case 'absent':
      return childCount > 0 ? `${v.label}  — absent while all of these block it:` : `${v.label}  — nothing could derive it`;
    case 'blocked':
      return `${v.label}, blocked by any of:`;
    case 'no-crash':
      return `${v.label}`;
    case 'crash':
      return `${v.label} (crash fact)`;
  }
}
