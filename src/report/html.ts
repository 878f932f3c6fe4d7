import { formatFaults } from '../injector/text.ts';
import type { Counterexample, RunRecord, SearchResult } from '../search/result.ts';
import { escapeHtml as esc, spaceTimeSvg } from './spacetime-svg.ts';
import { plural, verdictOf } from './verdict.ts';
import { formatBig } from './text.ts';

/**
 * The report as one self-contained HTML page: inline CSS and SVG only, no scripts, fonts or network,
 * so it opens from file:// and can be attached to a bug report as is (what Molly's users missed).
 */
export function formatHtmlReport(r: SearchResult): string {
  const title = `ldfi: ${verdict(r)}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    header(r),
    '<main>',
    ...r.counterexamples.map((c, i) => counterexampleSection(c, i + 1, r)),
    runsTable(r.runs),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The same verdict line as the terminal report (src/report/verdict.ts decides it for both). */
function verdict(r: SearchResult): string {
  const v = verdictOf(r);
  return `${v.mark} ${v.headline}`;
}

function header(r: SearchResult): string {
  const b = r.bounds;
  const good = r.outcomes.filter((o) => !o.startsWith('not:')).length;
  const watched = r.outcomes.length - good;
  const facts: [string, string][] = [
    ['target', `${r.target.files.join(' ')} (${r.target.kind}, content ${r.target.contentHash})`],
    ['bounds', `EOT ${b.eot}, EFF ${b.eff}, crashes ${b.crashes}, nodes ${b.nodes.join(',')}`],
    ['strategy', r.strategy],
    ['seed', r.seed],
    ['runs', String(r.runs.length)],
    ...(r.strategy === 'ldfi' ? [['hypotheses', String(r.hypotheses)] as [string, string]] : []),
    ['fault space', `${formatBig(r.faultSpace)} schedules${r.restriction ? ` (targeted: '${r.restriction}')` : ''}`],
    ['outcomes', `${plural(good, 'good outcome')} attacked${watched ? `, ${plural(watched, 'potential violation')} watched` : ''}`],
  ];
  return [
    '<header>',
    `<h1 class="verdict ${r.status}">${esc(verdict(r))}</h1>`,
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`,
    '</header>',
  ].join('\n');
}

function counterexampleSection(c: Counterexample, n: number, r: SearchResult): string {
  const of = r.counterexamples.length;
  const shrunk = c.foundAs.length !== c.faults.length ? `, shrunk from ${c.foundAs.length} faults to ${c.faults.length}` : '';
  const rows: [string, string][] = [
    ['faults', `<code>${esc(formatFaults(c.faults))}</code>`],
    ...c.violations.map((v) => ['violated', esc(v.message)] as [string, string]),
    ...(c.error ? [['error', esc(c.error)] as [string, string]] : []),
  ];
  return [
    `<section class="cex" id="cex-${n}">`,
    `<h2>Counterexample${of > 1 ? ` ${n}/${of}` : ''} <small>found at <a href="#run-${c.foundAtRun}">run ${c.foundAtRun}</a>${esc(shrunk)}</small></h2>`,
    `<dl class="cex-facts">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`,
    `<h3>Replay</h3>`,
    `<pre class="replay"><code>${esc(c.replay)}</code></pre>`,
    `<h3>Run</h3>`,
    LEGEND,
    `<figure class="diagram">${spaceTimeSvg(c.messages, c.faults, r.bounds.nodes, r.bounds.eot, `st${n}`)}</figure>`,
    '</section>',
  ].join('\n');
}

function runsTable(runs: readonly RunRecord[]): string {
  const row = (run: RunRecord) => {
    const bad = run.violations.length > 0 || run.error !== undefined;
    const details = [...run.violations.map((v) => v.message), ...(run.error ? [`error: ${run.error}`] : [])];
    return (
      `<tr id="run-${run.index}" class="${bad ? 'violated' : 'passed'}">` +
      `<td class="num">${run.index}</td><td><code>${esc(formatFaults(run.faults))}</code></td>` +
      `<td>${bad ? '✗ yes' : '✓ no'}</td><td>${details.map(esc).join('<br>')}</td></tr>`
    );
  };
  return [
    '<section id="runs">',
    `<h2>Runs <small>${plural(runs.length, 'run')}</small></h2>`,
    '<table>',
    '<thead><tr><th>#</th><th>faults</th><th>violated?</th><th>violations</th></tr></thead>',
    `<tbody>${runs.map(row).join('\n')}</tbody>`,
    '</table>',
    '</section>',
  ].join('\n');
}


// Drawn with CSS borders rather than SVG, so the page's SVGs hold only the diagrams.
const LEGEND = [
  '<p class="legend">',
  '<span><i class="solid"></i>delivered</span>',
  '<span><i class="dashed"></i>✕ lost (omitted midway, or at a receiver that is down)</span>',
  '<span><i class="grey"></i>not sent (sender crashed)</span>',
  '<span><i class="crashbar"></i>crash (sends nothing from then on)</span>',
  '<span><i class="band"></i>restart, disconnect or partition window</span>',
  '<span>hover an arrow for the full message</span>',
  '</p>',
].join('');

// System fonts only: a web font would need the network.
const CSS = `
:root { color-scheme: light; --ink: #212121; --muted: #616161; --line: #e0e0e0; --bad: #c62828; --good: #2e7d32; --warn: #8d6e00; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 1.5rem; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
h1.counterexample, h1.internal-error { color: var(--bad); } h1.resilient { color: var(--good); } h1.budget-exhausted, h1.interrupted, h1.no-counterexample-found { color: var(--warn); }
h2 { font-size: 1.15rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 2rem; }
h2 small { font-weight: normal; color: var(--muted); font-size: .85rem; margin-left: .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; }
pre.replay { background: #f5f5f5; border: 1px solid var(--line); border-radius: 4px; padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; user-select: all; }
figure.diagram { margin: .5rem 0; overflow-x: auto; }
.legend { color: var(--muted); font-size: 13px; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; margin: .2rem 0; }
.legend i { display: inline-block; width: 28px; height: 0; vertical-align: middle; margin-right: .4rem; }
.legend .solid { border-top: 2px solid #1f4e8c; } .legend .dashed { border-top: 2px dashed var(--bad); }
.legend .grey { border-top: 2px solid #9e9e9e; } .legend .band { height: 10px; width: 20px; background: #c6282814; border: 1px solid #c628285a; border-radius: 3px; } .legend .crashbar { height: 8px; width: 20px; background: var(--bad); border-radius: 2px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num { text-align: right; color: var(--muted); }
tr.violated td:nth-child(3) { color: var(--bad); font-weight: 600; }
tr:target { background: #fff8e1; }
`;
