import type { FaultSet } from '../../model/faults.ts';
import type { MessageRecord, StateFact, Violation } from '../../model/target.ts';
import { esc } from './escape.ts';

/** One item of the view: an input given to a node, or an output a node made. */
interface Item {
  readonly lane: number;
  readonly at: number;
  readonly value: string;
  readonly output: boolean;
  /** The anomalies that name it (kinds). */
  readonly kinds: string[];
  /** The message that carried it (index in the run's messages), when one did. */
  readonly carrier?: number;
}

/** What an output after the first is to its anomaly (the first is the anomaly). */
const OTHER_OUTPUT_ROLE: Record<string, string> = { stale: 'witness', reordered: 'overtaken' };
/** What a marked input is to its anomaly: the price a stale decision needed is not itself stale. */
const INPUT_ROLE: Record<string, string> = { stale: 'needed', unseen: 'needed', lost: 'unanswered', duplicated: 'answered twice', reordered: 'overtaken', late: 'answered late', unexpected: 'input of' };

const LEFT = 110;
const RIGHT = 40;
const ROW = 46;
const TOP = 28;

/** The id of a message's line in a run's message list: the stream view links to it. */
export function messageAnchor(key: string, index: number): string {
  return `m-${key}-${index}`;
}

/**
 * The input streams and the output stream of a run on one time axis, for a run whose violations
 * come with evidence (the black-box stream, model and fault-free checks): each node's inputs and
 * outputs on a lane, the items an anomaly names marked with its kind, each linked to the message that
 * carried it (delivered to an output's node at its time, or sent by an input's node at its time).
 * A restart or crash of a node shades its lanes while it is down. Empty when no violation has evidence.
 */
