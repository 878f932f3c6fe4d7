/** The primary-backup store as real processes, replicating asynchronously or synchronously (shared by both system files). */
import { defineSystem, type RunView } from 'ldfi/tcp';

// The interpreter's path in $PYTHON (as node-gyp reads it) spares a version manager's shim on every start.
const PYTHON = process.env.PYTHON ?? 'python3';

/** Durability: a write acknowledged to the client is stored at a replica that did not crash. */
export function acknowledgedWritesSurvive(run: RunView): string[] {
  const acked = run.outputs.filter((o) => o.node === 'client').map((o) => (o.value as { acked: string }).acked);
  const storedAlive = (w: string) => run.outputs.some((o) => o.node !== 'client' && !run.crashed.includes(o.node) && (o.value as { stored?: string }).stored === w);
  return acked.filter((w) => !storedAlive(w)).map((w) => `write ${w} was acknowledged, but every replica that stored it crashed`);
}

export function primaryBackup(opts: { sync: boolean }) {
  const env = { SYNC: opts.sync ? '1' : '0' };
  return defineSystem({
    name: opts.sync ? 'primary-backup-sync' : 'primary-backup-async',
    nodes: {
      client: { command: 'node', args: ['client.mjs'], readyLine: 'READY' },
      primary: { command: PYTHON, args: ['replica.py', 'primary'], env, readyLine: 'READY' },
      backup: { command: PYTHON, args: ['replica.py', 'backup'], env, readyLine: 'READY' },
    },
    links: [
      ['client', 'primary'],
      ['primary', 'backup'],
    ],
    ticks: true,
    // Every message and output carries its write's W3C trace context: it depends on that write's
    // messages only (precise lineage), not on all its process received.
    traceId: 'traceparent',
    workload: [{ at: 1, node: 'client', value: 'x=1' }],
    invariants: [acknowledgedWritesSurvive],
    defaults: { eot: 8, eff: 4, crashes: 1 },
  });
}
