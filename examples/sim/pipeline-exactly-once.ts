/**
 * Lesson: the fix of pipeline-at-least-once.ts. Retransmission stays (it is what survives lost
 * messages); the sink remembers the sequence numbers it has output and outputs each item once,
 * acknowledging every copy, so the source stops even when an earlier acknowledgement was lost.
 *
 * Outputs: the doubled items at the sink. Invariant: each input comes out doubled, exactly once.
 *
 * Expected (defaults: { eot: 40, eff: 10, crashes: 0 }):
 *   resilient  as written: any omissions before EFF 10 (retransmissions outlast them by EOT 40)
 *   broken     --crashes 1: a crashed doubler or sink loses items (nothing replaces a crashed node)
 *   broken     --crashes 1 --fault-kinds omit,restart --only-faults 'restart:sink; omit:*→*':
 *              the dedup table is volatile: lose an acknowledgement, restart the sink, and the
 *              retransmitted items come out again (fixed in pipeline-exactly-once-durable.ts)
 */
import { defineProtocol, expectOutputs } from 'ldfi/sim';
import { PIPELINE_NODES, pipelineNode } from './lib/pipeline.ts';

export default defineProtocol({
  name: 'pipeline-exactly-once',
  nodes: PIPELINE_NODES,
  node: (id, state) => pipelineNode(id, state, { sinkDeduplicates: true }),
  workload: [
    { at: 1, node: 'source', value: 1 },
    { at: 2, node: 'source', value: 2 },
  ],
  invariants: [expectOutputs({ from: 'source', to: 'sink', expected: (v) => Number(v) * 2 })],
  defaults: { eot: 40, eff: 10, crashes: 0 },
});
