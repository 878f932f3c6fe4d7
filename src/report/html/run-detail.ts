import type { Bounds } from '../../model/bounds.ts';
import type { FaultSet } from '../../model/faults.ts';
import type { MessageRecord, StateFact, Violation } from '../../model/target.ts';
import { messageAnchor, streamView } from './stream-view.ts';
import { shellQuote } from '../../model/shell.ts';
import { esc } from './escape.ts';
import { labelRule } from './labels.ts';
import { spaceTime } from './spacetime.ts';
import { fateText, requestFate } from '../spacetime.ts';
import { stateTable } from './state.ts';
import { faultColumns } from './faults-text.ts';

/** A drawn run as the page needs it (a run of the search, a counterexample or a shrink step). */
export interface DetailInput {
  readonly key: string;
  readonly title: string;
  readonly faults: FaultSet;
  readonly faultText: string;
  readonly violated: boolean;
  /** Checks the run could not make (an invariant threw or never returned): then it neither held nor broke. */
  readonly unchecked?: readonly string[];
  readonly messages: readonly MessageRecord[];
  readonly states?: readonly StateFact[];
  /** What the run violated (and what the protocol threw). */
  readonly violations?: readonly string[];
  /** The violations with their evidence, for the stream view (black-box checks of sim and tcp runs). */
  readonly findings?: readonly Violation[];
}

/** What a run or counterexample violated, as its page says it (and what the protocol threw). */
export function violationTexts(r: { readonly violations: readonly { readonly message: string }[]; readonly error?: string }): string[] {
  return [...r.violations.map((v) => v.message), ...(r.error ? [`error: ${r.error}`] : [])];
}

export function detailId(key: string): string {
  return `d-${key}`;
}

// Drawn with CSS borders rather than SVG, so that the page's SVGs hold only diagrams.
export const LEGEND = [
  '<p class="legend">',
  '<span><i class="solid"></i>delivered</span>',
  '<span><i class="dashed"></i>✕ lost (omitted midway, or at a receiver that is down)</span>',
  '<span><i class="grey"></i>not sent (sender crashed)</span>',
  '<span><i class="flight"></i>in flight at end of time (never arrived)</span>',
  '<span><i class="crashbar"></i>crash (sends nothing from then on)</span>',
  '<span><i class="band"></i>restart, disconnect, partition or delay window</span>',
  '<span>hover an arrow for the full message</span>',
  '</p>',
].join('');

/** The legend, with the request-level fates (HTTP) a run's diagram shows, where it shows any. */
export function legendFor(messages: readonly MessageRecord[]): string {
  const fates = new Set(messages.map(requestFate));
  const extra = [
    ...(fates.has('failed') ? ['<span><i class="failed"></i>✕ request failed by Spike (never reached the server)</span>'] : []),
    ...(fates.has('spike') ? ["<span><i class=\"spike\"></i>Spike's answer to it, in the server's place (the server sent nothing)</span>"] : []),
    ...(fates.has('cut') ? ['<span><i class="cut"></i>// cut short by a reset (its first part arrived, then the connection reset)</span>'] : []),
  ];
  return extra.length ? LEGEND.replace('<span>hover an arrow', `${extra.join('')}<span>hover an arrow`) : LEGEND;
}

/**
 * One run: its space-time diagram, every message in full under it, and its state over time when
 * known. Hidden until its link is followed (CSS :target), unless `shown`: the page needs no script.
 */
export function runDetail(d: DetailInput, bounds: Bounds, replayCommand: string, opts: { shown?: boolean } = {}): string {
  const outputs = (d.states ?? []).filter((f) => f.relation === 'output');
  const st = spaceTime(d.messages, d.faults, bounds.nodes, bounds.eot, `s-${d.key}`, outputs);
  const { crashes, others } = faultColumns(d.faults);
  const hidden = st.wire.filter((w) => !w.shown).length;
  const indexOf = new Map(d.messages.map((m, i) => [m, i]));
  const streams = d.findings?.length ? streamView(d.key, d.findings, d.states ?? [], d.messages, d.faults) : '';
  const items = st.wire
    .slice()
    .sort((a, b) => a.message.sendTime - b.message.sendTime)
    .map(({ message: m, label, shown }) => {
      const arrival = m.status === 'delivered' || m.status === 'receiver-down' ? ` → @${m.deliverTime}` : m.status === 'in-flight' && m.deliverTime > m.sendTime ? ` (due @${m.deliverTime})` : '';
      return `<li class="${m.status}" id="${messageAnchor(d.key, indexOf.get(m) ?? -1)}">@${m.sendTime}${arrival} ${esc(m.from)}→${esc(m.to)} <b>${esc(label)}</b>${shown ? '' : ' <i>(no room for its label)</i>'} — ${esc(fateText(m))}: <code>${esc(m.content)}</code></li>`;
    });
  return [
    `<section class="detail${opts.shown ? ' shown' : ''}" id="${detailId(d.key)}">`,
    `<h3>${esc(d.title)} <small>${d.violated ? '✗ invariant violated' : d.unchecked?.length ? '? invariant not checked' : '✓ invariant held'} · faults: <code>${esc([crashes, others].filter(Boolean).join('; ') || 'none')}</code></small></h3>`,
    ...(d.violations ?? []).map((v) => `<p class="violated">✗ ${esc(v)}</p>`),
    ...(d.violated ? [] : (d.unchecked ?? []).map((u) => `<p class="unchecked">? ${esc(u)}</p>`)),
    // A counterexample's own run sits under its replay line; other runs carry theirs.
    opts.shown ? '' : '<p><a href="#runs">↑ back to the runs</a></p>',
    opts.shown ? '' : `<pre class="replay"><code>${esc(`${replayCommand} --faults ${shellQuote(d.faultText)}`)}</code></pre>`,
    legendFor(d.messages),
    `<figure class="diagram">${st.lanesHeader}${st.svg}</figure>`,
    `<p class="rule">Labels: ${esc(labelRule(st.wire.map((w) => w.message)))}.</p>`,
    streams,
    // Open when the stream view links into it.
    `<details class="messages"${streams ? ' open' : ''}><summary>${st.wire.length} message${st.wire.length === 1 ? '' : 's'} between nodes${hidden ? ` (${hidden} label${hidden === 1 ? '' : 's'} left out of the diagram for room)` : ''}</summary><ol>${items.join('')}</ol></details>`,
    d.states?.length ? stateTable(d.states, d.messages, bounds) : '',
    '</section>',
  ]
    .filter(Boolean)
    .join('\n');
}
