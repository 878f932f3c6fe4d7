import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { reportDetails } from '../../src/report/details.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHtmlReport } from '../../src/report/html.ts';
import { search, type SearchResult } from '../../src/search/index.ts';
import { openTarget } from '../../src/index.ts';
import { RUNS_LISTED } from '../../src/report/html/runs.ts';

/**
 * The HTML reports opened in a real browser (Debian's chromium, which .ci/run installs when missing):
 * a counterexample report and a resilient report of each target kind. Screenshots stay in the test's
 * temporary folder, named in the output, for a person to look at.
 */
const CHROMIUM = process.env.LDFI_CHROMIUM ?? '/usr/bin/chromium';
const shots = mkdtempSync(join(tmpdir(), 'ldfi-browser-'));
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // As root in CI; no network: the page must need none.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  console.log(`screenshots in ${shots}`);
});

afterAll(async () => {
  await browser?.close();
});

const cases: { name: string; files: string[]; options: Parameters<typeof openTarget>[1]; expect: SearchResult['status']; lineage: boolean }[] = [
  { name: 'dedalus-counterexample', files: ['examples/dedalus/broadcast-naive.ded'], options: { eot: 4, eff: 2, crashes: 1 }, expect: 'counterexample', lineage: true },
  { name: 'dedalus-resilient', files: ['examples/dedalus/broadcast-ack.ded'], options: { eot: 6, eff: 5, crashes: 0 }, expect: 'resilient', lineage: true },
  { name: 'sim-counterexample', files: ['examples/sim/chain-replication-buggy.ts'], options: {}, expect: 'counterexample', lineage: true },
  { name: 'sim-resilient', files: ['examples/sim/primary-backup-sync.ts'], options: {}, expect: 'resilient', lineage: true },
  { name: 'tcp-counterexample', files: ['examples/tcp/double-halve/ldfi.tcp.ts'], options: { eot: 8 }, expect: 'counterexample', lineage: true },
  { name: 'tcp-resilient', files: ['examples/tcp/double-halve/ldfi-recovery.tcp.ts'], options: { eot: 10, eff: 2, crashes: 0, faultKinds: ['omit'] }, expect: 'resilient', lineage: false },
];

/** Opens a page, failing on any console error or failed request. */
async function open(file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  await page.goto(`file://${file}`);
  return { page, errors };
}

/** Pairs of overlapping label boxes among the visible diagram's labels, as the browser lays them out. */
async function overlappingLabels(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluate((root) => {
    const boxes = [...root.querySelectorAll('svg.st text.label')].map((t) => ({ text: t.textContent ?? '', r: (t as SVGGraphicsElement).getBoundingClientRect() }));
    const out: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i].r, boxes[j].r];
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) out.push(`${boxes[i].text} / ${boxes[j].text}`);
      }
    }
    return out;
  });
}

