import { formatFault } from '../../injector/text.ts';
import { faultStart, type Fault, type FaultSet } from '../../model/faults.ts';
import type { MessageRecord, StateFact } from '../../model/target.ts';
import { fateText, requestFate } from '../spacetime.ts';
import { esc } from './escape.ts';
import { LABEL_HEIGHT, labelWidth, placeLabels, type Box } from './label-layout.ts';
import { LABEL_MAX, messageLabels, payloadText } from './labels.ts';

const TOP = 44; // room for node names
const LEFT = 60; // room for the @t labels
const BOTTOM = 30; // room for the end-of-time line
const RIGHT = 120; // room for outputs written beside the last lane
const LINEAR_STEPS = 40; // up to this many steps, one row per step; beyond (sim: virtual ms), one row per event time
const LOST_AT = 0.6; // an omitted message stops this far along its path, where it is lost
const NOT_SENT_AT = 0.25; // a message its crashed sender never sent is a stub this long


/** Drawn first, so that they get the free room for their labels. */
const PRIORITY: Record<MessageRecord['status'], number> = { omitted: 0, 'receiver-down': 1, 'in-flight': 2, 'sender-crashed': 3, delivered: 4 };

export interface SpaceTime {
  readonly svg: string;
  /**
   * The node names as a strip that stays at the top of the diagram's scroll box (CSS sticky) while a
   * long run is scrolled: it covers the SVG's own row of names exactly.
   */
  readonly lanesHeader: string;
  /** The messages between nodes, in drawing order, with their short labels (undefined: no room in the diagram). */
  readonly wire: readonly { readonly message: MessageRecord; readonly label: string; readonly shown: boolean }[];
}

interface Layout {
  readonly x: (node: string) => number;
  readonly y: (t: number) => number;
  readonly ticks: readonly number[];
  readonly row: number;
  readonly width: number;
  /** The end-of-time line, where messages still in flight are cut. */
  readonly endY: number;
  /** Set when nothing happens after this time until EOT (the rows between are left out). */
  readonly quietAfter?: number;
  readonly height: number;
}

/**
 * A space-time diagram as inline SVG: one lane per node, time flowing down, one arrow per message
 * between distinct nodes (self-messages are local state and cannot fail), each fate drawn its own way
 * (delivered, lost midway, lost at a receiver that is down, never sent, in flight at the end of time),
 * crashes on the lanes and windows of restarts, disconnections, partitions and delays shaded.
 * Labels follow `labels.ts` and never overlap (`label-layout.ts`). Styles are the page's classes
 * (`css.ts`), which keeps a 10,000-message run to a few megabytes. `id` keeps marker ids unique.
 */
export function spaceTime(messages: readonly MessageRecord[], faults: FaultSet, nodes: readonly string[], eot: number, id: string, outputs: readonly StateFact[] = []): SpaceTime {
  const wire = messages.filter((m) => m.from !== m.to);
  const lanes = laneNodes(nodes, wire, faults);
  const layout = computeLayout(lanes, wire, faults, eot, outputs);
  const labels = messageLabels(wire);
  const order = wire.map((_, i) => i).sort((a, b) => PRIORITY[wire[a].status] - PRIORITY[wire[b].status] || wire[a].sendTime - wire[b].sendTime || a - b);
  const ends = wire.map((m) => endOf(m, layout));
  const crashes = new Map<string, number>();
  for (const f of faults) if (f.kind === 'crash') crashes.set(f.node, Math.min(f.time, crashes.get(f.node) ?? Infinity));
  // Node names, crash marks and outputs keep their room: labels go elsewhere.
  const outputMarks = outputGroups(outputs);
  const reserved: Box[] = [
    ...lanes.map((n) => ({ x: layout.x(n) - labelWidth(n) / 2, y: TOP - 28, w: labelWidth(n), h: 18 })),
    ...[...crashes].map(([n, t]) => ({ x: layout.x(n) - 18 - labelWidth('crash'), y: layout.y(t) - 7, w: labelWidth('crash') + 32, h: 14 })),
    ...outputMarks.map(({ o, text }) => ({ x: layout.x(o.node) - 5, y: layout.y(o.time) - 7, w: labelWidth(text) + 14, h: 14 })),
    ...faults.flatMap((f) => windowShape(f, layout, lanes)?.label ?? []),
  ];
  const boxes = placeLabels(
    order.map((i) => ({ x1: startOf(wire[i], layout)[0], y1: startOf(wire[i], layout)[1], x2: ends[i][0], y2: ends[i][1], width: labelWidth(labels[i]) })),
    reserved,
  );
  const parts: string[] = [
    `<svg class="st" role="img" aria-label="space-time diagram" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">`,
    markers(id),
    ...timeGrid(layout, eot),
    ...faults.map((f) => windowMark(f, layout, lanes)),
    ...lanes.map((n) => lane(n, layout, crashes.get(n))),
  ];
  const drawn: SpaceTime['wire'][number][] = [];
  order.forEach((i, k) => {
    parts.push(arrow(wire[i], layout, ends[i], labels[i], boxes[k], id));
    drawn.push({ message: wire[i], label: labels[i], shown: boxes[k] !== undefined });
  });
  for (const [n, t] of crashes) parts.push(crashMark(n, t, layout));
  for (const { o, text, facts } of outputMarks) {
    const [x, y] = [layout.x(o.node), layout.y(o.time)];
    parts.push(`<g class="out"><title>${esc(`${o.node} output @${o.time}: ${facts.join(', ')}`)}</title><circle cx="${x}" cy="${y}" r="4.5"/><text x="${x + 8}" y="${y + 4}">${esc(text)}</text></g>`);
  }
  if (wire.length === 0) parts.push(`<text x="${LEFT}" y="${layout.height - 8}" class="note">(no messages between nodes)</text>`);
  parts.push('</svg>');
  const names = lanes.map((n) => `<span style="left:${layout.x(n)}px">${esc(n)}</span>`).join('');
  const lanesHeader = `<div class="lanes" style="width:${layout.width}px;height:${TOP}px" aria-hidden="true">${names}</div>`;
  return { svg: parts.join('\n'), lanesHeader, wire: drawn };
}

