import type { SearchResult } from '../../search/result.ts';
import { formatBig } from '../text.ts';
import { attackedText, boundsText, lineageText } from '../verdict.ts';
import { reportRunCount, toJsonReport, type JsonReport } from '../json.ts';
import { counterexampleSection } from './counterexample.ts';
import { CSS } from './css.ts';
import { esc } from './escape.ts';
import { resilienceSection } from './resilience.ts';
import { runDetail, violationTexts } from './run-detail.ts';
import { isListed, runsTable, RUNS_IN_PAGE } from './runs.ts';
import { gzipSync } from 'node:zlib';
import { CLIENT_SCRIPT } from './client-bundle.ts';
import { DATA_ID, DRAWN_HERE_ID, rowContext, type PageData } from './page-data.ts';

/**
 * The report of a search as one self-contained HTML page: inline CSS and SVG, no font or network, so
 * it opens from file:// and can be attached to a bug report as is. Drawn from the JSON report, so
 * that `ldfi report run.json --html` gives the same page as `--html` did. Everything but the runs
 * beyond the first ones works without script; those are drawn by the page's inline script
 * (`client.ts`) from the packed messages it carries, with the same code.
 */
export function formatHtmlReport(r: SearchResult): string {
  // A page lists at most RUNS_IN_PAGE runs: the others need not be read back from disk.
  return renderHtmlReport(toJsonReport(r, undefined, { runs: true, runsLimit: RUNS_IN_PAGE }));
}

/** The page of a JSON report (`JsonReport`, as `ldfi run --json` writes it). */
export function renderHtmlReport(j: JsonReport): string {
  const details = new Map((j.details?.runs ?? []).map((d) => [d.key, d]));
  const drawnRuns = new Set([...details.keys()].filter((k) => k.startsWith('run-')));
  const cexRuns = new Map(j.counterexamples.map((c, i) => [c.foundAtRun, i + 1]));
  const data = pageData(j, drawnRuns, cexRuns);
  const ctx = rowContext(data, cexRuns);
  const script = data.runs.length || data.rows.length;
  const title = `ldfi: ${j.verdict.mark} ${j.verdict.headline}`;
  const runDetails = j.runs.flatMap((run) => {
    const d = details.get(`run-${run.index}`);
    const violations = violationTexts(run);
    return d ? [runDetail({ key: d.key, title: run.index === 1 && run.faultList.length === 0 ? 'Run 1, the fault-free run' : `Run ${run.index}`, faults: d.faultList, faultText: d.faults, violated: d.violated, unchecked: run.unknown, messages: d.messages, states: d.states, violations, findings: run.violations }, j.bounds, j.replayCommand)] : [];
  });
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
    header(j),
    '<main>',
    ...(j.details?.error ? [`<p class="ended">The drawings of this report are missing: gathering them failed (${esc(j.details.error)}). The verdict stands.</p>`] : []),
    ...j.counterexamples.map((c, i) => counterexampleSection(j, c, i + 1, details)),
    resilienceSection(j, ctx.withDiagram),
    runsTable(j, ctx, { drawn: data.drawn.length, onDemand: data.runs.length, inData: data.rows.length }),
    ...runDetails,
    ...(script ? [`<div id="${DRAWN_HERE_ID}"></div>`] : []),
    '</main>',
    // The data first: the script reads it as it starts.
    ...(script ? [`<script id="${DATA_ID}" type="application/octet-stream">${gzipSync(JSON.stringify(data), { level: 9 }).toString('base64')}</script>`, `<script>${CLIENT_SCRIPT}</script>`] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(j: JsonReport): string {
  const b = j.bounds;
  const facts: [string, string][] = [
    ['target', `${j.target.files.join(' ')}${j.target.includes?.length ? `, including ${j.target.includes.join(', ')}` : ''} (${j.target.kind}, content ${j.target.contentHash})`],
    ['bounds', boundsText(b, j.restriction)],
    ...(lineageText(j.target) ? [['lineage', lineageText(j.target)!] as [string, string]] : []),
    ['strategy', j.strategy],
    // A seed matters to the random strategy and to simulated networks only.
    ...(j.strategy === 'random' || j.target.seeded ? [['seed', j.seed] as [string, string]] : []),
    ['runs', String(reportRunCount(j))],
    ...(j.strategy === 'ldfi' ? [['hypotheses', String(j.hypotheses)] as [string, string]] : []),
    ['fault space', `${formatBig(BigInt(j.faultSpace))} schedules${j.restriction ? ` (targeted: '${j.restriction}')` : ''}`],
    ['outcomes', attackedText(j.outcomes, j.strategy, j.target.footprints)],
    ...(j.caveat ? [['not a proof', j.caveat] as [string, string]] : []),
  ];
  const toc = [
    ...j.counterexamples.map((_, i) => `<a href="#cex-${i + 1}">counterexample ${i + 1}</a>`),
    `<a href="#why">why ${j.status === 'resilient' ? 'resilient' : 'it ended here'}</a>`,
    '<a href="#runs">runs</a>',
  ];
  return [
    '<header>',
    `<h1 class="verdict ${j.status}">${esc(`${j.verdict.mark} ${j.verdict.headline}`)}</h1>`,
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`,
    `<nav class="toc">${toc.join('')}</nav>`,
    '</header>',
  ].join('\n');
}

/** The runs the page's script draws and lists: packed runs not drawn here, rows beyond those written. */
function pageData(j: JsonReport, drawnRuns: ReadonlySet<string>, cexRuns: ReadonlyMap<number, number>): PageData {
  const packed = j.details?.packed;
  const byIndex = new Map(j.runs.map((r) => [r.index, r]));
  const runs: PageData['runs'][number][] = [];
  for (const p of packed?.runs ?? []) {
    const run = byIndex.get(p.index);
    if (!run || drawnRuns.has(`run-${p.index}`)) continue;
    runs.push({ index: p.index, faultList: run.faultList, violated: run.violated, violations: violationTexts(run), ...(run.unknown?.length ? { unknown: run.unknown } : {}), messages: p.messages });
  }
  const listed = j.runs.filter((r) => isListed(r, cexRuns)).length;
  const rows = j.runs
    .filter((r) => !isListed(r, cexRuns))
    .slice(0, Math.max(0, RUNS_IN_PAGE - listed))
    .map((r) => ({ index: r.index, faultList: r.faultList, violated: r.violated, attacked: r.attacked, ...(r.unknown?.length ? { unknown: r.unknown } : {}) }));
  // Only the strings the runs drawn here use are needed, but the packing shares them: keep all.
  return {
    bounds: j.bounds,
    replayCommand: j.replayCommand,
    strategy: j.strategy,
    drawn: [...drawnRuns].map((k) => Number(k.slice('run-'.length))),
    strings: runs.length ? (packed?.strings ?? []) : [],
    runs,
    rows,
  };
}
