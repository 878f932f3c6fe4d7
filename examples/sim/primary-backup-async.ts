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
import { defineProtocol, type MessageRef, type NodeContext, type NodeHandlers, type Payload } from 'ldfi/sim';

const RETRY_EVERY = 5;

type Msg =
  | { kind: 'write'; value: Payload }
  | { kind: 'replicate'; value: Payload }
  | { kind: 'replicated'; value: Payload }
  | { kind: 'ack'; value: Payload };

function client(): NodeHandlers {
  let pending: Payload;
  let acked = false;
  return {
    onInput(ctx, value, input) {
      pending = value;
      ctx.send('primary', { kind: 'write', value }, { because: [input] });
      ctx.setTimer(RETRY_EVERY, 'retry');
    },
    onTimer(ctx) {
      if (acked) return;
      ctx.send('primary', { kind: 'write', value: pending });
      ctx.setTimer(RETRY_EVERY, 'retry');
    },
    onMessage(ctx, _from, payload, msg) {
      const m = payload as Msg;
      if (m.kind !== 'ack' || acked) return;
      acked = true;
      ctx.output({ acked: m.value }, { because: [msg] });
    },
  };
}

function primary(): NodeHandlers {
  let value: Payload;
  let writeMsg: MessageRef | undefined; // the write that brought the value
  let backupHas = false;
  const replicate = (ctx: NodeContext) => ctx.send('backup', { kind: 'replicate', value }, { because: [writeMsg!] });
  return {
    onMessage(ctx, _from, payload, msg) {
      const m = payload as Msg;
      if (m.kind === 'write') {
        if (writeMsg === undefined) {
          value = m.value;
          writeMsg = msg;
          ctx.output({ stored: value }, { because: [msg] });
          replicate(ctx);
          ctx.setTimer(RETRY_EVERY, 'replicate');
        }
        // The bug: acknowledged at once, with only the primary's copy behind it.
        ctx.send('client', { kind: 'ack', value }, { because: [writeMsg] });
      } else if (m.kind === 'replicated') backupHas = true;
    },
    onTimer(ctx) {
      if (backupHas) return;
      replicate(ctx);
      ctx.setTimer(RETRY_EVERY, 'replicate');
    },
  };
}

function backup(): NodeHandlers {
  let value: Payload;
  return {
    onMessage(ctx, from, payload, msg) {
      const m = payload as Msg;
      if (m.kind !== 'replicate') return;
      if (value === undefined) {
        value = m.value;
        ctx.output({ stored: value }, { because: [msg] });
      }
      ctx.send(from, { kind: 'replicated', value }, { because: [msg] });
    },
  };
}

export default defineProtocol({
  name: 'primary-backup-async',
  nodes: ['client', 'primary', 'backup'],
  node: (id) => (id === 'client' ? client() : id === 'primary' ? primary() : backup()),
  workload: [{ at: 1, node: 'client', value: 'x=1' }],
  invariants: [
    // Durability: every acknowledged write is held by a node that is still up.
    (run) => {
      const acked = run.outputs.filter((o) => o.node === 'client').map((o) => (o.value as { acked: Payload }).acked);
      return acked
        .filter((v) => !run.outputs.some((o) => o.node !== 'client' && !run.crashed.includes(o.node) && JSON.stringify((o.value as { stored?: Payload }).stored) === JSON.stringify(v)))
        .map((v) => `write ${JSON.stringify(v)} was acknowledged, but every node that stored it crashed`);
    },
    // Liveness without crashes: the retries get every write acknowledged.
    (run) => (run.crashed.length === 0 && !run.outputs.some((o) => o.node === 'client') ? ['nobody crashed, yet the client never got its acknowledgement'] : []),
  ],
  defaults: { eot: 30, eff: 6, crashes: 1 },
});
