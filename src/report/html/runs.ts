import type { JsonReport, JsonRun } from '../json.ts';
import { shellQuote } from '../../model/shell.ts';
import { esc } from './escape.ts';
import { faultColumns } from './faults-text.ts';
import { detailId } from './run-detail.ts';

/** Rows of the runs table at most (and every run that found a counterexample): the JSON report lists them all. */
export const RUNS_LISTED = 2000;

/** Attacked outcomes named in a row at most. */
const ATTACKED_SHOWN = 3;

/**
 * Every run of the search: what it tested, its crashes and its other faults apart, its outcome, and a
 * link to its diagram (drawn runs), or the command that replays it (runs beyond what a page holds).
 */
export function runsTable(j: JsonReport, drawn: ReadonlySet<string>, cexRuns: ReadonlyMap<number, number>): string {
  const row = (run: JsonRun) => {
    const key = `run-${run.index}`;
    const { crashes, others } = faultColumns(run.faultList);
    const outcome = run.violated ? '<td class="bad">✗ violated</td>' : run.unknown?.length ? '<td class="unknown">? not fully checked</td>' : '<td class="good">✓ held</td>';
    const cex = cexRuns.get(run.index);
    const link = drawn.has(key)
      ? `<a href="#${detailId(key)}">diagram</a>`
      : `<details><summary>replay</summary><code>${esc(`${j.replayCommand} --faults ${shellQuote(run.faults)}`)}</code></details>`;
    return (
      `<tr id="run-${run.index}"><td class="num"><a href="#${drawn.has(key) ? detailId(key) : `run-${run.index}`}">${run.index}</a></td>` +
      `<td>${tested(j, run)}${cex ? ` · <a href="#cex-${cex}">counterexample ${cex}</a>` : ''}</td>` +
      `<td class="nowrap"><code>${esc(crashes)}</code></td><td><code>${esc(others)}</code></td>${outcome}<td>${link}</td></tr>`
    );
  };
  const undrawn = j.runs.length - j.runs.filter((r) => drawn.has(`run-${r.index}`)).length;
  const listed = j.runs.filter((r) => r.index <= RUNS_LISTED || r.violated || cexRuns.has(r.index));
  const left = j.runs.length - listed.length;
  return [
    '<section id="runs">',
    `<h2>Runs <small>${j.runs.length.toLocaleString('en-US')} run${j.runs.length === 1 ? '' : 's'}${undrawn ? `; the first ${j.runs.length - undrawn} drawn, the others with the command that replays them` : ''}</small></h2>`,
    '<table class="runs">',
    '<thead><tr><th>#</th><th>tested</th><th>crashes</th><th>omissions (@a..b: every step from a to b) and other faults</th><th>outcome</th><th>run</th></tr></thead>',
    `<tbody>${listed.map(row).join('\n')}</tbody>`,
    '</table>',
    left ? `<p class="ended">${left.toLocaleString('en-US')} more runs, none of which broke the invariant (every run that did is listed), are not listed here: the JSON report (--json) lists every run with its faults; any one replays with <code>${esc(j.replayCommand)} --faults '…'</code>.</p>` : '',
    '</section>',
  ].join('\n');
}

/** What a run was for: the fault-free run, the outcomes a hypothesis attacked, or the baseline's schedule. */
function tested(j: JsonReport, run: JsonRun): string {
  if (run.faultList.length === 0) return 'the fault-free run';
  if (j.strategy === 'random') return 'a random schedule';
  if (j.strategy === 'exhaustive') return 'the next schedule of the space';
  if (run.attacked.length === 0) return 'hypothesis';
  const names = run.attacked.slice(0, ATTACKED_SHOWN).map((o) => `<code>${esc(o)}</code>`).join(', ');
  const more = run.attacked.length > ATTACKED_SHOWN ? ` and ${run.attacked.length - ATTACKED_SHOWN} more` : '';
  return `hypothesis: break ${names}${more}`;
}
