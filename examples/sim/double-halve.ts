/**
 * Lesson: a pipeline is only as reliable as its weakest hop. Items flow source → doubler → halver
 * → sink; the doubler doubles, the halver halves, so every input should come out at the sink once,
 * unchanged. Each hop sends each item once and forgets it: one lost message (an omission, or a
 * dropped connection such as `disconnect doubler↔halver @4..8`) and the item never arrives.
 * double-halve-recovery.ts is the same pipeline with acknowledgements, retransmission and dedup.
 *
 * Invariant: expectOutputs({ from: 'source', to: 'sink', expected: (x) => x }).
 *
 * Expected (defaults: { eot: 40, eff: 15, crashes: 0 }):
 *   broken     --eot 40 --eff 15 --crashes 0   (any single omission on the path of an item)
 *   broken     replay --faults 'disconnect doubler↔halver @4..8'
 */
import { defineProtocol, expectOutputs, type NodeHandlers } from 'ldfi/sim';

type Item = { x: number };

/** A stage that applies `f` to each item it receives and passes it on to `next`. */
function stage(next: string, f: (x: number) => number): NodeHandlers {
  return {
    onMessage(ctx, _from, payload) {
      ctx.send(next, { x: f((payload as Item).x) });
    },
  };
}

export default defineProtocol({
  name: 'double-halve',
  nodes: ['source', 'doubler', 'halver', 'sink'],
  node: (id): NodeHandlers => {
    switch (id) {
      case 'source':
        return { onInput: (ctx, value) => ctx.send('doubler', { x: value as number }) };
      case 'doubler':
        return stage('halver', (x) => x * 2);
      case 'halver':
        return stage('sink', (x) => x / 2);
      default:
        return { onMessage: (ctx, _from, payload) => ctx.output((payload as Item).x) };
    }
  },
  workload: [
    { at: 2, node: 'source', value: 1 },
    { at: 4, node: 'source', value: 2 },
    { at: 6, node: 'source', value: 3 },
  ],
  invariants: [expectOutputs({ from: 'source', to: 'sink', expected: (x) => x })],
  defaults: { eot: 40, eff: 15, crashes: 0 },
});