/** The bounds' nodes first, in their order; then any other node a message or fault names, so nothing is dropped. */
function laneNodes(nodes: readonly string[], wire: readonly MessageRecord[], faults: FaultSet): string[] {
  const out = [...nodes];
  const seen = new Set(out);
  const add = (n: string) => {
    if (!seen.has(n)) (seen.add(n), out.push(n));
  };
  for (const m of wire) (add(m.from), add(m.to));
  for (const f of faults) if (f.kind === 'crash' || f.kind === 'restart') add(f.node);
  return out;
}

/** A message that never arrived may carry no meaningful delivery time (the sim target leaves 0). */
function arrives(m: MessageRecord): boolean {
  return m.deliverTime >= m.sendTime && m.status !== 'in-flight' && m.status !== 'omitted' && m.status !== 'sender-crashed';
}

function faultTimes(f: Fault): number[] {
  return 'end' in f ? [f.start, f.end] : [faultStart(f)];
}

function computeLayout(lanes: readonly string[], wire: readonly MessageRecord[], faults: FaultSet, eot: number, outputs: readonly StateFact[]): Layout {
  const times: number[] = outputs.map((o) => o.time);
  for (const m of wire) {
    times.push(m.sendTime);
    if (arrives(m)) times.push(m.deliverTime);
  }
  for (const f of faults) for (const t of faultTimes(f)) if (t <= eot) times.push(t);
  const first = times.reduce((m, x) => Math.min(m, x), 1);
  const lastEvent = times.reduce((m, x) => Math.max(m, x), first);
  // One row per step up to the last event (and one after it); a quiet stretch up to EOT is not drawn row by row.
  const linear = lastEvent - first <= LINEAR_STEPS;
  const last = linear ? Math.min(Math.max(eot, lastEvent), lastEvent + 1) : lastEvent;
  const ticks = linear ? Array.from({ length: last - first + 1 }, (_, i) => first + i) : [...new Set(times)].sort((a, b) => a - b);
  const row = linear ? 56 : 36;
  const rank = new Map(ticks.map((t, i) => [t, i]));
  // A time between ticks (a compressed axis) sits just after the tick before it.
  const y = (t: number) => TOP + 16 + (rank.get(t) ?? nearestRank(ticks, t) + 0.5) * row;
  const longestName = lanes.reduce((m, n) => Math.max(m, n.length), 4);
  const gap = Math.max(190, longestName * 8 + 40);
  const index = new Map(lanes.map((n, i) => [n, i]));
  const endY = y(ticks[ticks.length - 1]) + row * 0.75;
  return {
    x: (n) => LEFT + gap / 2 + (index.get(n) ?? 0) * gap,
    y,
    ticks,
    row,
    // Room on the right for the last lane's outputs and crash marks.
    width: LEFT + Math.max(1, lanes.length) * gap + RIGHT,
    endY,
    height: endY + BOTTOM,
    quietAfter: eot > last ? last : undefined,
  };
}

