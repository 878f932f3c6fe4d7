import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHtmlReport } from '../../src/report/html.ts';
import { toJsonReport } from '../../src/report/json.ts';
import { formatJUnit } from '../../src/report/junit.ts';
import { formatSearchResult } from '../../src/report/text.ts';
import { search } from '../../src/search/index.ts';
import { startZ3, type SatBackend } from '../../src/solver/z3-backend.ts';
import { DedalusTarget } from '../../src/targets/dedalus/target.ts';
import { SimTarget } from '../../src/targets/sim/target.ts';
import { randomSimProtocol } from '../helpers/random-sim.ts';

let z3: SatBackend;
beforeAll(async () => {
  z3 = await startZ3();
});
afterAll(() => z3.close());

/** Everything the four reports say about one search, for comparing them. */
function reports(r: Awaited<ReturnType<typeof search>>) {
  return {
    text: formatSearchResult(r, { command: 'npx ldfi' }),
    json: toJsonReport(r, { timings: false }) as { status: string; proven: boolean; caveat?: string },
    junit: formatJUnit(r),
    html: formatHtmlReport(r),
  };
}

describe('one verdict in every report', () => {
  it('a search that cannot prove resilience says so in the terminal, JSON, JUnit and HTML alike', async () => {
    // Molly's strategy attacks good outcomes only: on a protocol of opaque handlers it cannot cover
    // what faults could create, so finding nothing must not look green anywhere.
    const t = await SimTarget.open('examples/sim/retry-broadcast.ts', { seed: '1', eot: 30, eff: 10, crashes: 0 });
    const r = await search(t, { strategy: 'molly', seed: '1' });
    expect(r.status).toBe('no-counterexample-found');
    const { text, json, junit, html } = reports(r);
    const caveat = /does not cover the runs' footprints/;
    expect(text.split('\n')[0]).toMatch(/^• no counterexample found within the bounds .*; not a proof: Molly's strategy attacks the good outcomes only/);
    expect(text).not.toMatch(/✓/);
    expect(json.status).toBe('no-counterexample-found');
    expect(json.proven).toBe(false);
    expect(json.caveat).toMatch(caveat);
    expect(junit).toMatch(/failures="0"/);
    // Every case is skipped with the caveat: a CI gate cannot read it as a pass.
    const cases = junit.match(/<testcase /g)!.length;
    expect(junit.match(/<skipped message="[^"]*not a proof[^"]*"/g)!.length).toBe(cases);
    expect(junit).toMatch(caveat);
    expect(html).toMatch(/<h1 class="verdict no-counterexample-found">• no counterexample found within the bounds/);
    expect(html).not.toMatch(/✓ resilient/);
  });

  it('LDFI on the same protocol proves it, and every report is green with the same words', async () => {
    const t = await SimTarget.open('examples/sim/retry-broadcast.ts', { seed: '1', eot: 30, eff: 10, crashes: 0 });
    const r = await search(t, { strategy: 'ldfi', seed: '1' });
    const { text, json, junit, html } = reports(r);
    expect(json.status).toBe('resilient');
    expect(json.proven).toBe(true);
    const headline = /resilient to [a-z, ()]+ within the bounds, in seed 1(?:'|&#39;)s delivery order \(--seeds for others\): every fault set is equivalent to one of the [\d,]+ runs made/;
    expect(text.split('\n')[0]).toMatch(new RegExp(`^✓ ${headline.source}`));
    expect(junit).not.toMatch(/<skipped|<failure/);
    expect(html).toMatch(new RegExp(`class="verdict resilient">✓ ${headline.source}`));
  });

  it('without negative support, a Dedalus search says the same', async () => {
    const t = new DedalusTarget(['examples/dedalus/broadcast-retry.ded'], { eot: 4, eff: 3, crashes: 0, negativeSupport: false });
    const r = await search(t, { strategy: 'ldfi', seed: '1' });
    const { text, json, junit, html } = reports(r);
    expect(json.status).toBe('no-counterexample-found');
    expect(text).toMatch(/^• .*not a proof: without negative support/);
    expect(junit).toMatch(/<skipped message="[^"]*without negative support/);
    expect(html).toMatch(/class="verdict no-counterexample-found"/);
  });

  it('a proof is green everywhere, and exhaustive search needs no lineage to prove', async () => {
    for (const negativeSupport of [true, false]) {
      const t = new DedalusTarget(['examples/dedalus/broadcast-retry.ded'], { eot: 4, eff: 3, crashes: 0, negativeSupport });
      const r = await search(t, { strategy: negativeSupport ? 'ldfi' : 'exhaustive', seed: '1' });
      const { text, json, junit, html } = reports(r);
      expect(json.status).toBe('resilient');
      expect(json.proven).toBe(true);
      expect(json.caveat).toBeUndefined();
      expect(text).toMatch(/^✓ resilient to [a-z, ()]+ within the bounds/);
      expect(junit).not.toMatch(/<skipped|<failure/);
      expect(html).toMatch(/class="verdict resilient">✓ resilient to [a-z, ()]+ within the bounds/);
    }
  });

  it('conservative lineage is named in every report, and a protocol with all its state tracked names none', async () => {
    const closures = randomSimProtocol({ targets: ['b'], acks: true, retries: 1, retryEvery: 2, dedupe: true, relay: false, timeout: undefined, latency: [1, 1], invariant: 'agreement', tracked: false }, true);
    const r = await search(SimTarget.of(closures, { seed: '1', eot: 10, eff: 3, crashes: 0 }), { strategy: 'ldfi', seed: '1' });
    const { text, junit, html } = reports(r);
    const json = toJsonReport(r, { timings: false }) as { target: { conservativeLineage?: string[] } };
    expect(json.target.conservativeLineage).toEqual(['a', 'b', 'c']);
    const line = 'conservative at a, b, c (state kept outside ctx.state)';
    expect(text).toContain(`  lineage: ${line}`);
    expect(junit).toContain(`<property name="lineage" value="${line}`);
    expect(html).toContain(line);
    const tracked = await search(await SimTarget.open('examples/sim/retry-broadcast.ts', { seed: '1', eot: 20, eff: 5, crashes: 0 }), { strategy: 'ldfi', seed: '1' });
    expect(formatSearchResult(tracked, { command: 'npx ldfi' })).not.toContain('lineage:');
    expect((toJsonReport(tracked, { timings: false }) as { target: object }).target).not.toHaveProperty('conservativeLineage');
  });
});
