import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../../src/injector/text.ts';
import { search } from '../../../src/search/index.ts';
import { liveProcesses } from '../../../src/targets/tcp/processes.ts';
import { messageTraceHash } from '../../../src/targets/tcp/run.ts';
import { TcpTarget } from '../../../src/targets/tcp/target.ts';
import { ldfi, splitCommand } from '../../helpers/cli.ts';

const PLAIN = 'examples/tcp/double-halve/ldfi.tcp.ts';
const RECOVERY = 'examples/tcp/double-halve/ldfi-recovery.tcp.ts';

describe('tcp: the double-and-halve pipeline (Node and Python processes)', () => {
  it('the same schedule, run 20 times, gives the same message trace and the same verdict', async () => {
    const t = await TcpTarget.open(PLAIN, { eot: 8 });
    const faults = parseFaults('omit doubler→halver @3');
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const exec = await t.execute(faults);
      const r = await t.run(faults, { lineage: false });
      seen.add(`${messageTraceHash(exec)} ${JSON.stringify(r.violations)}`);
    }
    expect(seen.size).toBe(1);
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
    const t = await TcpTarget.open(RECOVERY, { eot: 10, eff: 3 });
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
