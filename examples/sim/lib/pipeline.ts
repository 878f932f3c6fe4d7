/** The nodes of the at-least-once pipeline and its exactly-once fix (one implementation, one flag). */
import type { NodeHandlers, NodeState } from 'ldfi/sim';

export const PIPELINE_NODES = ['source', 'doubler', 'sink'];
/** Virtual ms the source waits for the sink's acknowledgement before it sends an item again: more than a round trip (3 hops of at most 3 ms). */
const RETRANSMIT_EVERY = 10;

type Msg = { kind: 'item'; seq: number; value: number } | { kind: 'ack'; seq: number };

export function pipelineNode(id: string, state: NodeState, opts: { sinkDeduplicates: boolean; durableDedup?: boolean }): NodeHandlers {
  // Tracked state (ctx.state): each send and output depends on what its handler read.
  if (id === 'source') {
    const unacked = state.map<number, number>('unacked'); // seq → value
    const lastSeq = state.register<number>('lastSeq');
    return {
      onInput(ctx, value) {
        const seq = (lastSeq.get() ?? 0) + 1;
        lastSeq.set(seq);
        unacked.set(seq, Number(value));
        ctx.send('doubler', { kind: 'item', seq, value: Number(value) });
        ctx.setTimer(RETRANSMIT_EVERY, `retransmit:${seq}`);
      },
      onMessage(_ctx, _from, payload) {
        const m = payload as Msg;
        if (m.kind === 'ack') unacked.delete(m.seq);
      },
      onTimer(ctx, name) {
        const seq = Number(name.split(':')[1]);
        const value = unacked.get(seq);
        if (value === undefined) return; // acknowledged: nothing to do
        ctx.send('doubler', { kind: 'item', seq, value });
        ctx.setTimer(RETRANSMIT_EVERY, name);
      },
    };
  }
  if (id === 'doubler') {
    return {
      onMessage(ctx, _from, payload) {
        const m = payload as Msg;
        if (m.kind === 'item') ctx.send('sink', { kind: 'item', seq: m.seq, value: m.value * 2 });
      },
    };
  }
  // The dedup table: volatile unless `durableDedup` (then a restart of the sink keeps it, as a disk would).
  const delivered = state.set<number>('delivered', { durable: opts.durableDedup === true });
  return {
    onMessage(ctx, _from, payload) {
      const m = payload as Msg;
      if (m.kind !== 'item') return;
      if (!opts.sinkDeduplicates || !delivered.has(m.seq)) ctx.output(m.value);
      delivered.add(m.seq);
      // End to end: the source stops retransmitting only once the sink has the item.
      ctx.send('source', { kind: 'ack', seq: m.seq });
    },
  };
}
