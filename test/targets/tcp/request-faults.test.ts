import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../../src/injector/text.ts';
import { parseRestriction } from '../../../src/injector/restriction.ts';
import { search } from '../../../src/search/index.ts';
import { liveProcesses } from '../../../src/targets/tcp/processes.ts';
import { messageTraceHash } from '../../../src/targets/tcp/canonical.ts';
import { TcpTarget } from '../../../src/targets/tcp/target.ts';
import { formatFaults } from '../../../src/injector/text.ts';
import { formatSearchResult } from '../../../src/report/text.ts';
import { spaceTimeListing } from '../../../src/report/spacetime.ts';
import { formatHtmlReport } from '../../../src/report/html/page.ts';
import { formatJUnit } from '../../../src/report/junit.ts';
import { toJsonReport } from '../../../src/report/json.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const PLAIN = 'test/fixtures/tcp/http-double/ldfi.tcp.ts';
const RETRY = 'test/fixtures/tcp/http-double/ldfi-retry.tcp.ts';
const CAREFUL = 'test/fixtures/tcp/http-double/ldfi-careful.tcp.ts';
const REQUEST_LEVEL = { faultKinds: ['omit', 'fail', 'reset'] as const };

/**
 * Request-level faults over HTTP (issue 22): a request Spike answers itself with an error status
 * (`fail`), and a message cut short by a connection reset (`reset`), between a Node client and server.
 */
describe('tcp: request-level faults (a failed request, a reset mid-response)', () => {
  it('a failed request never reaches the server: Spike answers it with the status, in the next round', async () => {
    const t = await TcpTarget.open(PLAIN, { ...REQUEST_LEVEL });
    const exec = await t.execute(parseFaults('fail client→doubler @1 with 503'));
    const first = exec.messages.find((m) => m.ref.from === 'client' && m.ref.sentAt === 1)!;
    expect(first).toMatchObject({ status: 'dropped', reason: 'fail client→doubler @1 with 503', request: true });
    const answer = exec.messages.find((m) => m.injected)!;
    expect(answer).toMatchObject({ ref: { from: 'doubler', to: 'client', sentAt: 1 }, status: 'delivered', deliverAt: 2, injected: 'fail client→doubler @1 with 503' });
    expect(String(answer.ref.payload)).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*\r\n\r\nldfi: fail client→doubler @1 with 503\n$/);
    // The doubler answered item 2 only: it never saw item 1.
    const answered = exec.messages.filter((m) => m.ref.from === 'doubler' && !m.injected).map((m) => String(m.ref.payload));
    expect(answered).toHaveLength(1);
    expect(answered[0]).toMatch(/4\}/);
    expect(liveProcesses()).toBe(0);
  });

  it('a reset cuts a response short: the client reads part of it, both ends see the reset, and a careful client retries', async () => {
    const t = await TcpTarget.open(CAREFUL, { ...REQUEST_LEVEL });
    const faults = parseFaults('reset doubler→client @2');
    const r = await t.run(faults, { lineage: false });
    expect(r.violations).toEqual([]);
    expect(r.messages.find((m) => m.from === 'doubler' && m.sendTime === 2)).toMatchObject({ status: 'omitted', reason: 'reset doubler→client @2' });
    expect(spaceTimeListing(r.messages, faults).join('\n')).toContain('CUT SHORT by reset doubler→client @2 (its first part arrived, then the connection reset)');
    // Item 1 was posted again after four ticks, on a new connection, and answered.
    expect(r.messages.filter((m) => m.from === 'client' && /"item":1/.test(m.content)).map((m) => m.sendTime)).toEqual([1, 5]);
    // One schedule, one trace.
    const hashes = new Set<string>();
    for (let i = 0; i < 3; i++) hashes.add(messageTraceHash(await t.execute(faults)));
    expect(hashes.size).toBe(1);
    expect(liveProcesses()).toBe(0);
  });

  it('LDFI finds what a failed request does to a client that trusts every answer; it replays, and every report says so', async () => {
    const t = await TcpTarget.open(RETRY, { faultKinds: ['fail', 'reset'] });
    const r = await search(t, { strategy: 'ldfi', findAll: true });
    expect(r.status).toBe('counterexample');
    // A reset is survived (the request's error handler hears it, and the item is posted again);
    // a 503 is not: the client parses its text as JSON and dies.
    expect(r.counterexamples.map((c) => c.faults.map((f) => f.kind))).toEqual([['fail']]);
    expect(r.runs.some((run) => run.faults.some((f) => f.kind === 'reset') && run.violations.length === 0)).toBe(true);
    for (const c of r.counterexamples) {
      expect(c.notes?.join(' ')).toMatch(/client exited on its own/);
      const replay = await t.run(c.faults, { lineage: false });
      expect(replay.violations).toEqual(c.violations);
    }
    expect(liveProcesses()).toBe(0);

    // One verdict, in every format: the failed request, its replay line and Spike's answer.
    const failed = r.counterexamples.find((c) => c.faults[0].kind === 'fail')!;
    const text = formatFaults(failed.faults);
    expect(text).toMatch(/^fail client→doubler @\d with 503$/);
    const terminal = formatSearchResult(r);
    expect(terminal).toContain(`faults:   ${text}`);
    expect(terminal).toContain(`FAILED by ${text} (never reached its receiver; Spike answered 503)`);
    expect(terminal).toContain(`delivered (Spike's answer to ${text}`);
    expect(terminal).toContain('kinds fail,reset');
    const json = toJsonReport(r);
    expect(json.counterexamples.map((c) => c.faultList)).toContainEqual([expect.objectContaining({ kind: 'fail', from: 'client', to: 'doubler', status: 503 })]);
    expect(parseFaults(JSON.stringify(json.counterexamples.find((c) => c.faults === text)!.faultList))).toEqual(failed.faults);
    expect(formatJUnit(r)).toContain(text);
    const html = formatHtmlReport(r);
    expect(html).toContain(esc(text));
    expect(html).toContain(esc(`FAILED by ${text}`));
  });

  it('a careful client is resilient to failed requests and resets, and exhaustive search agrees', async () => {
    const restriction = parseRestriction('fail:client→doubler; reset:doubler→client');
    const t = await TcpTarget.open(CAREFUL, { faultKinds: ['fail', 'reset'] });
    const ldfi = await search(t, { strategy: 'ldfi', restriction });
    const all = await search(t, { strategy: 'exhaustive', restriction });
    expect(ldfi.status).toBe('resilient');
    expect(all.status).toBe('resilient');
    expect(ldfi.runs.length).toBeLessThan(all.runs.length);
    expect(liveProcesses()).toBe(0);
  });
});
