import { describe, expect, it } from 'vitest';
import { search } from '../../../src/search/index.ts';
import { TcpTarget } from '../../../src/targets/tcp/target.ts';
import type { FaultKind } from '../../../src/model/faults.ts';

const ASYNC = 'examples/tcp/primary-backup/ldfi.tcp.ts';
const SYNC = 'examples/tcp/primary-backup/ldfi-sync.tcp.ts';
// The kinds of the lesson (a loss and a crash): every kind makes hundreds of runs of three processes.
const BOUNDS = { eot: 5, eff: 3, crashes: 1, faultKinds: ['omit', 'crash'] as FaultKind[] };

describe('tcp: the primary-backup store (Node client, Python replicas)', () => {
  it('acknowledging before replicating: LDFI finds the lost write, which needs a crash and an omission, and it replays', async () => {
    const t = await TcpTarget.open(ASYNC, BOUNDS);
    const r = await search(t, { strategy: 'ldfi' });
    expect(r.status).toBe('counterexample');
    const cex = r.counterexamples[0];
    expect(cex.faults.map((f) => f.kind).sort()).toEqual(['crash', 'omit']);
    expect(cex.faults.find((f) => f.kind === 'crash')).toMatchObject({ node: 'primary' });
    expect(cex.faults.find((f) => f.kind === 'omit')).toMatchObject({ from: 'primary', to: 'backup' });
    expect(cex.violations.map((v) => v.message)).toEqual(['write x=1 was acknowledged, but every replica that stored it crashed']);
    const replay = await t.run(cex.faults, { lineage: false });
    expect(replay.violations).toEqual(cex.violations);
    // Without crashes the primary keeps the write: resilient.
    expect((await search(await TcpTarget.open(ASYNC, { ...BOUNDS, crashes: 0 }), { strategy: 'ldfi' })).status).toBe('resilient');
  });

  it('acknowledging after the backup did: resilient within the same bounds', async () => {
    const r = await search(await TcpTarget.open(SYNC, BOUNDS), { strategy: 'ldfi' });
    expect(r.status).toBe('resilient');
  });
});
