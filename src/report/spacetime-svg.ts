import type { FaultSet } from '../model/faults.ts';
import type { MessageRecord } from '../model/target.ts';

/** Escapes text for HTML content and attribute values (program text can hold < & " '). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const TOP = 44; // room for node names
const LEFT = 48; // room for the @t labels
const ROW = 64; // one logical step
const BOTTOM = 24;
const LABEL_MAX = 28; // longer contents are cut; the full text is in the tooltip
const LOST_AT = 0.6; // an omitted message stops this far along its path, where it is lost

const COLOR = { delivered: '#1f4e8c', omitted: '#c62828', crashed: '#9e9e9e', lane: '#424242', grid: '#e0e0e0' };

const STATUS_TEXT: Record<MessageRecord['status'], string> = {
  delivered: 'delivered',
  omitted: 'LOST (omitted)',
  'sender-crashed': 'not sent (sender crashed)',
};

interface Layout {
  readonly x: (node: string) => number;
  readonly y: (t: number) => number;
  readonly width: number;
  readonly height: number;
  readonly lastStep: number;
}

/**
 * A space-time diagram as inline SVG: one lane per node, time flowing down, one arrow per message
 * between distinct nodes (self-messages are local state and cannot fail). Colours are attributes,
 * not page CSS, so the diagram still reads if copied out of the page. `id` keeps marker ids unique
 * when a page holds several diagrams.
 */
export function spaceTimeSvg(messages: readonly MessageRecord[], faults: FaultSet, nodes: readonly string[], eot: number, id: string): string {
  const wire = messages.filter((m) => m.from !== m.to);
  const lanes = laneNodes(nodes, wire, faults);
  const layout = computeLayout(lanes, wire, faults, eot);
  const crashes = new Map<string, number>();
  for (const f of faults) if (f.kind === 'crash') crashes.set(f.node, Math.min(f.time, crashes.get(f.node) ?? Infinity));
  const labelAt = labelFractions(wire, lanes);
  const parts = [
    `<svg class="spacetime" role="img" aria-label="space-time diagram" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11">`,
    markers(id),
    ...timeGrid(layout),
    ...lanes.map((n) => lane(n, layout, crashes.get(n))),
    ...wire.map((m, i) => arrow(m, layout, labelAt[i], id)),
    ...[...crashes].map(([n, t]) => crashMark(n, t, layout)),
    wire.length === 0 ? `<text x="${LEFT}" y="${layout.height - 6}" fill="${COLOR.crashed}">(no messages between nodes)</text>` : '',
    '</svg>',
  ];
  return parts.filter((p) => p !== '').join('\n');
}

/** The bounds' nodes first, in their order; then any other node a message or fault names, so nothing is dropped. */
function laneNodes(nodes: readonly string[], wire: readonly MessageRecord[], faults: FaultSet): string[] {
  const out = [...nodes];
  const add = (n: string) => {
    if (!out.includes(n)) out.push(n);
  };
  for (const m of wire) (add(m.from), add(m.to));
  for (const f of faults) if (f.kind === 'crash') add(f.node);
  return out;
}

function computeLayout(lanes: readonly string[], wire: readonly MessageRecord[], faults: FaultSet, eot: number): Layout {
  const longest = Math.max(8, ...wire.map((m) => Math.min(m.content.length, LABEL_MAX)), ...lanes.map((n) => n.length));
  const gap = Math.min(260, Math.max(140, longest * 7 + 40)); // wide enough for one label between lanes
  const times = [eot, ...wire.map((m) => Math.max(m.sendTime, m.deliverTime)), ...faults.map((f) => f.time)];
  const lastStep = Math.max(1, ...times);
  const index = new Map(lanes.map((n, i) => [n, i]));
  const y = (t: number) => TOP + 16 + (t - 1) * ROW;
  return {
    x: (n) => LEFT + gap / 2 + (index.get(n) ?? 0) * gap,
    y,
    width: LEFT + Math.max(1, lanes.length) * gap,
    height: y(lastStep) + BOTTOM,
    lastStep,
  };
}

/**
 * Where along its arrow each message's label starts. Labels start at the sender's end, so two arrows
 * crossing in opposite directions keep their labels apart; arrows leaving one node at one step fan
 * out from the same point, so their labels are staggered along them.
 */