describe('HTML reports in a real browser (headless chromium)', () => {
  for (const c of cases) {
    it(`${c.name}: opens without errors, a click shows a run's diagram, labels do not overlap`, { timeout: 120_000 }, async () => {
      const target = await openTarget(c.files, c.options);
      const result = await search(target, { seed: '1' });
      expect(result.status).toBe(c.expect);
      const file = join(shots, `${c.name}.html`);
      writeFileSync(file, formatHtmlReport(result));
      const { page, errors } = await open(file);
      try {
        expect(await page.locator('h1.verdict').textContent()).toMatch(c.expect === 'resilient' ? /^✓ resilient/ : /^✗ 1 counterexample/);
        // A run of the table: its diagram is hidden until its link is clicked.
        const run = result.runs.length > 1 ? 2 : 1;
        const detail = page.locator(`#d-run-${run}`);
        expect(await detail.isVisible()).toBe(false);
        await page.locator(`#run-${run} a`, { hasText: 'diagram' }).click();
        expect(await detail.isVisible()).toBe(true);
        expect(await detail.locator('svg.st').count()).toBe(1);
        expect(await detail.locator('svg.st g.msg').count()).toBeGreaterThan(0);
        expect(await overlappingLabels(page, `#d-run-${run}`)).toEqual([]);
        await detail.screenshot({ path: join(shots, `${c.name}-run-${run}.png`) });
        if (c.expect === 'counterexample') {
          const cex = page.locator('#cex-1');
          expect(await cex.locator('svg.st g.msg').count()).toBeGreaterThan(0);
          expect(await overlappingLabels(page, '#cex-1 #d-cex-1')).toEqual([]);
          if (c.lineage) expect(await cex.locator('svg.lineage g.cut').count()).toBeGreaterThan(0);
          await cex.screenshot({ path: join(shots, `${c.name}-cex.png`) });
        } else {
          const why = page.locator('#why');
          expect(await why.locator('p.ended').first().textContent()).toMatch(/No hypothesis was left|Every schedule/);
          if (c.lineage) expect(await why.locator('svg.lineage').count()).toBeGreaterThan(0);
          await why.screenshot({ path: join(shots, `${c.name}-why.png`) });
        }
        await page.screenshot({ path: join(shots, `${c.name}.png`) });
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }

  it('a search of 2,000+ runs: every run has its diagram (drawn by the page script beyond the first ones), and every row can be listed', { timeout: 120_000 }, async () => {
    const target = await openTarget(['examples/sim/failure-detector-eventual.ts'], {});
    // The footprint search alone (runs not compared by state) makes 2,000+ runs here.
    const result = await search(target, { seed: '1', compareStates: false });
    expect(result.runs.length).toBeGreaterThan(RUNS_LISTED);
    const drawnHere = new Set(reportDetails(result).runs.map((d) => d.runIndex));
    const packed = reportDetails(result).packed!.runs.map((r) => r.index);
    // Every run has a diagram: drawn in the page or packed for the script.
    expect(result.runs.filter((r) => !drawnHere.has(r.index) && !packed.includes(r.index))).toEqual([]);
    const file = join(shots, 'sim-many-runs.html');
    writeFileSync(file, formatHtmlReport(result));
    const { page, errors } = await open(file);
    try {
      const listed = RUNS_LISTED;
      expect(await page.locator('#run-rows tr').count()).toBe(listed);
      // A run in the first rows, drawn by the script when its link is followed.
      const early = packed.find((i) => i <= listed)!;
      expect(await page.locator(`#d-run-${early}`).count()).toBe(0);
      await page.locator(`#run-${early} a`, { hasText: 'diagram' }).click();
      const detail = page.locator(`#d-run-${early}`);
      await detail.locator('svg.st').waitFor();
      expect(await detail.isVisible()).toBe(true);
      expect(await detail.locator('svg.st g.msg').count()).toBe(reportDetails(result).packed!.runs.find((r) => r.index === early)!.messages.length / 7 - selfMessages(result, early));
      expect(await detail.locator('h3').textContent()).toContain(`Run ${early}`);
      expect(await overlappingLabels(page, `#d-run-${early}`)).toEqual([]);
      await detail.screenshot({ path: join(shots, `sim-many-runs-run-${early}.png`) });
      // Scrolled down a long run, the node names stay at the top of the diagram's box.
      const figure = detail.locator('figure.diagram');
      await figure.evaluate((el) => (el.scrollTop = 600));
      const [box, names] = [await figure.boundingBox(), await figure.locator('.lanes').boundingBox()];
      expect(Math.abs(names!.y - box!.y)).toBeLessThan(2);
      expect(await figure.locator('.lanes span').allTextContents()).toEqual(result.bounds.nodes);
      // The rows beyond the first ones, listed on demand; then one of them drawn.
      await page.locator('#more-runs').click();
      const last = result.runs.length;
      await page.locator(`#run-${last}`).waitFor();
      expect(await page.locator('#run-rows tr').count()).toBe(result.runs.length);
      expect(await page.locator('#more-runs-note').textContent()).toBe(`Every run is listed above (${result.runs.length.toLocaleString('en-US')} runs).`);
      await page.locator(`#run-${last} a`, { hasText: 'diagram' }).click();
      await page.locator(`#d-run-${last} svg.st`).waitFor();
      expect(await page.locator(`#d-run-${last}`).isVisible()).toBe(true);
      // The one shown before is hidden again: one run at a time, as with the page's own diagrams.
      expect(await detail.isVisible()).toBe(false);
      // The back link leads to the table.
      await page.locator(`#d-run-${last} a`, { hasText: 'back to the runs' }).click();
      // The page hides it on the hashchange that follows the click.
      await page.locator(`#d-run-${last}`).waitFor({ state: 'hidden', timeout: 10_000 });
      expect(page.url()).toMatch(/#runs$/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

/** Messages of a packed run from a node to itself, which diagrams leave out (local state, cannot fail). */
function selfMessages(result: SearchResult, index: number): number {
  const packed = reportDetails(result).packed!;
  const run = packed.runs.find((r) => r.index === index)!;
  let n = 0;
  for (let i = 0; i < run.messages.length; i += 7) if (run.messages[i] === run.messages[i + 1]) n++;
  return n;
}
