import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../../src/injector/text.ts';
import { search } from '../../../src/search/index.ts';
import { liveProcesses } from '../../../src/targets/tcp/processes.ts';
import { messageTraceHash } from '../../../src/targets/tcp/canonical.ts';
import { TcpTarget } from '../../../src/targets/tcp/target.ts';

const PLAIN = 'test/fixtures/tcp/http-double/ldfi.tcp.ts';
const RETRY = 'test/fixtures/tcp/http-double/ldfi-retry.tcp.ts';

describe('tcp: HTTP/1.1 as a framing (Node http client and server, keep-alive, chunked bodies)', () => {
  it('a request and its response are messages: a lost request is a counterexample, and it replays', async () => {
    const t = await TcpTarget.open(PLAIN, {});
    const r = await search(t, { strategy: 'ldfi' });
    expect(r.status).toBe('counterexample');
    const cex = r.counterexamples[0];
    expect(cex.faults).toEqual([expect.objectContaining({ kind: 'omit', from: 'client', to: 'doubler' })]);
    expect(cex.violations.map((v) => v.message)).toEqual([expect.stringMatching(/^item [12] was never answered$/)]);
    const replay = await t.run(cex.faults, { lineage: false });
    expect(replay.violations).toEqual(cex.violations);

    // Fault-free: each POST is one message, each chunked response another, whole however TCP cut them.
    const exec = await t.execute([]);
    const texts = exec.messages.map((m) => `${m.ref.from}→${m.ref.to} ${String(m.ref.payload)}`);
    expect(texts.filter((x) => x.startsWith('client→doubler POST /double HTTP/1.1\r\n'))).toHaveLength(2);
    const responses = texts.filter((x) => x.startsWith('doubler→client HTTP/1.1 200 OK\r\n'));
    expect(responses).toHaveLength(2);
    for (const x of responses) expect(x).toMatch(/transfer-encoding: chunked\r\n[\s\S]*\r\n0\r\n\r\n$/i);
    // The request names the service it goes to, not the port Spike listened on in that run.
    expect(texts.every((x) => !x.includes('POST') || /\r\nHost: doubler\r\n/.test(x))).toBe(true);
    expect(liveProcesses()).toBe(0);
  });

  it('the same schedule gives the same message trace, run after run', async () => {
    const t = await TcpTarget.open(PLAIN, {});
    const faults = parseFaults('omit doubler→client @2');
    const hashes = new Set<string>();
    for (let i = 0; i < 5; i++) hashes.add(messageTraceHash(await t.execute(faults)));
    expect(hashes.size).toBe(1);
  });

  it('a client that abandons an unanswered request and posts it again is resilient within the same bounds', async () => {
    const r = await search(await TcpTarget.open(RETRY, {}), { strategy: 'ldfi' });
    expect(r.status).toBe('resilient');
    expect(liveProcesses()).toBe(0);
  });
});
