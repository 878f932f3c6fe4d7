import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFaults } from '../../../src/injector/text.ts';
import { TcpTarget } from '../../../src/targets/tcp/target.ts';

/**
 * Nothing a tcp run starts outlives it (issue 22): its processes and theirs (a service's own helper
 * process), Spike's listening ports, its data folders — after a run that ends normally, one with
 * request-level faults, one cut short by Ctrl-C, and one that fails because a process is never ready.
 */
const DIR = 'test/fixtures/tcp/http-leak';
let tmp: string;
let savedTmp: string | undefined;

/**
 * Processes of this test's runs: their data folder (`LDFI_DATA`, inherited by a process they start)
 * is in this test's own temporary folder.
 */
function ofTheseRuns(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').some((v) => v.startsWith(`LDFI_DATA=${tmp}/`))) out.push(readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' '));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}

/** Listening sockets this process holds (its own file descriptors): Spike's listeners and output sinks. */
function ownListeners(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // Closed meanwhile.
    }
  }
  const out = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === "0A" && inodes.has(cols[9])) out.add(`${cols[1]} inode ${cols[9]}`);
    }
  }
  return out;
}

async function expectNothingLeft(run: () => Promise<unknown>): Promise<void> {
  const listening = ownListeners();
  const outcome = await run().then(
    () => 'ok',
    (e: Error) => e.message,
  );
  expect({ outcome, processes: ofTheseRuns(), listeners: [...ownListeners()].filter((l) => !listening.has(l)), folders: readdirSync(tmp) }).toEqual({ outcome: expect.any(String), processes: [], listeners: [], folders: [] });
}

describe('tcp: every process, port and folder a run makes is gone when it ends, also when it fails', () => {
  // The runs' data folders go to a folder of the test's own, where nothing else writes (set once
  // the system is loaded: loading has its own cache folder).
  const useOwnTmp = () => {
    savedTmp = process.env.TMPDIR;
    tmp = mkdtempSync(join(tmpdir(), 'ldfi-cleanup-test-'));
    process.env.TMPDIR = tmp;
  };
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a run, fault-free and under a failed request and a reset, with a service that starts its own helper', async () => {
    const t = await TcpTarget.open(`${DIR}/ldfi.tcp.ts`, {});
    useOwnTmp();
    await expectNothingLeft(async () => {
      const exec = await t.execute([]);
      expect(exec.outputs.map((o) => o.value)).toEqual(['a', 'b']);
    });
    await expectNothingLeft(() => t.execute(parseFaults('fail client→service @1 with 503; reset service→client @2')));
  });

  it('a run cut short by Ctrl-C', async () => {
    const t = await TcpTarget.open(`${DIR}/ldfi.tcp.ts`, {});
    useOwnTmp();
    const stop = new AbortController();
    await expectNothingLeft(async () => {
      const before = ownListeners().size;
      const running = t.execute([], stop.signal);
      // Once the processes are up (the service's helper too), interrupt. What the checks look for is
      // there meanwhile: three processes, and Spike's listeners (a link's, two output sinks).
      while (ofTheseRuns().length < 3) await new Promise((r) => setTimeout(r, 20));
      expect(ownListeners().size).toBeGreaterThanOrEqual(before + 3);
      expect(readdirSync(tmp).filter((d) => d.startsWith('ldfi-tcp-'))).toHaveLength(2);
      stop.abort();
      const exec = await running;
      expect(exec.interrupted).toBe(true);
    });
  });

  it('a run that fails: a process never says it is ready', async () => {
    const t = await TcpTarget.open(`${DIR}/ldfi-never-ready.tcp.ts`, {});
    useOwnTmp();
    let message = '';
    await expectNothingLeft(() =>
      t.execute([]).catch((e: Error) => {
        message = e.message;
        throw e;
      }),
    );
    expect(message).toMatch(/service.*ready/i);
  });
});
