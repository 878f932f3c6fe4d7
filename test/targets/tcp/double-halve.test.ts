import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../../src/injector/text.ts';
import { search } from '../../../src/search/index.ts';
import { liveProcesses } from '../../../src/targets/tcp/processes.ts';
import { messageTraceHash } from '../../../src/targets/tcp/canonical.ts';
import { executionResult } from '../../../src/targets/code/result.ts';
import { TcpTarget } from '../../../src/targets/tcp/target.ts';
import { ldfi, splitCommand } from '../../helpers/cli.ts';
import { ms } from '../../helpers/time.ts';

const PLAIN = 'examples/tcp/double-halve/ldfi.tcp.ts';
const RECOVERY = 'examples/tcp/double-halve/ldfi-recovery.tcp.ts';

describe('tcp: the double-and-halve pipeline (Node and Python processes)', () => {
  it('the same schedule, run 20 times, gives the same message trace and the same verdict', async () => {
    const t = await TcpTarget.open(PLAIN, { eot: 8 });
    const faults = parseFaults('omit doubler→halver @3');
    const seen = new Set<string>();
    // As a search runs them: the next run's processes start while one plays its rounds.
    t.beginRuns();
    try {
      for (let i = 0; i < 20; i++) {
        // One run of the processes each time: its trace and the verdict ldfi draws from it.
        const exec = await t.execute(faults);
        const r = executionResult(exec, faults, t.system.invariants, t.bounds, { lineage: false });
        seen.add(`${messageTraceHash(exec)} ${JSON.stringify(r.violations)}`);
      }
    } finally {
      await t.endRuns();
    }
    expect(seen.size, [...seen].join('\n')).toBe(1);
    expect([...seen][0]).toMatch(/input 2 \(at source @2\) never came out at sink/);
    expect(liveProcesses()).toBe(0);
  });

  it('without session recovery, LDFI finds a lost item, and the replay line reproduces it', () => {
    const r = ldfi(['run', PLAIN, '--eot', '8'], { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    const violated = r.stdout.match(/violated: (.*)/)![1];
    expect(violated).toMatch(/never came out at sink/);
    const replay = ldfi(splitCommand(r.stdout.match(/replay: +(.*)/)![1]).slice(2), { timeoutMs: 60_000 });
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(`violated: ${violated}`);
  });

  it('with session recovery, it is resilient within the bounds, also through a dropped connection', async () => {
    // The kinds this lesson is about, losses in round 1 (each dropped connection's every start and
    // end is a run of its own on real processes: at EFF 3, hundreds of runs of four processes).
    const t = await TcpTarget.open(RECOVERY, { eot: 10, eff: 2, faultKinds: ['omit', 'crash', 'disconnect'] });
    const r = await search(t, { strategy: 'ldfi' });
    expect(r.status).toBe('resilient');
    // The doubler's connection is reset and refused until round 4; it connects again and resends.
    const disconnected = await t.execute(parseFaults('disconnect doubler↔halver @2..3'));
    expect(disconnected.audit.entries.filter((e) => e.kind === 'fault').map((e) => `${e.t} ${e.what}`)).toEqual([
      '2 disconnect doubler→halver',
      '2 disconnect halver→doubler',
      '4 reconnect doubler→halver',
      '4 reconnect halver→doubler',
    ]);
    expect(disconnected.outputs.map((o) => o.value)).toEqual([1, 2]);
    // Without recovery, the same dropped connection loses the items.
    const plain = await (await TcpTarget.open(PLAIN, { eot: 10 })).run(parseFaults('disconnect doubler↔halver @2..3'), { lineage: false });
    expect(plain.violations.map((v) => v.message)).toEqual([
      'input 1 (at source @1) never came out at sink (expected 1)',
      'input 2 (at source @2) never came out at sink (expected 2)',
    ]);
  });
});

describe('tcp: the rest of the command line, as for the other targets', () => {
  it('why an output, a narrowed lineage (trace ids), and a trace file that replays identically', async () => {
    const why = ldfi(['why', PLAIN, '--eot', '8', '--tuple', 'sink:2']);
    expect(why.code).toBe(0);
    // "2 2" reached the sink through the halver, which had it from "2 4" alone (same sequence
    // number), not from "1 2", which it had received before.
    const halverSend = why.stdout.split('deliver halver→sink @4: "2 2"')[1];
    expect(halverSend).toMatch(/deliver doubler→halver @3: "2 4"/);
    expect(halverSend).not.toMatch(/deliver doubler→halver @2: "1 2"/);
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync(`${(await import('node:os')).tmpdir()}/ldfi-tcp-trace-test-`);
    try {
      const file = `${dir}/run.json`;
      const replay = ldfi(['replay', PLAIN, '--eot', '8', '--faults', 'omit doubler→halver @3', '--trace', file]);
      expect(replay.code).toBe(1);
      const trace = JSON.parse(readFileSync(file, 'utf8'));
      expect(trace.messages[0]).toMatchObject({ link: 'source→doubler', round: 1, seq: 1, size: 4, preview: '1 1', status: 'delivered' });
      expect(trace.messages[0].hash).toMatch(/^[0-9a-f]{16}$/);
      const again = ldfi(['replay', '--from-trace', file]);
      expect(again.stdout).toMatch(/^✓ replayed identically: trace [0-9a-f]{64}/);
      expect(again.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explain and the HTML report work on a system as on the other targets', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync(`${(await import('node:os')).tmpdir()}/ldfi-tcp-html-test-`);
    try {
      const r = ldfi(['explain', PLAIN, '--eot', '8', '--html', `${dir}/report.html`], { timeoutMs: 120_000 });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/Explanation \(\d+ runs?, \d+ hypothes[ie]s, status counterexample\):\n\noutput 1 at sink\n {2}known supports/);
      const html = readFileSync(`${dir}/report.html`, 'utf8');
      expect(html).toMatch(/<h1 class="verdict counterexample">✗ 1 counterexample/);
      expect(html).toContain('ldfi.tcp.ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bind address off loopback, a bad trace id pattern and a link to no node, naming the file', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(`${(await import('node:os')).tmpdir()}/ldfi-tcp-bad-test-`);
    try {
      const write = (name: string, extra: object) => {
        const file = `${dir}/${name}.tcp.json`;
        writeFileSync(file, JSON.stringify({ name, nodes: { a: { command: 'node' }, b: { command: 'node' } }, links: [['a', 'b']], workload: [], ...extra }));
        return file;
      };
      for (const [file, message] of [
        [write('open', { bind: '0.0.0.0' }), /bind: '0\.0\.0\.0' is refused; Spike binds to loopback only \(127\.0\.0\.1 or ::1\)/],
        [write('groupless', { traceId: 'seq=\\d+' }), /traceId: \/seq=\\d\+\/ needs a group/],
        [write('nowhere', { links: [['a', 'c']] }), /link \["a","c"\] must join two different nodes of a, b/],
      ] as const) {
        const r = ldfi(['run', file]);
        expect(r.code, file).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).toContain(file);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tcp: Ctrl-C', () => {
  it('ends a search at the next round, writes what was found, and leaves no process or directory behind', async () => {
    const { spawn } = await import('node:child_process');
    const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { REPO } = await import('../../helpers/cli.ts');
    // The child's own temporary folder: its runs' data directories show that a run is under way.
    const own = mkdtempSync(`${tmpdir()}/ldfi-tcp-sigint-test-`);
    const out = `${own}/report.json`;
    const child = spawn('node', ['bin/ldfi.js', 'run', RECOVERY, '--eot', '10', '--eff', '3', '--json', out], {
      cwd: REPO,
      env: { ...process.env, TMPDIR: own, LDFI_COMMAND: 'node bin/ldfi.js' },
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      for (let i = 0; i < 600 && !readdirSync(own).some((d) => d.startsWith('ldfi-tcp-')); i++) await new Promise((r) => setTimeout(r, 50));
      const sent = Date.now();
      child.kill('SIGINT');
      const code = await exited;
      // Stopped by the signal, not hung (a hang guard, scaled on a slow machine).
      expect(Date.now() - sent).toBeLessThan(ms(30_000));
      expect(code).toBe(130);
      expect(JSON.parse(readFileSync(out, 'utf8')).status).toBe('interrupted');
      expect(readdirSync(own).filter((d) => d.startsWith('ldfi-tcp-'))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      rmSync(own, { recursive: true, force: true });
    }
  });
});
