import { describe, expect, it } from 'vitest';
import { formatHtmlReport } from '../../src/report/html.ts';
import { toJsonReport } from '../../src/report/json.ts';
import { search } from '../../src/search/index.ts';
import { SimTarget } from '../../src/targets/sim/target.ts';
import { schemaErrors } from '../helpers/report-schema.ts';

/**
 * The stream view of a counterexample found by a black-box check: the input streams and the output
 * stream on one time axis, the items the anomaly names marked and linked to the messages that
 * carried them, the same evidence in the JSON report.
 */
describe('HTML stream view', () => {
  it('marks the stale decision, its witness and the price it needed, each linked to a message of the run', async () => {
    const t = await SimTarget.open('examples/sim/trade-acceptance-stale-price.ts', { seed: '1' });
    const r = await search(t, { strategy: 'ldfi', seed: '1' });
    expect(r.status).toBe('counterexample');
    const v = r.counterexamples[0].violations[0];
    expect(v.evidence?.kind).toBe('stale');
    expect(v.evidence?.outputs.map((o) => o.value)).toEqual(['{"id":"t3","ok":true}', '{"id":"t2","ok":true}']);
    expect(v.evidence?.inputs).toEqual([{ node: 'feed', at: 6, value: '{"px":110}' }]);

    const json = toJsonReport(r, { timings: false });
    expect(schemaErrors(json)).toEqual([]);
    expect(JSON.stringify(json)).toContain('"evidence":{"kind":"stale"');

    const html = formatHtmlReport(r);
    const figure = /<figure class="streams">([\s\S]*?)<\/figure>/.exec(html)?.[1] ?? '';
    expect(figure).toContain('in: feed');
    expect(figure).toContain('out: desk');
    // Two outputs and one input marked; every link of the view lands on a message line of the page.
    expect(figure.match(/class="(in|out) marked"/g)).toHaveLength(3);
    const links = [...figure.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThanOrEqual(3);
    for (const id of links) expect(html, id).toContain(`id="${id}"`);
    // A run whose invariant gives no evidence has no stream view.
    const plain = await search(await SimTarget.open('examples/sim/pipeline-at-least-once.ts', { seed: '1' }), { strategy: 'ldfi', seed: '1' });
    expect(formatHtmlReport(plain)).not.toContain('<figure class="streams">');
  });
});
