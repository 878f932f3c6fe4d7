import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatFaults } from '../../../src/injector/format.ts';
import { parseFaults } from '../../../src/injector/text.ts';
import { parseRestriction } from '../../../src/injector/restriction.ts';
import { messageTraceHash } from '../../../src/targets/tcp/canonical.ts';
import { formatWhyTree } from '../../../src/lineage/why.ts';
import { search } from '../../../src/search/index.ts';
import { liveProcesses } from '../../../src/targets/tcp/processes.ts';
import { TcpTarget } from '../../../src/targets/tcp/target.ts';

/**
 * The checkout example (issue 22): three HTTP services, Node and Python, a charge retried after its
 * answer was lost. LDFI finds the double charge, it replays from the printed line, `why` shows the
 * retry and the lost answer that made it, and the idempotent fix is proved within small bounds.
 */
const DIR = 'examples/tcp/checkout';

describe('tcp: a checkout over HTTP (Node and Python services), retries without an idempotency key', () => {
  it('LDFI finds the double charge in a few runs: the charge answered, its answer lost, the retry charged again', async () => {
    const t = await TcpTarget.open(`${DIR}/ldfi.tcp.ts`, {});
    const r = await search(t, { strategy: 'ldfi' });
    expect(r.status).toBe('counterexample');
    const cex = r.counterexamples[0];
    expect(formatFaults(cex.faults)).toMatch(/^(omit|reset) payment→checkout @4$/);
    expect(cex.foundAtRun).toBeLessThanOrEqual(10);
    expect(cex.violations.map((v) => v.message)).toEqual([expect.stringMatching(/^duplicated: order o1 came out 2 times at payment \(@4, @\d+\)/)]);
    // Every action of every run carried its trace (W3C trace context from OpenTelemetry's SDK, an
    // output its log correlation fields, a new trace what started it): lineage is precise everywhere.
    expect(r.target.conservativeLineage).toBeUndefined();
    expect(liveProcesses()).toBe(0);

    // The printed replay line reproduces it, exit 1, with the same violation.
    const [cmd, ...args] = cex.replay.replace(/^npx ldfi /, 'node bin/ldfi.js ').match(/'[^']*'|\S+/g)!.map((a) => a.replace(/^'(.*)'$/, '$1'));
    const replay = spawnSync(cmd, args, { encoding: 'utf8' });
    expect(replay.status).toBe(1);
    expect(replay.stdout).toContain(cex.violations[0].message.split(' — ')[0]);

    // How did the second charge come about? The retry, sent after the charge's answer was lost.
    const why = await t.why('payment:charged#2', cex.faults);
    expect(why.holds).toBe(true);
    const tree = formatWhyTree(why.lineage, why.root);
    expect(tree).toMatch(/^output payment: \{"op":"charged","order":"o1","amount":30\}/);
    expect(tree).toMatch(/deliver checkout→payment @\d+: POST \/charge \{"order":"o1","amount":30\}/);
    const lost = cex.faults[0].kind === 'reset' ? 'was cut short by a reset' : 'was lost';
    expect(tree).toContain(`message payment→checkout sent @4 ${lost}: HTTP 200 {"charged": 30} (${formatFaults(cex.faults)})`);
    // Its trace is the order's: o2's messages are not part of it.
    expect(tree).not.toContain('"o2"');
    expect(liveProcesses()).toBe(0);
  });

  it("one schedule gives one trace, though OpenTelemetry's SDK draws new trace and span ids every run", async () => {
    const t = await TcpTarget.open(`${DIR}/ldfi.tcp.ts`, {});
    const faults = parseFaults('reset payment→checkout @4');
    const runs = [await t.execute(faults), await t.execute(faults)];
    expect(messageTraceHash(runs[0])).toBe(messageTraceHash(runs[1]));
    // The ids are renamed in order of first appearance: order o1's trace is the first.
    expect(String(runs[0].messages[0].ref.payload)).toContain('traceparent: 00-00000000000000000000000000000001-0000000000000001-01');
    expect(liveProcesses()).toBe(0);
  });

  it('the idempotent checkout: resilient to every lost, failed and cut-short charge and answer on the payment link, where the first test broke it', async () => {
    // The payment link in rounds 1–4, the lesson's space (the whole space is the bench's: 343 runs).
    const restriction = parseRestriction('omit:checkout↔payment; fail:checkout→payment; reset:checkout↔payment');
    const fixed = await search(await TcpTarget.open(`${DIR}/ldfi-idempotent.tcp.ts`, {}), { strategy: 'ldfi', restriction });
    expect(fixed.status).toBe('resilient');
    expect(fixed.runs.some((run) => formatFaults(run.faults) === 'reset payment→checkout @4')).toBe(true);
    expect(liveProcesses()).toBe(0);
  });

  it('a fallback that serves stale stock as fresh confirms an order inventory never reserved; retrying instead is resilient to the same failed requests', async () => {
    // The inventory link's failed requests: the fallback's trigger.
    const restriction = parseRestriction('fail:checkout→inventory');
    const broken = await search(await TcpTarget.open(`${DIR}/ldfi-fallback.tcp.ts`, {}), { strategy: 'ldfi', restriction });
    expect(broken.status).toBe('counterexample');
    const cex = broken.counterexamples[0];
    expect(formatFaults(cex.faults)).toMatch(/^fail checkout→inventory @\d with 503$/);
    expect(cex.violations.map((v) => v.message)).toContainEqual(expect.stringMatching(/^lost: order o\d \(in at checkout @\d\) never came out at inventory/));
    const fixed = await search(await TcpTarget.open(`${DIR}/ldfi-no-fallback.tcp.ts`, {}), { strategy: 'ldfi', restriction });
    expect(fixed.status).toBe('resilient');
    expect(liveProcesses()).toBe(0);
  });
});
