import { describe, expect, it } from 'vitest';
import { toJsonReport } from '../../src/report/json.ts';
import { search, type SearchResult } from '../../src/search/index.ts';
import { openTarget } from '../../src/index.ts';
import { schemaErrors } from '../helpers/report-schema.ts';
import { ms } from '../helpers/time.ts';

/** A report as written and read back: what a consumer of the file sees. */
const asWritten = (r: SearchResult, timings = true) => JSON.parse(JSON.stringify(toJsonReport(r, { timings })));

describe('docs/report.schema.json', () => {
  it('every status, of every target kind, validates', async () => {
    const reports: [string, SearchResult][] = [];
    const naive = () => openTarget('examples/dedalus/broadcast-naive.ded', { eot: 4, eff: 2, crashes: 1 });
    reports.push(['dedalus counterexample, all of them', await search(await naive(), { seed: '1', findAll: true })]);
    reports.push(['dedalus resilient', await search(await openTarget('examples/dedalus/broadcast-ack.ded', { eot: 6, eff: 5 }), { seed: '1' })]);
    reports.push(['dedalus without negative support', await search(await openTarget('examples/dedalus/broadcast-ack.ded', { eot: 6, eff: 5, negativeSupport: false }), { seed: '1' })]);
    reports.push(['random, run budget', await search(await openTarget('examples/dedalus/broadcast-ack.ded', { eot: 6, eff: 5 }), { strategy: 'random', maxRuns: 3, seed: '1' })]);
    reports.push(['exhaustive', await search(await openTarget('examples/dedalus/broadcast-naive.ded', { eot: 3, eff: 1 }), { strategy: 'exhaustive', seed: '1' })]);
    const stop = new AbortController();
    stop.abort();
    reports.push(['interrupted', await search(await naive(), { seed: '1', signal: stop.signal })]);
    reports.push(['sim counterexample', await search(await openTarget('examples/sim/primary-backup-async.ts'), { seed: '1' })]);
    reports.push(['sim resilient', await search(await openTarget('examples/sim/primary-backup-sync.ts'), { seed: '1' })]);
    reports.push(['tcp counterexample', await search(await openTarget('examples/tcp/double-halve/ldfi.tcp.ts', { eot: 8 }), { seed: '1' })]);
    const statuses = new Set(reports.map(([, r]) => r.status));
    expect([...statuses].sort()).toEqual(['budget-exhausted', 'counterexample', 'interrupted', 'no-counterexample-found', 'resilient']);
    for (const [name, r] of reports) {
      expect(schemaErrors(asWritten(r)), name).toEqual([]);
      expect(schemaErrors(asWritten(r, false)), `${name}, --no-timings`).toEqual([]);
    }
    // ldfi's own failure: the same report shape, with its error.
    const [, any] = reports[0];
    expect(schemaErrors(asWritten({ ...any, status: 'internal-error', error: 'a solver trap' }))).toEqual([]);
  }, ms(240_000));

  it('rejects what it does not document: an unknown status, message status or field', async () => {
    const r = asWritten(await search(await openTarget('examples/dedalus/broadcast-naive.ded', { eot: 4, eff: 2 }), { seed: '1' }));
    expect(schemaErrors({ ...r, status: 'maybe' }).join()).toMatch(/\/status/);
    const bad = structuredClone(r);
    bad.counterexamples[0].messages[0].status = 'arrived';
    expect(schemaErrors(bad).join()).toMatch(/\/counterexamples\/0\/messages\/0\/status/);
    expect(schemaErrors({ ...r, surprise: 1 }).join()).toMatch(/additional/);
  });
});
