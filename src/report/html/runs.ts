import { reportRunCount, type JsonReport, type JsonRun } from '../json.ts';
import { formatFaults } from '../../injector/text.ts';
import { outcomeLabel } from '../explain.ts';
import { shellQuote } from '../../model/shell.ts';
import { esc } from './escape.ts';
import { faultColumns } from './faults-text.ts';
import { detailId } from './run-detail.ts';

/** Rows of the runs table written in the page (and every run that found a counterexample); the others come from the page's data, `RUNS_PER_PAGE` at a time. */
export const RUNS_LISTED = 2000;
/** Rows the page's script adds per click of "more runs". */
export const RUNS_PER_PAGE = 2000;
/** Runs the page can list at most (in its data beyond `RUNS_LISTED`); the JSON report lists every run. */
export const RUNS_IN_PAGE = 20_000;

/** Attacked outcomes named in a row at most. */
const ATTACKED_SHOWN = 3;

/** What a row needs of a run (`JsonRun`; the page's data carries only this). */
export type RowRun = Pick<JsonRun, 'index' | 'faultList' | 'violated' | 'attacked'> & { readonly unknown?: readonly string[] };

/** What a row needs of the search. */
export interface RowContext {
  readonly strategy: JsonReport['strategy'];
  readonly replayCommand: string;
  /** Runs with a diagram: drawn in the page, or drawn from the page's data when followed. */
  readonly withDiagram: (index: number) => boolean;
  /** Run number → counterexample number, for the runs that found one. */
  readonly cexRuns: ReadonlyMap<number, number>;
}

/** One row of the runs table (the page's script draws the rows beyond `RUNS_LISTED` with it too). */
export function runRow(run: RowRun, ctx: RowContext): string {
  const key = `run-${run.index}`;
  const { crashes, others } = faultColumns(run.faultList);
  const outcome = run.violated ? '<td class="bad">✗ violated</td>' : run.unknown?.length ? '<td class="unknown">? not checked</td>' : '<td class="good">✓ held</td>';
  const cex = ctx.cexRuns.get(run.index);
  const diagram = ctx.withDiagram(run.index);
  const link = diagram
    ? `<a href="#${detailId(key)}">diagram</a>`
    : `<details><summary>replay</summary><code>${esc(`${ctx.replayCommand} --faults ${shellQuote(formatFaults(run.faultList))}`)}</code></details>`;
  return (
    `<tr id="run-${run.index}"><td class="num"><a href="#${diagram ? detailId(key) : `run-${run.index}`}">${run.index}</a></td>` +
    `<td>${tested(ctx.strategy, run)}${cex ? ` · <a href="#cex-${cex}">counterexample ${cex}</a>` : ''}</td>` +
    `<td class="nowrap"><code>${esc(crashes)}</code></td><td><code>${esc(others)}</code></td>${outcome}<td>${link}</td></tr>`
  );
}

/**
 * Every run of the search: what it tested, its crashes and its other faults apart, its outcome, and a
 * link to its diagram (drawn in the page, or drawn by the page's script from its data), or the
 * command that replays it (runs beyond what a page holds). `inData`: the runs whose rows the page's
 * data carries, listed by the script on demand.
 */
export function runsTable(j: JsonReport, ctx: RowContext, counts: { drawn: number; onDemand: number; inData: number }): string {
  const total = reportRunCount(j);
  const listed = j.runs.filter((r) => isListed(r, ctx.cexRuns));
  const left = total - listed.length;
  const n = (k: number) => k.toLocaleString('en-US');
  const undrawn = total - counts.drawn - counts.onDemand;
  const how = [
    `${n(counts.drawn)} drawn in this page`,
    counts.onDemand ? `${n(counts.onDemand)} drawn when their link is followed (this needs JavaScript)` : '',
    undrawn ? `${n(undrawn)} with the command that replays them` : '',
  ].filter(Boolean);
  return [
    '<section id="runs">',
    `<h2>Runs <small>${n(total)} run${total === 1 ? '' : 's'}${how.length > 1 ? `: ${how.join(', ')}` : ''}</small></h2>`,
    '<table class="runs">',
    '<thead><tr><th>#</th><th>tested</th><th>crashes</th><th>omissions (@a..b: every step from a to b) and other faults</th><th>outcome</th><th>run</th></tr></thead>',
    `<tbody id="run-rows">${listed.map((r) => runRow(r, ctx)).join('\n')}</tbody>`,
    '</table>',
    counts.inData ? `<p class="ended" id="more-runs-note">${n(counts.inData)} more runs, none of which broke the invariant (every run that did is listed above). <button type="button" id="more-runs">List ${n(Math.min(RUNS_PER_PAGE, counts.inData))} more</button> <noscript>(listing them needs JavaScript)</noscript></p>` : '',
    left > counts.inData ? `<p class="ended">${n(left - counts.inData)} runs${counts.inData ? ' beyond those' : ', none of which broke the invariant (every run that did is listed),'} are not in this page: the JSON report (--json) lists every run with its faults; any one replays with <code>${esc(j.replayCommand)} --faults '…'</code>.</p>` : '',
    '</section>',
  ].join('\n');
}

/** Whether the page writes the run's row itself (the first runs, and every run that violated). */
export function isListed(run: Pick<JsonRun, 'index' | 'violated'>, cexRuns: ReadonlyMap<number, number>): boolean {
  return run.index <= RUNS_LISTED || run.violated || cexRuns.has(run.index);
}

/** What a run was for: the fault-free run, the outcomes a hypothesis attacked, or the baseline's schedule. */
function tested(strategy: JsonReport['strategy'], run: RowRun): string {
  if (run.faultList.length === 0) return 'the fault-free run';
  if (strategy === 'random') return 'a random schedule';
  if (strategy === 'exhaustive') return 'the next schedule of the space';
  if (run.attacked.length === 0) return 'hypothesis';
  const names = run.attacked.slice(0, ATTACKED_SHOWN).map((o) => `<code>${esc(outcomeLabel(o))}</code>`).join(', ');
  const more = run.attacked.length > ATTACKED_SHOWN ? ` and ${run.attacked.length - ATTACKED_SHOWN} more` : '';
  return `hypothesis: break ${names}${more}`;
}
