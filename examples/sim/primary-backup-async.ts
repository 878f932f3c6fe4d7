/**
 * Lesson: asynchronous primary-backup replication. The primary acknowledges a write as soon as it
 * has stored it, and replicates to the backup afterwards. Fast, but an acknowledged write lives on
 * one node until the backup has it: if the primary crashes in that window (say its first copy to
 * the backup was lost), the acknowledged write is gone.
 *
 * Outputs: `{ stored }` when a node (primary or backup) holds the value, `{ acked }` when the
 * client got its acknowledgement.
 * Invariants (as in primary-backup-sync.ts): an acknowledged write is stored by a node that did
 * not crash; and if nobody crashed, the client got its acknowledgement.
 *
 * Expected (defaults: { eot: 30, eff: 6, crashes: 1 }):
 *   broken     --eot 30 --eff 6 --crashes 1   (e.g. omit primary→backup at the first copy, crash
 *                                              the primary before its retry)
 *   resilient  --eot 30 --eff 6 --crashes 0   (retries get past every loss)
 */
import { defineProtocol, type NodeContext, type NodeHandlers, type NodeState, type Payload } from 'ldfi/sim';

const RETRY_EVERY = 5;

type Msg =
  | { kind: 'write'; value: Payload }
  | { kind: 'replicate'; value: Payload }
  | { kind: 'replicated'; value: Payload }
  | { kind: 'ack'; value: Payload };

// Tracked state (ctx.state): each send and output depends on what its handler read.
function client(state: NodeState): NodeHandlers {
  const pending = state.register('pending');
  const acked = state.register<boolean>('acked');
  return {
    onInput(ctx, value) {
      pending.set(value);
      ctx.send('primary', { kind: 'write', value });
      ctx.setTimer(RETRY_EVERY, 'retry');
    },
    onTimer(ctx) {
      if (acked.get()) return;
      ctx.send('primary', { kind: 'write', value: pending.get() });
      ctx.setTimer(RETRY_EVERY, 'retry');
    },
    onMessage(ctx, _from, payload) {
      const m = payload as Msg;
      if (m.kind !== 'ack' || acked.get()) return;
      acked.set(true);
      ctx.output({ acked: m.value });
    },
  };
}

function primary(state: NodeState): NodeHandlers {
  // Replicas store writes on disk (durable): a restart does not lose a stored write.
  const value = state.register('value', { durable: true });
  const backupHas = state.register<boolean>('backupHas', { durable: true });
  const replicate = (ctx: NodeContext) => ctx.send('backup', { kind: 'replicate', value: value.get() });
  return {
    onMessage(ctx, _from, payload) {
      const m = payload as Msg;
      if (m.kind === 'write') {
        if (value.get() === undefined) {
          value.set(m.value);
          ctx.output({ stored: m.value });
          replicate(ctx);
          ctx.setTimer(RETRY_EVERY, 'replicate');
        }
        // The bug: acknowledged at once, with only the primary's copy behind it.
        ctx.send('client', { kind: 'ack', value: value.get() });
      } else if (m.kind === 'replicated') backupHas.set(true);
    },
    onTimer(ctx) {
      if (backupHas.get()) return;
      replicate(ctx);
      ctx.setTimer(RETRY_EVERY, 'replicate');
    },
  };
}

function backup(state: NodeState): NodeHandlers {
  const value = state.register('value', { durable: true });
  return {
    onMessage(ctx, from, payload) {
      const m = payload as Msg;
      if (m.kind !== 'replicate') return;
      if (value.get() === undefined) {
        value.set(m.value);
        ctx.output({ stored: m.value });
      }
      ctx.send(from, { kind: 'replicated', value: value.get() });
    },
  };
}

export default defineProtocol({
  name: 'primary-backup-async',
  nodes: ['client', 'primary', 'backup'],
  node: (id, state) => (id === 'client' ? client(state) : id === 'primary' ? primary(state) : backup(state)),
  workload: [{ at: 1, node: 'client', value: 'x=1' }],
  invariants: [
    // Durability: every acknowledged write is held by a node that is still up.
    (run) => {
      const acked = run.outputs.filter((o) => o.node === 'client').map((o) => (o.value as { acked: Payload }).acked);
      return acked
        .filter((v) => !run.outputs.some((o) => o.node !== 'client' && !run.crashed.includes(o.node) && JSON.stringify((o.value as { stored?: Payload }).stored) === JSON.stringify(v)))
        .map((v) => `write ${JSON.stringify(v)} was acknowledged, but every node that stored it crashed`);
    },
    // Liveness without failures: the retries get every write acknowledged (a restarted client may
    // have lost its write, and an input given while it was down is lost).
    (run) => (run.crashed.length === 0 && run.restarted.length === 0 && !run.outputs.some((o) => o.node === 'client') ? ['nobody failed, yet the client never got its acknowledgement'] : []),
  ],
  defaults: { eot: 30, eff: 6, crashes: 1 },
});
