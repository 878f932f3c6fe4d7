/** The nodes of the at-least-once pipeline and its exactly-once fix (one implementation, one flag). */
import type { NodeHandlers } from 'ldfi/sim';

export const PIPELINE_NODES = ['source', 'doubler', 'sink'];
/** Virtual ms the source waits for the sink's acknowledgement before it sends an item again: more than a round trip (3 hops of at most 3 ms). */
const RETRANSMIT_EVERY = 10;

type Msg = { kind: 'item'; seq: number; value: number } | { kind: 'ack'; seq: number };

export function pipelineNode(id: string, opts: { sinkDeduplicates: boolean }): NodeHandlers {
  if (id === 'source') {
    const unacked = new Map<number, number>(); // seq → value
    let nextSeq = 1;
    return {
      onInput(ctx, value) {
        const seq = nextSeq++;
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
      onMessage(ctx, _from, payload, msg) {
        const m = payload as Msg;
        if (m.kind === 'item') ctx.send('sink', { kind: 'item', seq: m.seq, value: m.value * 2 }, { because: [msg] });
      },
    };
  }
  const delivered = new Set<number>();
  return {
    onMessage(ctx, _from, payload, msg) {
      const m = payload as Msg;
      if (m.kind !== 'item') return;
      if (!opts.sinkDeduplicates || !delivered.has(m.seq)) ctx.output(m.value, { because: [msg] });
      delivered.add(m.seq);
      // End to end: the source stops retransmitting only once the sink has the item.
      ctx.send('source', { kind: 'ack', seq: m.seq }, { because: [msg] });
    },
  };
}
