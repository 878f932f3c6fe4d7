/** A benchmark load, not an example: every node answers every message, forever (until the time bound). */
import { defineProtocol } from 'ldfi/sim';

export default defineProtocol({
  name: 'pingpong',
  nodes: ['a', 'b', 'c', 'd'],
  node: (id) => ({
    init(ctx) {
      for (const peer of ctx.nodes) if (peer !== id) ctx.send(peer, 0);
    },
    onMessage(ctx, from, payload, msg) {
      ctx.send(from, (payload as number) + 1, { because: [msg] });
    },
  }),
  workload: [],
  invariants: [],
  latency: [1, 3],
});
