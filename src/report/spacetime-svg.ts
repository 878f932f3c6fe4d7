import { formatFault } from '../injector/text.ts';
import { faultStart, type Fault, type FaultSet } from '../model/faults.ts';
import type { MessageRecord } from '../model/target.ts';

/** Escapes text for HTML content and attribute values (program text can hold < & " '). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const TOP = 44; // room for node names
const LEFT = 56; // room for the @t labels
const BOTTOM = 24;
const LINEAR_STEPS = 24; // up to this many steps, one row per step; beyond (sim: virtual ms), one row per event time
const LABEL_MAX = 28; // longer contents are cut; the full text is in the tooltip
const LOST_AT = 0.6; // an omitted message stops this far along its path, where it is lost

const COLOR = { delivered: '#1f4e8c', lost: '#c62828', grey: '#9e9e9e', lane: '#424242', grid: '#e0e0e0' };

const STATUS_TEXT: Record<MessageRecord['status'], string> = {
  delivered: 'delivered',
  omitted: 'LOST (omitted)',
  'sender-crashed': 'not sent (sender crashed)',
  'receiver-down': 'LOST (receiver down)',
  'in-flight': 'in flight at end of time',
};

interface Layout {
  readonly x: (node: string) => number;
  readonly y: (t: number) => number;
  readonly ticks: readonly number[];
  readonly row: number;
  readonly width: number;
  readonly height: number;
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
    ...faults.map((f) => windowMark(f, layout, lanes)),
    ...lanes.map((n) => lane(n, layout, crashes.get(n))),
    ...wire.map((m, i) => arrow(m, layout, labelAt[i], id)),
    ...[...crashes].map(([n, t]) => crashMark(n, t, layout)),
    wire.length === 0 ? `<text x="${LEFT}" y="${layout.height - 6}" fill="${COLOR.grey}">(no messages between nodes)</text>` : '',
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
  for (const f of faults) if (f.kind === 'crash' || f.kind === 'restart') add(f.node);
  return out;
}

/** A message that never arrived may carry no meaningful delivery time (the sim target leaves 0). */
function arrives(m: MessageRecord): boolean {
  return m.deliverTime >= m.sendTime;
}

function faultTimes(f: Fault): number[] {
  return 'end' in f ? [f.start, f.end] : [faultStart(f)];
}