/** Index of the last tick at or before t (binary search: long runs have many ticks). */
function nearestRank(ticks: readonly number[], t: number): number {
  let lo = 0;
  let hi = ticks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ticks[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Where an arrow's line ends: at the receiver, midway (lost), or at the end-of-time line (in flight). */
function endOf(m: MessageRecord, l: Layout): [number, number] {
  const [x1, y1, x2] = [l.x(m.from), l.y(m.sendTime), l.x(m.to)];
  if (m.status === 'in-flight') {
    // Heading for the receiver, cut where time ends.
    const due = m.deliverTime > m.sendTime ? m.deliverTime : m.sendTime + 1;
    const fullY = l.y(Math.max(due, l.ticks[l.ticks.length - 1] + 1));
    const f = Math.min(1, (l.endY - y1) / Math.max(1, fullY - y1));
    return [round(x1 + (x2 - x1) * f), round(l.endY)];
  }
  const y2 = arrives(m) ? l.y(m.deliverTime) : y1 + l.row;
  if (m.status === 'omitted') return [round(x1 + (x2 - x1) * LOST_AT), round(y1 + (y2 - y1) * LOST_AT)];
  if (m.status === 'sender-crashed') return [round(x1 + (x2 - x1) * NOT_SENT_AT), round(y1 + (y2 - y1) * NOT_SENT_AT)];
  return [x2, y2];
}

function markers(id: string): string {
  const head = (suffix: string, cls: string) =>
    `<marker id="${id}-${suffix}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="${cls}"/></marker>`;
  return `<defs>${head('a', 'head')}${head('g', 'head-grey')}${head('f', 'head-flight')}</defs>`;
}

function timeGrid(l: Layout, eot: number): string[] {
  const out = l.ticks.map((t) => `<line x1="${LEFT - 8}" y1="${l.y(t)}" x2="${l.width - 8}" y2="${l.y(t)}" class="grid"/><text x="${LEFT - 12}" y="${l.y(t) + 4}" class="tick">@${t}</text>`);
  // The line where time ends; named EOT when the last row is already @eot (not "@eot" twice).
  const label = l.ticks[l.ticks.length - 1] === eot ? 'EOT' : `@${eot}`;
  out.push(`<line x1="${LEFT - 8}" y1="${l.endY}" x2="${l.width - 8}" y2="${l.endY}" class="eot"/><text x="${LEFT - 12}" y="${l.endY + 4}" class="tick eot-label">${label}</text>`);
  if (l.quietAfter !== undefined) out.push(`<text x="${LEFT}" y="${round(l.endY - 6)}" class="quiet">nothing happens from @${l.quietAfter + 1} to the end of time (@${eot})</text>`);
  return out;
}

/** A lane is drawn faint from its crash on: the node sends nothing from then on. */
function lane(node: string, l: Layout, crashedAt: number | undefined): string {
  const x = l.x(node);
  const top = l.y(l.ticks[0]) - 10;
  const bottom = l.endY;
  const split = crashedAt === undefined ? bottom : Math.min(bottom, l.y(crashedAt));
  const name = `<text class="node" x="${x}" y="${TOP - 14}">${esc(node)}</text>`;
  const alive = `<line x1="${x}" y1="${top}" x2="${x}" y2="${split}" class="lane"/>`;
  const dead = split < bottom ? `<line x1="${x}" y1="${split}" x2="${x}" y2="${bottom}" class="lane down"/>` : '';
  return `<g class="lane-g" data-node="${esc(node)}">${name}${alive}${dead}</g>`;
}

function arrow(m: MessageRecord, l: Layout, [ex, ey]: [number, number], label: string, box: Box | undefined, id: string): string {
  const request = requestFate(m);
  const [x1, y1] = startOf(m, l);
  const fate = fateText(m);
  const when = m.status === 'delivered' || m.status === 'receiver-down' ? ` → @${m.deliverTime}` : m.status === 'in-flight' && m.deliverTime > m.sendTime ? `, due @${m.deliverTime}` : '';
  const title = `<title>${esc(`${m.from}→${m.to} @${m.sendTime}${when}: ${m.content} — ${fate}`)}</title>`;
  let body: string;
  switch (m.status) {
    case 'omitted':
    case 'receiver-down':
      // Cut short by a reset: two bars where it broke off, rather than the cross of a loss.
      body = `<line x1="${x1}" y1="${y1}" x2="${ex}" y2="${ey}"/>${request === 'cut' ? bars(ex, ey) : cross(ex, ey)}`;
      break;
    case 'in-flight':
      body = `<line x1="${x1}" y1="${y1}" x2="${ex}" y2="${ey}" marker-end="url(#${id}-f)"/>`;
      break;
    case 'sender-crashed':
      // Never sent: a short stub from the sender, ending in a bar, never reaching the receiver.
      body = `<line x1="${x1}" y1="${y1}" x2="${ex}" y2="${ey}"/><path class="stub" d="M${ex},${round(ey - 5)}L${ex},${round(ey + 5)}"/>`;
      break;
    default:
      body = `<line x1="${x1}" y1="${y1}" x2="${ex}" y2="${ey}" marker-end="url(#${id}-a)"/>`;
  }
  // An opaque box: the arrow passes under its label instead of through the text.
  const text = box ? `<rect class="lbg" x="${round(box.x + 2)}" y="${round(box.y)}" width="${round(box.w - 4)}" height="${LABEL_HEIGHT}" rx="3"/><text class="label" x="${round(box.x + box.w / 2)}" y="${round(box.y + LABEL_HEIGHT - 3.5)}">${esc(label)}</text>` : '';
  return `<g class="msg ${m.status}${request ? ` ${request}` : ''}">${title}${body}${text}</g>`;
}

/**
 * Where a message's arrow starts: its sender's lane at its send time; Spike's answer to a request it
 * failed, where the failed request's arrow stops (the answer goes back from there).
 */
function startOf(m: MessageRecord, l: Layout): [number, number] {
  if (requestFate(m) !== 'spike') return [l.x(m.from), l.y(m.sendTime)];
  const [y1, y2] = [l.y(m.sendTime), l.y(m.deliverTime)];
  return [round(l.x(m.from) + (l.x(m.to) - l.x(m.from)) * (1 - LOST_AT)), round(y1 + (y2 - y1) * LOST_AT)];
}

/** Two short bars across the end of a message cut short by a reset. */
function bars(x: number, y: number, r = 5): string {
  return `<path class="x" d="M${x - r - 2},${y - r}L${x - r + 4},${y + r}M${x + 1},${y - r}L${x + 7},${y + r}"/>`;
}

function cross(x: number, y: number, r = 5): string {
  return `<path class="x" d="M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}"/>`;
}

function crashMark(node: string, time: number, l: Layout): string {
  const [x, y] = [l.x(node), l.y(time)];
  const title = `<title>${esc(`crash ${node} @${time}: sends nothing from now on`)}</title>`;
  return `<g class="crash" data-node="${esc(node)}" data-time="${time}">${title}<rect x="${x - 14}" y="${y - 5}" width="28" height="10" rx="2"/><text x="${x - 18}" y="${y + 4}">crash</text></g>`;
}

/**
 * Where a fault that lasts a window (restart, disconnect, partition) is drawn: a band over the lanes
 * it touches; a delay, a band over its link at its send time. Its name goes left of the band, outside
 * it, where outputs (right of their lane) leave room. Undefined for other faults.
 */
function windowShape(f: Fault, l: Layout, lanes: readonly string[]): { x0: number; x1: number; y0: number; y1: number; name: string; label: Box } | undefined {
  let touched: readonly string[];
  let [start, end] = [0, 0];
  switch (f.kind) {
    case 'restart':
      [touched, start, end] = [[f.node], f.start, f.end];
      break;
    case 'disconnect':
      [touched, start, end] = [[f.from, f.to], f.start, f.end];
      break;
    case 'partition':
      [touched, start, end] = [lanes, f.start, f.end];
      break;
    case 'delay':
      [touched, start, end] = [[f.from, f.to], f.time, f.time];
      break;
    default:
      return undefined;
  }
  const xs = touched.map(l.x);
  const [x0, x1] = [xs.reduce((m, x) => Math.min(m, x), Infinity) - 16, xs.reduce((m, x) => Math.max(m, x), -Infinity) + 16];
  const [y0, y1] = [l.y(start) - 6, l.y(end) + 6];
  const name = f.kind === 'delay' ? `delay +${f.by}` : f.kind;
  const w = labelWidth(name);
  return { x0, x1, y0, y1, name, label: { x: x0 - 4 - w, y: y0, w, h: 14 } };
}

/** A fault that lasts a window as a shaded band with its name; the lost messages themselves are arrows. */
function windowMark(f: Fault, l: Layout, lanes: readonly string[]): string {
  const shape = windowShape(f, l, lanes);
  if (!shape) return '';
  const { x0, x1, y0, y1, name } = shape;
  return `<g class="window ${f.kind}"><title>${esc(formatFault(f))}</title><rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" rx="4"/><text x="${x0 - 4}" y="${y0 + 11}">${esc(name)}</text></g>`;
}

/** An output's value, short: a string bare, JSON cut like a label. */
/** Outputs of one node in one step share a mark: one label, its values in the order written. */
function outputGroups(outputs: readonly StateFact[]): { o: StateFact; text: string; facts: string[] }[] {
  const groups = new Map<string, { o: StateFact; facts: string[] }>();
  for (const o of outputs) {
    const key = `${o.node}\u0000${o.time}`;
    const g = groups.get(key);
    if (g) g.facts.push(o.fact);
    else groups.set(key, { o, facts: [o.fact] });
  }
  return [...groups.values()].map(({ o, facts }) => ({ o, facts, text: shortOutput(facts.map(payloadText).join(', '), false) }));
}

function shortOutput(fact: string, asPayload = true): string {
  const text = asPayload ? payloadText(fact) : fact;
  return `out ${text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text}`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
