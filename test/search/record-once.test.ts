import { describe, expect, it } from 'vitest';
import { openTarget, search } from 'ldfi';
import type { Target } from '../../src/model/target.ts';
import { reportDetails } from '../../src/report/details.ts';
import { formatHtmlReport } from '../../src/report/html.ts';
import { toJsonReport } from '../../src/report/json.ts';
import { runCount } from '../../src/search/result.ts';

/** The target, with every execution it makes counted (one per schedule, also in a batch). */
function counting(inner: Target): { target: Target; executions: () => number } {
  let n = 0;
  const target = new Proxy(inner, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (prop === 'run') return (...args: Parameters<Target['run']>) => (n++, t.run(...args));
      if (prop === 'runMany' && t.runMany) {
        return async (...args: Parameters<NonNullable<Target['runMany']>>) => {
          const results = await t.runMany!(...args);
          n += results.length;
          return results;
        };
      }
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
  return { target, executions: () => n };
}

describe('record once, draw from the record', () => {
  it('a proof makes one execution per run, and its reports none', async () => {
    const { target, executions } = counting(await openTarget('examples/sim/primary-backup-sync.ts', { seed: '1' }));
    const r = await search(target);
    expect(r.status).toBe('resilient');
    expect(executions()).toBe(runCount(r));
    const details = reportDetails(r);
    formatHtmlReport(r);
    toJsonReport(r);
    expect(executions()).toBe(runCount(r));
    // The fault-free run is drawn with the states it had when it was made, and the lineage is kept.
    const first = details.runs.find((d) => d.key === 'run-1')!;
    expect(first.states?.some((s) => s.relation === 'output')).toBe(true);
    expect(details.lineage.length).toBeGreaterThan(0);
  });

  it('a counterexample: runs and shrink steps, each made once; its states come from its own run', async () => {
    const { target, executions } = counting(await openTarget('examples/sim/primary-backup-async.ts', { seed: '1' }));
    const r = await search(target, { findAll: true });
    expect(r.status).toBe('counterexample');
    const shrinkRuns = r.counterexamples.reduce((n, c) => n + (c.shrinkSteps?.length ?? 0), 0);
    expect(executions()).toBe(runCount(r) + shrinkRuns);
    const details = reportDetails(r);
    expect(executions()).toBe(runCount(r) + shrinkRuns);
    for (const [j, c] of r.counterexamples.entries()) {
      const drawn = details.runs.find((d) => d.key === `cex-${j + 1}`)!;
      expect(drawn.messages).toEqual(c.messages);
      expect(drawn.states?.length).toBeGreaterThan(0);
    }
  });

  it('a Dedalus search with another strategy keeps the fault-free run it made, with its lineage', async () => {
    const { target, executions } = counting(await openTarget('examples/dedalus/broadcast-naive.ded', { eot: 4, eff: 1 }));
    const r = await search(target, { strategy: 'exhaustive' });
    expect(r.status).toBe('resilient');
    expect(executions()).toBe(runCount(r));
    const details = reportDetails(r);
    expect(details.lineage.map((l) => l.outcome).sort()).toEqual([...r.outcomes].sort());
    expect(details.runs.find((d) => d.key === 'run-1')!.states?.length).toBeGreaterThan(0);
  });
});