export function streamView(key: string, violations: readonly Violation[], states: readonly StateFact[], messages: readonly MessageRecord[], faults: FaultSet = []): string {
  const found = violations.filter((v) => v.evidence);
  if (found.length === 0) return '';
  const events = states.filter((s) => s.relation === 'input' || s.relation === 'output');
  const laneNames: string[] = [];
  const laneOf = (name: string) => {
    const i = laneNames.indexOf(name);
    return i >= 0 ? i : laneNames.push(name) - 1;
  };
  // Inputs first, then outputs, each lane a node's stream.
  for (const s of events) if (s.relation === 'input') laneOf(`in: ${s.node}`);
  for (const s of events) if (s.relation === 'output') laneOf(`out: ${s.node}`);
  // What an item is to each anomaly that names it: the anomaly itself, or (an output after the first,
  // an input) the context it is judged against.
  const named = (output: boolean, node: string, at: number, value: string) =>
    found.flatMap((v) => {
      const e = v.evidence!;
      const i = (output ? e.outputs : e.inputs).findIndex((x) => x.node === node && x.at === at && x.value === value);
      if (i < 0) return [];
      if (!output) return [`${INPUT_ROLE[e.kind] ?? 'input of'} (${e.kind})`];
      return [i > 0 && OTHER_OUTPUT_ROLE[e.kind] ? `${OTHER_OUTPUT_ROLE[e.kind]} (${e.kind})` : e.kind];
    });
  const carrierOf = (output: boolean, node: string, at: number): number | undefined => {
    const i = messages.findIndex((m) => m.from !== m.to && (output ? m.to === node && m.deliverTime === at && m.status === 'delivered' : m.from === node && m.sendTime === at));
    return i >= 0 ? i : undefined;
  };
  const items: Item[] = events.map((s) => {
    const output = s.relation === 'output';
    return { lane: laneOf(`${output ? 'out' : 'in'}: ${s.node}`), at: s.time, value: s.fact, output, kinds: named(output, s.node, s.time, s.fact), carrier: carrierOf(output, s.node, s.time) };
  });
  const times = items.map((i) => i.at);
  // Reduced, not spread: a stream can hold more items than a call takes arguments.
  const t0 = times.reduce((a, b) => Math.min(a, b), Infinity);
  const t1 = times.reduce((a, b) => Math.max(a, b), -Infinity);
  const scale = Math.max(14, Math.min(48, 760 / Math.max(1, t1 - t0)));
  const x = (t: number) => Math.round(LEFT + (t - t0) * scale);
  const width = x(t1) + RIGHT + 120;
  const height = TOP + laneNames.length * ROW + 24;
  // Items of one lane at one time sit side by side, a little apart.
  const seen = new Map<string, number>();
  const parts: string[] = [`<svg class="streams" role="img" aria-label="input and output streams on one time axis" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`];
  laneNames.forEach((name, i) => {
    const y = TOP + i * ROW + ROW / 2;
    parts.push(`<text class="lane-name" x="8" y="${y + 4}">${esc(name)}</text><line class="lane" x1="${LEFT - 10}" y1="${y}" x2="${width - 10}" y2="${y}"/>`);
  });
  for (const f of faults) {
    if (f.kind !== 'restart' && f.kind !== 'crash') continue;
    const [from, to] = f.kind === 'restart' ? [f.start, f.end] : [f.time, t1];
    const x0 = x(Math.max(from, t0)) - 4;
    const x1 = Math.max(x0 + 8, x(Math.min(to, t1)) + 4);
    laneNames.forEach((name, i) => {
      if (name.slice(name.indexOf(' ') + 1) !== f.node) return;
      const y = TOP + i * ROW + 6;
      parts.push(`<g class="down"><title>${esc(`${f.kind} ${f.node} @${from}${f.kind === 'restart' ? `..${to}` : ''}`)}</title><rect x="${x0}" y="${y}" width="${x1 - x0}" height="${ROW - 12}" rx="3"/><text x="${x0 + 2}" y="${y + 10}">${f.kind}</text></g>`);
    });
  }
  for (let t = t0; t <= t1; t += Math.max(1, Math.ceil(60 / scale))) parts.push(`<text class="tick" x="${x(t)}" y="${height - 6}">@${t}</text>`);
  for (const it of items) {
    const slot = `${it.lane}@${it.at}`;
    const n = seen.get(slot) ?? 0;
    seen.set(slot, n + 1);
    const cx = x(it.at) + n * 9;
    const cy = TOP + it.lane * ROW + ROW / 2;
    const marked = it.kinds.length > 0;
    const label = [...new Set(it.kinds)].join(', ');
    const title = `${it.output ? 'output' : 'input'} @${it.at}: ${it.value}${marked ? ` — ${label}` : ''}${it.carrier !== undefined ? ' (click: the message that carried it)' : ''}`;
    const short = it.value.length > 26 ? `${it.value.slice(0, 25)}…` : it.value;
    const dot = `<circle class="${it.output ? 'out' : 'in'}${marked ? ' marked' : ''}" cx="${cx}" cy="${cy}" r="${marked ? 6 : 4}"/>${marked ? `<text class="kind" x="${cx}" y="${cy - 10}">${esc(label)}</text><text class="value" x="${cx}" y="${cy + 18}">${esc(short)}</text>` : ''}`;
    const body = `<title>${esc(title)}</title>${dot}`;
    parts.push(it.carrier !== undefined ? `<a href="#${messageAnchor(key, it.carrier)}"><g class="item">${body}</g></a>` : `<g class="item">${body}</g>`);
  }
  parts.push('</svg>');
  const list = found.map((v) => {
    const e = v.evidence!;
    const links = [...e.outputs.map((o) => ({ ...o, output: true })), ...e.inputs.map((i) => ({ ...i, output: false }))].map((o) => {
      const c = carrierOf(o.output, o.node, o.at);
      const what = `${o.output ? 'out' : 'in'} ${o.node} @${o.at}`;
      return c === undefined ? esc(what) : `<a href="#${messageAnchor(key, c)}">${esc(what)}</a>`;
    });
    // The message names its kind first, as the terminal prints it.
    const kind = v.message.startsWith(e.kind) ? '' : `<b>${esc(e.kind)}</b> `;
    return `<li>${kind}${esc(v.message)}${links.length ? ` <small>(${links.join(', ')})</small>` : ''}</li>`;
  });
  return [
    '<h4>Streams on one time axis <small>(the inputs each node was given and the outputs it made; what a check names is marked and links to the message that carried it)</small></h4>',
    `<figure class="streams">${parts.join('')}</figure>`,
    `<ul class="anomalies">${list.join('')}</ul>`,
  ].join('\n');
}
