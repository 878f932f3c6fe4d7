/**
 * Lesson: recovering from lost messages and dropped connections takes three things together:
 * the sender keeps what is not yet acknowledged, retransmits it (when a dropped connection comes
 * back, and on a timer, since a lost message gives no signal of its own), and the receiver drops
 * duplicates. The pipeline is double-halve.ts (source → doubler → halver → sink); every hop is a
 * session with sequence numbers: the sender numbers its items, the receiver acknowledges every
 * copy it gets and passes each number on once. Retransmissions name the message (or input) that
 * brought the item in `because`, so the sink's output still depends on exactly its input.
 *
 * A session lives as long as its sender's memory: a crash loses the unacknowledged items, so this
 * recovers from omissions and dropped connections, not from crashes.
 *
 * Invariant: expectOutputs({ from: 'source', to: 'sink', expected: (x) => x }): every input comes
 * out at the sink exactly once, unchanged.
 *
 * Expected (defaults: { eot: 40, eff: 10, crashes: 0 }):
 *   resilient  --eot 40 --eff 10 --crashes 0 (omissions, dropped connections and partitions: 57,952
 *              runs, about 3 minutes; --fault-kinds omit: 10,829 runs)
 *   resilient  replay --faults 'disconnect doubler↔halver @4..8'
 *   broken     --crashes 1   (a crashed stage loses what it held)
 */
import { defineProtocol, expectOutputs, type NodeContext, type NodeHandlers, type NodeState, type Payload } from 'ldfi/sim';

const RETRY_EVERY = 4;

type Msg = { kind: 'item'; seq: number; x: number } | { kind: 'ack'; seq: number };

/** The sending end of a session to `next`: numbered items kept (tracked) until acknowledged. */
function sender(next: string, state: NodeState) {
  const lastSeq = state.register<number>('lastSeq');
  const unacked = state.map<number, number>('unacked'); // seq → x
  const timerArmed = state.register<boolean>('timerArmed');
  const transmit = (ctx: NodeContext, seq: number, x: number) => ctx.send(next, { kind: 'item', seq, x });
  const arm = (ctx: NodeContext) => {
    if (timerArmed.get() || unacked.size === 0) return;
    timerArmed.set(true);
    ctx.setTimer(RETRY_EVERY, 'retransmit');
  };
  const retransmitAll = (ctx: NodeContext) => {
    for (const [seq, x] of unacked) transmit(ctx, seq, x);
  };
  return {
    /** Sends x on. */
    push(ctx: NodeContext, x: number) {
      const seq = (lastSeq.get() ?? 0) + 1;
      lastSeq.set(seq);
      unacked.set(seq, x);
      transmit(ctx, seq, x);
      arm(ctx);
    },
    retransmitAll,
    onTimer(ctx: NodeContext) {
      timerArmed.set(false);
      retransmitAll(ctx);
      arm(ctx);
    },
    acked(seq: number) {
      unacked.delete(seq);
    },
  };
}

/** A node: optionally receives items (deduplicated), optionally forwards to `next`. */
function pipelineNode(state: NodeState, next: string | undefined, onItem: (ctx: NodeContext, x: number, out?: ReturnType<typeof sender>) => void): NodeHandlers {
  const out = next ? sender(next, state) : undefined;
  const seen = state.set<number>('seen'); // sequence numbers already passed on (one upstream session)
  return {
    onInput(ctx, value: Payload) {
      onItem(ctx, value as number, out);
    },
    onMessage(ctx, from, payload) {
      const m = payload as Msg;
      if (m.kind === 'ack') return out?.acked(m.seq);
      ctx.send(from, { kind: 'ack', seq: m.seq });
      if (seen.has(m.seq)) return; // a retransmitted copy of something already passed on
      seen.add(m.seq);
      onItem(ctx, m.x, out);
    },
    onTimer(ctx) {
      out?.onTimer(ctx);
    },
    onConnectionRestored(ctx, peer) {
      if (peer === next) out?.retransmitAll(ctx);
    },
  };
}

export default defineProtocol({
  name: 'double-halve-recovery',
  nodes: ['source', 'doubler', 'halver', 'sink'],
  node: (id, state) => {
    switch (id) {
      case 'source':
        return pipelineNode(state, 'doubler', (ctx, x, out) => out!.push(ctx, x));
      case 'doubler':
        return pipelineNode(state, 'halver', (ctx, x, out) => out!.push(ctx, x * 2));
      case 'halver':
        return pipelineNode(state, 'sink', (ctx, x, out) => out!.push(ctx, x / 2));
      default:
        return pipelineNode(state, undefined, (ctx, x) => ctx.output(x));
    }
  },
  workload: [
    { at: 2, node: 'source', value: 1 },
    { at: 4, node: 'source', value: 2 },
    { at: 6, node: 'source', value: 3 },
  ],
  invariants: [expectOutputs({ from: 'source', to: 'sink', expected: (x) => x })],
  defaults: { eot: 40, eff: 10, crashes: 0 },
});
