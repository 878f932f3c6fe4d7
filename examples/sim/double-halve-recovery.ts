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
 *   resilient  --eot 40 --eff 10 --crashes 0
 *   resilient  replay --faults 'disconnect doubler↔halver @4..8'
 *   broken     --crashes 1   (a crashed stage loses what it held)
 */
import { defineProtocol, expectOutputs, type Cause, type NodeContext, type NodeHandlers, type Payload } from 'ldfi/sim';

const RETRY_EVERY = 4;

type Msg = { kind: 'item'; seq: number; x: number } | { kind: 'ack'; seq: number };

/** The sending end of a session to `next`: numbered items kept until acknowledged. */
function sender(next: string) {
  let nextSeq = 1;
  const unacked = new Map<number, { x: number; cause: Cause }>();
  let timerArmed = false;
  const transmit = (ctx: NodeContext, seq: number) => {
    const { x, cause } = unacked.get(seq)!;
    ctx.send(next, { kind: 'item', seq, x }, { because: [cause] });
  };
  const arm = (ctx: NodeContext) => {
    if (timerArmed || unacked.size === 0) return;
    timerArmed = true;
    ctx.setTimer(RETRY_EVERY, 'retransmit');
  };
  return {
    /** Sends x on, as a result of `cause` (the message or input that brought it here). */
    push(ctx: NodeContext, x: number, cause: Cause) {
      const seq = nextSeq++;
      unacked.set(seq, { x, cause });
      transmit(ctx, seq);
      arm(ctx);
    },
    retransmitAll(ctx: NodeContext) {
      for (const seq of unacked.keys()) transmit(ctx, seq);
    },
    onTimer(ctx: NodeContext) {
      timerArmed = false;
      this.retransmitAll(ctx);
      arm(ctx);
    },
    acked(seq: number) {
      unacked.delete(seq);
    },
  };
}

/** A node: optionally receives items (deduplicated), optionally forwards to `next`. */
function pipelineNode(next: string | undefined, onItem: (ctx: NodeContext, x: number, cause: Cause, out?: ReturnType<typeof sender>) => void): NodeHandlers {
  const out = next ? sender(next) : undefined;
  const seen = new Set<number>(); // sequence numbers already passed on (one upstream session)
  return {
    onInput(ctx, value: Payload, input) {
      onItem(ctx, value as number, input, out);
    },
    onMessage(ctx, from, payload, msg) {
      const m = payload as Msg;
      if (m.kind === 'ack') return out?.acked(m.seq);
      ctx.send(from, { kind: 'ack', seq: m.seq }, { because: [msg] });
      if (seen.has(m.seq)) return; // a retransmitted copy of something already passed on
      seen.add(m.seq);
      onItem(ctx, m.x, msg, out);
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
  node: (id) => {
    switch (id) {
      case 'source':
        return pipelineNode('doubler', (ctx, x, cause, out) => out!.push(ctx, x, cause));
      case 'doubler':
        return pipelineNode('halver', (ctx, x, cause, out) => out!.push(ctx, x * 2, cause));
      case 'halver':
        return pipelineNode('sink', (ctx, x, cause, out) => out!.push(ctx, x / 2, cause));
      default:
        return pipelineNode(undefined, (ctx, x, cause) => ctx.output(x, { because: [cause] }));
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
