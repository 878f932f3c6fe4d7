// The page's script (bundled into client-bundle.ts by scripts/bundle-client.ts): draws a run's
// diagram when its link is followed, from the packed messages the page carries, with the same code
// that draws the page's own diagrams; and lists the runs beyond the first rows on demand.
import { formatFaults } from '../../injector/text.ts';
import { unpackMessages } from '../../search/packed.ts';
import { DATA_ID, DRAWN_HERE_ID, rowContext, type PageData } from './page-data.ts';
import { runDetail, detailId } from './run-detail.ts';
import { RUNS_PER_PAGE, runRow } from './runs.ts';

let data: Promise<PageData> | undefined;

function load(): Promise<PageData> {
  data ??= (async () => {
    const text = document.getElementById(DATA_ID)?.textContent ?? '';
    const bytes = Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));
    const json = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
    return JSON.parse(json) as PageData;
  })();
  return data;
}

let opened: Element | undefined;

async function showTarget(): Promise<void> {
  opened?.classList.remove('shown');
  opened = undefined;
  const id = decodeURIComponent(location.hash.slice(1));
  const m = /^d-run-(\d+)$/.exec(id);
  if (!m || document.getElementById(id)?.matches(':target')) return;
  let section = document.getElementById(id);
  if (!section) {
    const d = await load();
    const index = Number(m[1]);
    const run = d.runs.find((r) => r.index === index);
    if (!run) return;
    const html = runDetail(
      { key: `run-${index}`, title: `Run ${index}`, faults: run.faultList, faultText: formatFaults(run.faultList), violated: run.violated, unchecked: run.unknown, messages: unpackMessages(d.strings, run.messages), violations: run.violations },
      d.bounds,
      d.replayCommand,
    );
    document.getElementById(DRAWN_HERE_ID)?.insertAdjacentHTML('beforeend', html);
    section = document.getElementById(detailId(`run-${index}`));
    // The link may have changed while the data was read.
    if (!section || decodeURIComponent(location.hash.slice(1)) !== id) return;
  }
  // An element added after the navigation is not the :target: show it by class instead.
  section.classList.add('shown');
  opened = section;
  section.scrollIntoView();
}

async function listMore(button: HTMLButtonElement): Promise<void> {
  const d = await load();
  const body = document.getElementById('run-rows');
  if (!body) return;
  const shown = Number(button.dataset.shown ?? '0');
  const next = d.rows.slice(shown, shown + RUNS_PER_PAGE);
  // No run listed here found a counterexample: those are all in the page's own rows.
  const ctx = rowContext(d, new Map());
  body.insertAdjacentHTML('beforeend', next.map((r) => runRow(r, ctx)).join('\n'));
  const now = shown + next.length;
  button.dataset.shown = String(now);
  const left = d.rows.length - now;
  if (left <= 0) {
    const note = document.getElementById('more-runs-note');
    if (note) note.textContent = `Every run is listed above (${body.children.length.toLocaleString('en-US')} runs).`;
  } else button.textContent = `List ${Math.min(RUNS_PER_PAGE, left).toLocaleString('en-US')} more (${left.toLocaleString('en-US')} left)`;
}

addEventListener('hashchange', () => void showTarget());
document.getElementById('more-runs')?.addEventListener('click', (e) => void listMore(e.currentTarget as HTMLButtonElement));
void showTarget();
