/**
 * Lesson: retrying until acknowledged makes a broadcast survive lost messages, but not a crashed
 * sender: if the origin dies after reaching only some nodes, the others never hear of the value.
 *
 * Expected:
 *   resilient  --eot 60 --eff 30 --crashes 0   (every loss before EFF is eventually retried past)
 *   broken     --eot 60 --eff 30 --crashes 1   (crash a after it reached b but not c)
 */
import { defineProtocol, type NodeHandlers } from 'ldfi/sim';

const RETRY_EVERY = 5;

export default defineProtocol({
  name: 'retry-broadcast',
  nodes: ['a', 'b', 'c'],
  node: (id, state): NodeHandlers => {
    // Tracked state (ctx.state): each send and output depends on what its handler read.
    const value = state.register('value');
    const unacked = state.set('unacked');
    return {
      onInput(ctx, v) {
        value.set(v);
        ctx.output(v);
        for (const peer of ctx.nodes) if (peer !== id) unacked.add(peer);
        for (const peer of unacked) ctx.send(peer, { kind: 'value', value: v });
        ctx.setTimer(RETRY_EVERY, 'retry');
      },
      onTimer(ctx) {
        for (const peer of unacked) ctx.send(peer, { kind: 'value', value: value.get() });
        if (unacked.size > 0) ctx.setTimer(RETRY_EVERY, 'retry');
      },
      onMessage(ctx, from, payload) {
        const m = payload as { kind: string; value: unknown };
        if (m.kind === 'ack') unacked.delete(from);
        else {
          if (value.get() === undefined) {
            value.set(m.value);
            ctx.output(m.value);
          }
          ctx.send(from, { kind: 'ack' });
        }
      },
    };
  },
  workload: [{ at: 1, node: 'a', value: 'v1' }],
  invariants: [
    // Agreement: if any node delivered the value, every node that did not crash delivers it too.
    (run) => {
      if (run.outputs.length === 0) return [];
      const delivered = new Set(run.outputs.map((o) => o.node));
      return ['a', 'b', 'c'].filter((n) => !delivered.has(n) && !run.crashed.includes(n)).map((n) => `${n} never delivered the value that ${[...delivered].join(', ')} delivered`);
    },
  ],
  defaults: { eot: 60, eff: 30, crashes: 0 },
});
