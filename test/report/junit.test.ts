import { describe, expect, it } from 'vitest';
import { formatJUnit } from '../../src/report/junit.ts';
import { search } from '../../src/search/index.ts';
import { DedalusTarget } from '../../src/targets/dedalus/target.ts';

const naive = (findAll: boolean, crashes = 0) =>
  search(new DedalusTarget(['examples/dedalus/broadcast-naive.ded'], { eot: 4, eff: 2, crashes, nodes: ['a', 'b', 'c'], negativeSupport: true }), { seed: '1', findAll });

describe('JUnit report', () => {
  it('has one failure per counterexample, named by what it violated, with the replay line in its body', async () => {
    const r = await naive(true, 1);
    expect(r.counterexamples.length).toBeGreaterThan(1);
    const xml = formatJUnit(r);
    expect(xml).toContain(`failures="${r.counterexamples.length}"`);
    expect(xml.match(/<failure /g)!.length).toBe(r.counterexamples.length);
    r.counterexamples.forEach((c, i) => {
      const name = `counterexample ${i + 1}/${r.counterexamples.length}: ${c.violations[0].message.replace(/"/g, '&quot;')}`;
      const at = xml.indexOf(`name="${name}`);
      expect(at, name).toBeGreaterThan(0);
      const body = xml.slice(at, xml.indexOf('</testcase>', at));
      expect(body).toContain(`replay: ${c.replay.replace(/'/g, "'")}`);
    });
  });

  it('skips, never passes, the outcomes a search that stopped at its first counterexample did not prove', async () => {
    const r = await naive(false);
    expect(r.counterexamples).toHaveLength(1);
    const xml = formatJUnit(r);
    expect(xml.match(/<failure /g)!.length).toBe(1);
    const others = xml.match(/<testcase [^>]*survives every fault set[^>]*>\s*<skipped message="not searched to the end/g) ?? [];
    expect(others.length).toBe(1);
    // Every test case either failed or was skipped: none passed.
    const cases = xml.match(/<testcase /g)!.length;
    expect(cases).toBe(xml.match(/<failure |<skipped /g)!.length);
  });

  it('passes every case of a proof', async () => {
    const r = await search(new DedalusTarget(['examples/dedalus/broadcast-naive.ded'], { eot: 4, eff: 1, crashes: 0, nodes: ['a', 'b', 'c'], negativeSupport: true }), { seed: '1' });
    expect(r.status).toBe('resilient');
    const xml = formatJUnit(r);
    expect(xml).not.toMatch(/<failure|<skipped|<error/);
    expect(xml).toContain('name="the invariant holds within EOT 4, EFF 1, 0 crashes"');
    expect(xml).toContain('survives every fault set within the bounds');
  });
});