function labelFractions(wire: readonly MessageRecord[], lanes: readonly string[]): number[] {
  const groups = new Map<string, number[]>();
  wire.forEach((m, i) => {
    const key = `${m.from}\u0000${m.sendTime}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const at: number[] = new Array(wire.length).fill(0.06);
  for (const members of groups.values()) {
    // Outermost arrow first: its label has open space beside it; inner ones sit in a wedge that widens further out.
    const offset = (i: number) => lanes.indexOf(wire[i].to) - lanes.indexOf(wire[i].from);
    members.sort((a, b) => offset(b) - offset(a) || a - b);
    members.forEach((i, k) => (at[i] = 0.06 + (0.4 * k) / members.length));
  }
  return at;
}

function markers(id: string): string {
  const head = (suffix: string, color: string) =>
    `<marker id="${id}-${suffix}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
  return `<defs>${head('arrow', COLOR.delivered)}${head('arrow-grey', COLOR.crashed)}</defs>`;
}

function timeGrid(l: Layout): string[] {
  const out: string[] = [];
  for (let t = 1; t <= l.lastStep; t++) {
    out.push(`<line x1="${LEFT - 8}" y1="${l.y(t)}" x2="${l.width - 8}" y2="${l.y(t)}" stroke="${COLOR.grid}" stroke-width="1"/>`);
    out.push(`<text x="${LEFT - 12}" y="${l.y(t) + 4}" text-anchor="end" fill="${COLOR.lane}">@${t}</text>`);
  }
  return out;
}

/** A lane is drawn faint from its crash on: the node still computes but sends nothing. */
function lane(node: string, l: Layout, crashedAt: number | undefined): string {
  const x = l.x(node);
  const top = l.y(1) - 10;
  const bottom = l.y(l.lastStep) + 10;
  const split = crashedAt === undefined ? bottom : Math.min(bottom, l.y(crashedAt));
  const name = `<text class="node" x="${x}" y="${TOP - 14}" text-anchor="middle" font-weight="bold" font-size="13" fill="${COLOR.lane}">${escapeHtml(node)}</text>`;
  const alive = `<line x1="${x}" y1="${top}" x2="${x}" y2="${split}" stroke="${COLOR.lane}" stroke-width="2"/>`;
  const dead = split < bottom ? `<line x1="${x}" y1="${split}" x2="${x}" y2="${bottom}" stroke="${COLOR.crashed}" stroke-width="2" stroke-opacity="0.5"/>` : '';
  return name + alive + dead;
}

function arrow(m: MessageRecord, l: Layout, labelAt: number, id: string): string {
  const [x1, y1, x2, y2] = [l.x(m.from), l.y(m.sendTime), l.x(m.to), l.y(m.deliverTime)];
  const at = (f: number) => [round(x1 + (x2 - x1) * f), round(y1 + (y2 - y1) * f)] as const;
  const title = `<title>${escapeHtml(`${m.from}→${m.to} sent @${m.sendTime}, due @${m.deliverTime}: ${m.content} — ${STATUS_TEXT[m.status]}`)}</title>`;
  let body: string;
  if (m.status === 'omitted') {
    const [ex, ey] = at(LOST_AT);
    body = `<line x1="${x1}" y1="${y1}" x2="${ex}" y2="${ey}" stroke="${COLOR.omitted}" stroke-width="2" stroke-dasharray="6 4"/>` + cross(ex, ey);
  } else {
    const grey = m.status === 'sender-crashed';
    const color = grey ? COLOR.crashed : COLOR.delivered;
    body = `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${color}" stroke-width="${grey ? 1.5 : 2}" marker-end="url(#${id}-${grey ? 'arrow-grey' : 'arrow'})"/>`;
  }
  const [lx, ly] = at(labelAt);
  // Written along the arrow, so a label never crosses its own arrow, and never upside down. Leftward
  // arrows carry theirs below: where two arrows cross, the labels then sit in different wedges.
  const leftward = x2 < x1;
  const angle = round((Math.atan2(leftward ? y1 - y2 : y2 - y1, Math.abs(x2 - x1)) * 180) / Math.PI);
  const color = m.status === 'omitted' ? COLOR.omitted : m.status === 'delivered' ? COLOR.delivered : COLOR.crashed;
  // The white halo keeps a label legible where it crosses a lane or another arrow.
  const label =
    `<text x="${lx}" y="${leftward ? ly + 12 : ly - 5}" transform="rotate(${angle} ${lx} ${ly})" text-anchor="${leftward ? 'end' : 'start'}" fill="${color}" stroke="#fff" stroke-width="3" paint-order="stroke">` +
    `${escapeHtml(shorten(m.content))}</text>`;
  return `<g class="msg ${m.status}" data-status="${m.status}">${title}${body}${label}</g>`;
}

function cross(x: number, y: number, r = 5): string {
  const stroke = `stroke="${COLOR.omitted}" stroke-width="2.5"`;
  return `<path class="lost" d="M${x - r},${y - r} L${x + r},${y + r} M${x - r},${y + r} L${x + r},${y - r}" ${stroke}/>`;
}

function crashMark(node: string, time: number, l: Layout): string {
  const [x, y] = [l.x(node), l.y(time)];
  const title = `<title>${escapeHtml(`crash ${node} @${time}: sends nothing from now on`)}</title>`;
  const mark = `<rect x="${x - 14}" y="${y - 5}" width="28" height="10" rx="2" fill="${COLOR.omitted}"/>`;
  // Left of the lane: arrows leaving the node, and their labels, start on the right.
  const text = `<text x="${x - 18}" y="${y + 4}" text-anchor="end" fill="${COLOR.omitted}" font-weight="bold" stroke="#fff" stroke-width="3" paint-order="stroke">crash</text>`;
  return `<g class="crash" data-node="${escapeHtml(node)}" data-time="${time}">${title}${mark}${text}</g>`;
}

function shorten(s: string): string {
  return s.length <= LABEL_MAX ? s : `${s.slice(0, LABEL_MAX - 1)}…`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
