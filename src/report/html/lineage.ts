import dagre from '@dagrejs/dagre';
import type { Fault, FaultSet } from '../../model/faults.ts';
import type { DrawnVertex, OutcomeLineage } from '../details.ts';
import { LINEAGE_CSS } from './css.ts';
import { esc } from './escape.ts';
import { payloadText } from './labels.ts';

/** Longer vertex labels are cut with …; the full label is on hover. */
const VERTEX_LABEL_MAX = 44;
/** The page's content width, and the smallest scale a graph is shrunk to before it scrolls instead. */
const PAGE_WIDTH = 1150;
const FIT_SCALE = 0.6;

/** How each kind of vertex is named in the picture (the lineage graph's kinds, src/model/lineage.ts). */
function vertexText(v: DrawnVertex): string {
  switch (v.kind) {
    case 'goal':
      return shortPayload(v.label);
    case 'firing':
      return withFileName(v.rule);
    case 'message':
      return `${v.from}→${v.to} @${v.sendTime}`;
    case 'no-crash':
      return `${v.node ?? 'every node'} alive${v.until !== undefined ? ` until @${v.until}` : v.time !== undefined ? ` @${v.time}` : ''}`;
    case 'crash':
      return `crash ${v.node}${v.time !== undefined ? ` @${v.time}` : ''}`;
    case 'absent':
      return v.label;
    case 'blocked':
      return withFileName(v.label);
    case 'lost':
      return `lost ${v.from}→${v.to} @${v.sendTime}`;
  }
}

/** A rule named with its file's name and line, not its whole path: `log@next :- log (broadcast.ded:6)`. */
function withFileName(rule: string): string {
  return rule.replace(/\(([^()]*\/)?([^()/]+:\d+)\)$/, '($2)');
}

/** Whether a fault set removes this leaf: an omission of its message, a crash of its sender or node in time. */
export function cutBy(v: DrawnVertex, faults: FaultSet): boolean {
  const crashedBy = (node: string | undefined, t: number) => faults.some((f: Fault) => f.kind === 'crash' && (node === undefined || f.node === node) && f.time <= t);
  if (v.kind === 'message') {
    return faults.some((f) => f.kind === 'omit' && f.from === v.from && f.to === v.to && f.time === v.sendTime) || crashedBy(v.from, v.sendTime);
  }
  if (v.kind === 'no-crash') return crashedBy(v.node, v.until ?? v.time ?? Infinity);
  return false;
}

/**
 * An outcome's derivation graph as inline SVG, laid out top-down by dagre (the outcome on top, what
 * it depends on below): goals with several firings are OR branches (marked OR), firings are AND over
 * what they need, and leaves are message deliveries and nodes staying alive. `cut` marks the leaves a
 * fault set removed; `support` marks the leaves of a support (for "why resilient").
 */
export function lineageSvg(l: OutcomeLineage, marks: { cut?: ReadonlySet<string>; support?: ReadonlySet<string> } = {}, opts: { standalone?: boolean } = {}): string {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 34, marginx: 8, marginy: 16 }); // room above for the OR badges
  g.setDefaultEdgeLabel(() => ({}));
  const outDegree = new Map<string, number>();
  for (const [from] of l.edges) outDegree.set(from, (outDegree.get(from) ?? 0) + 1);
  const texts = new Map(l.vertices.map((v) => [v.id, cutText(vertexText(v))]));
  for (const v of l.vertices) g.setNode(v.id, { width: texts.get(v.id)!.length * 6.6 + 18, height: 24 });
  for (const [from, to] of l.edges) g.setEdge(from, to);
  dagre.layout(g);
  const graph = g.graph();
  const width = Math.ceil(graph.width ?? 0);
  const height = Math.ceil(graph.height ?? 0);
  // A wide graph is scaled to the page down to FIT_SCALE (the text stays legible); wider still, it scrolls.
  const fit = !opts.standalone && width > PAGE_WIDTH && width * FIT_SCALE <= PAGE_WIDTH;
  const size = fit ? 'width="100%"' : `width="${width}" height="${height}"`;
  const ns = opts.standalone ? ' xmlns="http://www.w3.org/2000/svg"' : '';
  const parts = [`<svg${ns} class="lineage" role="img" aria-label="lineage of ${esc(l.outcome)}" ${size} viewBox="0 0 ${width} ${height}">`];
  for (const [from, to] of l.edges) {
    const points = g.edge(from, to).points;
    parts.push(`<path class="edge" d="M${points.map((p: { x: number; y: number }) => `${round(p.x)},${round(p.y)}`).join('L')}"/>`);
  }
  for (const v of l.vertices) {
    const n = g.node(v.id);
    const or = v.kind === 'goal' && (outDegree.get(v.id) ?? 0) > 1;
    const classes = ['v', v.kind, or ? 'or' : '', marks.cut?.has(v.id) ? 'cut' : '', marks.support?.has(v.id) ? 'support' : '', v.id === l.outcome ? 'root' : ''].filter(Boolean).join(' ');
    const [x, y] = [round(n.x - n.width / 2), round(n.y - n.height / 2)];
    parts.push(
      `<g class="${classes}" data-id="${esc(v.id)}"><title>${esc(`${vertexText(v)}${or ? ' — OR: any one of its firings derives it' : v.kind === 'firing' ? ' — AND: needs everything below' : ''}`)}</title>` +
        `<rect x="${x}" y="${y}" width="${round(n.width)}" height="${n.height}" rx="${v.kind === 'firing' ? 12 : 3}"/>` +
        `<text x="${round(n.x)}" y="${round(n.y + 4)}">${esc(texts.get(v.id)!)}</text>` +
        (or ? `<text class="badge" x="${round(x + n.width - 2)}" y="${y - 3}">OR</text>` : '') +
        '</g>',
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** A sim or tcp goal names a payload as JSON (`deliver a→b @3: {"kind":"inc","id":"r2"}`): shown by the label rule (`inc id=r2`). */
function shortPayload(label: string): string {
  const at = label.search(/: [{"[]/);
  return at < 0 ? label : `${label.slice(0, at)}: ${payloadText(label.slice(at + 2))}`;
}

function cutText(s: string): string {
  return s.length <= VERTEX_LABEL_MAX ? s : `${s.slice(0, VERTEX_LABEL_MAX - 1)}…`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** A lineage picture as a file of its own (`ldfi why --svg`): the SVG with its styles inside. */
export function lineageSvgDocument(l: OutcomeLineage, marks: { cut?: ReadonlySet<string>; support?: ReadonlySet<string> } = {}): string {
  const svg = lineageSvg(l, marks, { standalone: true });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg.replace('>', `><style>${LINEAGE_CSS}</style>`)}\n`;
}
