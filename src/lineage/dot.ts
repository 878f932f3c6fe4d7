import type { LineageGraph, LineageVertex } from '../model/lineage.ts';

/** The lineage reachable from `root` as Graphviz DOT: goals as boxes, firings as ellipses, leaves coloured. */
export function toDot(g: LineageGraph, root: string): string {
  const ids = new Map<string, string>();
  const id = (k: string) => {
    let x = ids.get(k);
    if (!x) ids.set(k, (x = `v${ids.size}`));
    return x;
  };
  const lines = ['digraph lineage {', '  rankdir=TB;', '  node [fontname="Helvetica", fontsize=10];'];
  const seen = new Set<string>([root]);
  const queue = [root];
  while (queue.length) {
    const key = queue.shift()!;
    const v = g.getNodeAttributes(key);
    lines.push(`  ${id(key)} [label=${quote(v.label)}, ${style(v)}];`);
    for (const c of g.outNeighbors(key)) {
      lines.push(`  ${id(key)} -> ${id(c)};`);
      if (!seen.has(c)) {
        seen.add(c);
        queue.push(c);
      }
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function style(v: LineageVertex): string {
  switch (v.kind) {
    case 'goal':
      return v.edb ? 'shape=box, style=filled, fillcolor="#e8e8e8"' : 'shape=box';
    case 'firing':
      return 'shape=ellipse, fontsize=8';
    case 'message':
      return 'shape=cds, style=filled, fillcolor="#cfe8ff"';
    case 'lost':
      return 'shape=cds, style=filled, fillcolor="#ffd0d0"';
    case 'crash':
    case 'no-crash':
      return 'shape=octagon, style=filled, fillcolor="#fff0c0"';
    default:
      return 'shape=hexagon';
  }
}

function quote(s: string): string {
  return JSON.stringify(s);
}
