import type { Bounds } from '../../model/bounds.ts';
import type { MessageRecord, StateFact } from '../../model/target.ts';
import { esc } from './escape.ts';

/** Facts shown in one cell at most; the rest are counted, and listed on hover. */
const CELL_FACTS = 8;
/** The relations of a sim or tcp run's events (a Dedalus relation is never `connection event`). */
const EVENTS = new Set(['input', 'output', 'connection event']);

/** Rows of the event table of a sim or tcp run at most. */
const EVENT_ROWS = 2000;

/**
 * State over time. Dedalus (facts are tuples of relations): per node, one row per relation and one
 * column per step, as Molly's report shows it. Sim and tcp (inputs and outputs): per time, what each
 * node was given, received, heard of its connections and output.
 */
export function stateTable(states: readonly StateFact[], messages: readonly MessageRecord[], bounds: Bounds): string {
  const tuples = states.some((s) => !EVENTS.has(s.relation));
  return tuples ? relationTable(states, bounds) : eventTable(states, messages);
}

function relationTable(states: readonly StateFact[], bounds: Bounds): string {
  const steps = Array.from({ length: bounds.eot }, (_, i) => i + 1);
  const byNode = new Map<string, Map<string, Map<number, string[]>>>();
  for (const s of states) {
    const rel = (byNode.get(s.node) ?? byNode.set(s.node, new Map()).get(s.node)!);
    const cells = rel.get(s.relation) ?? rel.set(s.relation, new Map()).get(s.relation)!;
    (cells.get(s.time) ?? cells.set(s.time, []).get(s.time)!).push(s.fact);
  }
  const nodes = [...byNode.keys()].sort((a, b) => order(bounds, a) - order(bounds, b) || (a < b ? -1 : 1));
  const out = ['<h4>State over time <small>(each relation\'s tuples at each step)</small></h4>'];
  for (const node of nodes) {
    const rels = byNode.get(node)!;
    out.push(`<details class="state"${node === nodes[0] ? ' open' : ''}><summary>${esc(node)}</summary><table class="state"><thead><tr><th>relation</th>${steps.map((t) => `<th>@${t}</th>`).join('')}</tr></thead><tbody>`);
    for (const rel of [...rels.keys()].sort()) {
      const cells = rels.get(rel)!;
      out.push(`<tr><td>${esc(rel)}</td>${steps.map((t) => cell(cells.get(t) ?? [])).join('')}</tr>`);
    }
    out.push('</tbody></table></details>');
  }
  return out.join('');
}

function eventTable(states: readonly StateFact[], messages: readonly MessageRecord[]): string {
  const rows: { time: number; node: string; what: string; text: string }[] = [];
  for (const s of states) rows.push({ time: s.time, node: s.node, what: s.relation, text: s.fact });
  for (const m of messages) if (m.status === 'delivered' && m.from !== m.to) rows.push({ time: m.deliverTime, node: m.to, what: `received from ${m.from}`, text: m.content });
  rows.sort((a, b) => a.time - b.time);
  const shown = rows.slice(0, EVENT_ROWS);
  return [
    `<h4>State over time <small>(what each node was given, received, heard of its connections and output${rows.length > shown.length ? `; the first ${EVENT_ROWS} of ${rows.length}` : ''})</small></h4>`,
    '<details class="state" open><summary>events by time</summary><table class="state"><thead><tr><th>time</th><th>node</th><th>what</th><th>value</th></tr></thead><tbody>',
    ...shown.map((r) => `<tr class="${r.what === 'output' ? 'output' : ''}"><td class="num">@${r.time}</td><td>${esc(r.node)}</td><td>${esc(r.what)}</td><td>${esc(r.text)}</td></tr>`),
    '</tbody></table></details>',
  ].join('');
}

function cell(facts: readonly string[]): string {
  if (facts.length === 0) return '<td></td>';
  const shown = facts.slice(0, CELL_FACTS).map(esc).join('<br>');
  const more = facts.length > CELL_FACTS ? `<br><i title="${esc(facts.slice(CELL_FACTS).join('\n'))}">+${facts.length - CELL_FACTS} more</i>` : '';
  return `<td>${shown}${more}</td>`;
}

function order(b: Bounds, node: string): number {
  const i = b.nodes.indexOf(node);
  return i < 0 ? b.nodes.length : i;
}