function computeLayout(lanes: readonly string[], wire: readonly MessageRecord[], faults: FaultSet, eot: number): Layout {
  const longest = [...wire.map((m) => Math.min(m.content.length, LABEL_MAX)), ...lanes.map((n) => n.length)].reduce((m, x) => Math.max(m, x), 8);
  const gap = Math.min(260, Math.max(140, longest * 7 + 40)); // wide enough for one label between lanes
  const times = [eot, ...wire.flatMap((m) => (arrives(m) ? [m.sendTime, m.deliverTime] : [m.sendTime])), ...faults.flatMap(faultTimes)];
  // Reduced, not spread: a long run has more times than a call takes arguments.
  const first = times.reduce((m, x) => Math.min(m, x), 1);
  const last = times.reduce((m, x) => Math.max(m, x), -Infinity);
  const linear = last - first <= LINEAR_STEPS;
  const ticks = linear ? Array.from({ length: last - first + 1 }, (_, i) => first + i) : [...new Set(times)].sort((a, b) => a - b);
  const row = linear ? 64 : 44;
  const rank = new Map(ticks.map((t, i) => [t, i]));
  const y = (t: number) => TOP + 16 + (rank.get(t) ?? 0) * row;
  const index = new Map(lanes.map((n, i) => [n, i]));
  return {
    x: (n) => LEFT + gap / 2 + (index.get(n) ?? 0) * gap,
    y,
    ticks,
    row,
    width: LEFT + Math.max(1, lanes.length) * gap,
    height: y(last) + BOTTOM,
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
  return `<defs>${head('arrow', COLOR.delivered)}${head('arrow-grey', COLOR.grey)}</defs>`;
}

function timeGrid(l: Layout): string[] {
  return l.ticks.flatMap((t) => [
    `<line x1="${LEFT - 8}" y1="${l.y(t)}" x2="${l.width - 8}" y2="${l.y(t)}" stroke="${COLOR.grid}" stroke-width="1"/>`,
    `<text x="${LEFT - 12}" y="${l.y(t) + 4}" text-anchor="end" fill="${COLOR.lane}">@${t}</text>`,
  ]);
}

/** A lane is drawn faint from its crash on: the node still computes but sends nothing. */
function lane(node: string, l: Layout, crashedAt: number | undefined): string {
  const x = l.x(node);
  const top = l.y(l.ticks[0]) - 10;
  const bottom = l.y(l.ticks[l.ticks.length - 1]) + 10;
  const split = crashedAt === undefined ? bottom : Math.min(bottom, l.y(crashedAt));
  const name = `<text class="node" x="${x}" y="${TOP - 14}" text-anchor="middle" font-weight="bold" font-size="13" fill="${COLOR.lane}">${escapeHtml(node)}</text>`;
  const alive = `<line x1="${x}" y1="${top}" x2="${x}" y2="${split}" stroke="${COLOR.lane}" stroke-width="2"/>`;
  const dead = split < bottom ? `<line x1="${x}" y1="${split}" x2="${x}" y2="${bottom}" stroke="${COLOR.grey}" stroke-width="2" stroke-opacity="0.5"/>` : '';
  return name + alive + dead;
}

function arrow(m: MessageRecord, l: Layout, labelAt: number, id: string): string {
  const y1 = l.y(m.sendTime);
  const [x1, x2, y2] = [l.x(m.from), l.x(m.to), arrives(m) ? l.y(m.deliverTime) : y1 + l.row];
  const at = (f: number) => [round(x1 + (x2 - x1) * f), round(y1 + (y2 - y1) * f)] as const;
  const fate = `${STATUS_TEXT[m.status]}${m.reason && m.status !== 'delivered' ? ` by ${m.reason}` : ''}`;
  const due = arrives(m) ? `, due @${m.deliverTime}` : '';
  const title = `<title>${escapeHtml(`${m.from}→${m.to} sent @${m.sendTime}${due}: ${m.content} — ${fate}`)}</title>`;
  const lost = m.status === 'omitted' || m.status === 'receiver-down';
  const grey = m.status === 'sender-crashed';
  let body: string;
  if (lost) {
    // Lost in transit: the arrow stops midway; lost at a receiver that is down: it reaches the lane.
    const [ex, ey] = m.status === 'omitted' ? at(LOST_AT) : [x2, y2];
    body = `<line x1="${x1}" y1="${y1}" x2="${ex}" y2="${ey}" stroke="${COLOR.lost}" stroke-width="2" stroke-dasharray="6 4"/>` + cross(ex, ey);
  } else {
    body = `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${grey ? COLOR.grey : COLOR.delivered}" stroke-width="${grey ? 1.5 : 2}" marker-end="url(#${id}-${grey ? 'arrow-grey' : 'arrow'})"/>`;
  }
  const color = lost ? COLOR.lost : grey ? COLOR.grey : COLOR.delivered;
  return `<g class="msg ${m.status}" data-status="${m.status}">${title}${body}${label(m.content, x1, y1, x2, y2, labelAt, color)}</g>`;
}

/**
 * Written along the arrow, so a label never crosses its own arrow, and never upside down. Leftward
 * arrows carry theirs below: where two arrows cross, the labels then sit in different wedges.
 */
function label(content: string, x1: number, y1: number, x2: number, y2: number, f: number, color: string): string {
  const [lx, ly] = [round(x1 + (x2 - x1) * f), round(y1 + (y2 - y1) * f)];
  const leftward = x2 < x1;
  const angle = round((Math.atan2(leftward ? y1 - y2 : y2 - y1, Math.abs(x2 - x1)) * 180) / Math.PI);
  // The white halo keeps a label legible where it crosses a lane or another arrow.
  return (
    `<text x="${lx}" y="${leftward ? ly + 12 : ly - 5}" transform="rotate(${angle} ${lx} ${ly})" text-anchor="${leftward ? 'end' : 'start'}" ` +
    `fill="${color}" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeHtml(shorten(content))}</text>`
  );
}

function cross(x: number, y: number, r = 5): string {
  return `<path class="lost" d="M${x - r},${y - r} L${x + r},${y + r} M${x - r},${y + r} L${x + r},${y - r}" stroke="${COLOR.lost}" stroke-width="2.5"/>`;
}

function crashMark(node: string, time: number, l: Layout): string {
  const [x, y] = [l.x(node), l.y(time)];
  const title = `<title>${escapeHtml(`crash ${node} @${time}: sends nothing from now on`)}</title>`;
  const mark = `<rect x="${x - 14}" y="${y - 5}" width="28" height="10" rx="2" fill="${COLOR.lost}"/>`;
  // Left of the lane: arrows leaving the node, and their labels, start on the right.
  const text = `<text x="${x - 18}" y="${y + 4}" text-anchor="end" fill="${COLOR.lost}" font-weight="bold" stroke="#fff" stroke-width="3" paint-order="stroke">crash</text>`;
  return `<g class="crash" data-node="${escapeHtml(node)}" data-time="${time}">${title}${mark}${text}</g>`;
}

/**
 * Faults that last a window (restart, disconnect, partition) as a faint band over the lanes they
 * touch; the lost messages themselves are drawn as arrows. Crashes, omissions and delays show on
 * the lanes and arrows alone.
 */
function windowMark(f: Fault, l: Layout, lanes: readonly string[]): string {
  if (f.kind !== 'restart' && f.kind !== 'disconnect' && f.kind !== 'partition') return '';
  const touched = f.kind === 'restart' ? [f.node] : f.kind === 'disconnect' ? [f.from, f.to] : lanes;
  const xs = touched.map(l.x);
  const [x0, x1] = [xs.reduce((m, x) => Math.min(m, x), Infinity) - 16, xs.reduce((m, x) => Math.max(m, x), -Infinity) + 16];
  const [y0, y1] = [l.y(f.start) - 6, l.y(f.end) + 6];
  return (
    `<g class="window ${f.kind}"><title>${escapeHtml(formatFault(f))}</title>` +
    `<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" rx="4" fill="${COLOR.lost}" fill-opacity="0.08" stroke="${COLOR.lost}" stroke-opacity="0.35"/>` +
    `<text x="${x1 - 4}" y="${y0 + 12}" text-anchor="end" fill="${COLOR.lost}">${escapeHtml(f.kind)}</text></g>`
  );
}

function shorten(s: string): string {
  return s.length <= LABEL_MAX ? s : `${s.slice(0, LABEL_MAX - 1)}…`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
