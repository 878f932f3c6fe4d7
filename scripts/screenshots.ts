/**
 * `npm run screenshots`: regenerates the README's pictures of the HTML report (docs/img/): a
 * counterexample and a resilient report, for a Dedalus program and a sim protocol, drawn by the same
 * code as `--html` and photographed in headless chromium (LDFI_CHROMIUM, default /usr/bin/chromium).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { formatHtmlReport, openTarget, search } from '../src/index.ts';

const shots = [
  { name: 'dedalus-counterexample', files: ['examples/dedalus/broadcast-naive.ded'], options: { eot: 4, eff: 2, crashes: 1 }, part: '#cex-1' },
  { name: 'dedalus-resilient', files: ['examples/dedalus/broadcast-ack.ded'], options: { eot: 6, eff: 5, crashes: 0 }, part: '#why' },
  { name: 'sim-counterexample', files: ['examples/sim/chain-replication-buggy.ts'], options: {}, part: '#cex-1' },
  { name: 'sim-resilient', files: ['examples/sim/primary-backup-sync.ts'], options: {}, part: '#why' },
];

const out = 'docs/img';
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'ldfi-shots-'));
const browser = await chromium.launch({
  executablePath: process.env.LDFI_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  for (const s of shots) {
    const result = await search(await openTarget(s.files, s.options), { seed: '1' });
    const file = join(dir, `${s.name}.html`);
    writeFileSync(file, formatHtmlReport(result));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(`file://${file}`);
    // The part that tells the story, cut to a readable height.
    const part = page.locator(s.part);
    const box = await part.boundingBox();
    if (!box) throw new Error(`${s.name}: ${s.part} is not on the page`);
    await page.setViewportSize({ width: 1280, height: Math.ceil(Math.min(box.height, 1400) + box.y + 20) });
    await page.screenshot({ path: join(out, `${s.name}.png`), clip: { x: 0, y: Math.max(0, box.y - 10), width: 1280, height: Math.min(box.height, 1400) + 20 } });
    await page.close();
    console.log(`${out}/${s.name}.png: ${result.status}, ${result.runs.length} runs`);
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
