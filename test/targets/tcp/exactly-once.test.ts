import { describe, expect, it } from 'vitest';
import { search } from '../../../src/search/index.ts';
import { TcpTarget } from '../../../src/targets/tcp/target.ts';
import { formatFaults } from '../../../src/injector/format.ts';
import { parseFaults } from '../../../src/injector/text.ts';
import { ldfi } from '../../helpers/cli.ts';

const MEMORY = 'examples/tcp/exactly-once/ldfi.tcp.ts';
const DURABLE = 'examples/tcp/exactly-once/ldfi-durable.tcp.ts';
// The smallest bounds where the restart has room: down after the first output (round 2) and before
// the acknowledging tick (round 3), back before the sender's resend at round 4.
const BOUNDS = { eot: 6, eff: 4, crashes: 1 };

describe('tcp: every kind of fault searched by LDFI on real processes (the exactly-once pair, Node)', () => {
  it('a deduplication table in memory: LDFI finds the restart that outputs an item twice, minimal, and it replays', async () => {
    const t = await TcpTarget.open(MEMORY, { ...BOUNDS, faultKinds: ['restart', 'crash'] });
    const r = await search(t, { strategy: 'ldfi' });
    expect(r.status).toBe('counterexample');
    const cex = r.counterexamples[0];
    expect(formatFaults(cex.faults)).toBe('restart receiver @3..3');
    expect(cex.violations.map((v) => v.message)).toEqual(['item "x" came out 2 times']);
    const replay = await t.run(cex.faults, { lineage: false });
    expect(replay.violations).toEqual(cex.violations);
    // The same window as a crash-stop does not duplicate: only a restart forgets.
    expect((await t.run(parseFaults('crash receiver @3'), { lineage: false })).violations).toEqual([]);
    // The restart is in the exactly-once window (after the output, before the acknowledgement): the
    // first restart LDFI tries.
    expect(r.runs.find((x) => x.faults.some((f) => f.kind === 'restart'))?.index).toBe(cex.foundAtRun);
  });

  it('the table on disk: resilient to restarts and crashes within the same bounds, and the verdict names them', async () => {
    const t = await TcpTarget.open(DURABLE, { ...BOUNDS, faultKinds: ['restart', 'crash'] });
    const r = await search(t, { strategy: 'ldfi' });
    expect(r.status).toBe('resilient');
    expect(t.bounds.kinds).toEqual(['crash', 'restart']);
    // Every restart of the receiver that the memory version breaks under was run here.
    expect(r.runs.map((x) => formatFaults(x.faults))).toContain('restart receiver @3..3');
  });

  it('delays (in rounds) and dropped connections are hypotheses too: LDFI and exhaustive search agree', async () => {
    // Losses only in round 1: the first item late by one or two rounds, its connection reset, or both.
    const t = await TcpTarget.open(MEMORY, { eot: 5, eff: 2, crashes: 0, faultKinds: ['delay', 'disconnect'], maxDelay: 2 });
    const ldfi = await search(t, { strategy: 'ldfi' });
    const all = await search(t, { strategy: 'exhaustive' });
    expect(ldfi.status).toBe(all.status);
    const kinds = new Set(ldfi.runs.flatMap((x) => x.faults.map((f) => f.kind)));
    expect([...kinds].sort()).toEqual(['delay', 'disconnect']);
    expect(ldfi.runs.length).toBeLessThanOrEqual(all.runs.length);
  });

  it('kinds by default and by choice: all six, delays only with a longest delay, which the command line asks for by name', async () => {
    expect((await TcpTarget.open(MEMORY)).bounds.kinds).toEqual(['omit', 'crash', 'restart', 'disconnect', 'partition']);
    expect((await TcpTarget.open(MEMORY, { maxDelay: 2 })).bounds).toMatchObject({ kinds: ['omit', 'crash', 'restart', 'delay', 'disconnect', 'partition'], maxDelay: 2 });
    await expect(TcpTarget.open(MEMORY, { faultKinds: ['delay'] })).rejects.toThrow(/--fault-kinds delay: give the longest delay searched with --max-delay <rounds> \(exactly-once sets none\)/);
    const r = ldfi(['run', MEMORY, '--fault-kinds', 'delay']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-delay <rounds>/);
    expect(ldfi(['run', 'examples/dedalus/broadcast-ack.ded', '--max-delay', '2']).stderr).toMatch(/--max-delay: LDFI searches delays on TypeScript protocols and systems of real processes/);
  });
});

