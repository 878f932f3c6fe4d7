/**
 * Lesson: retransmitting until acknowledged gives at-least-once delivery, not exactly-once. The
 * source sends each item through the doubler to the sink and sends it again every 10 ms until the sink
 * acknowledges it, end to end. The sink outputs every copy it receives: lose one acknowledgement and
 * the retransmitted copy comes out a second time.
 *
 * This is a violation that faults *create*: the duplicate is a new output, not a lost one. LDFI finds
 * it from negative support: the source's retransmission timer stayed silent because the
 * acknowledgement arrived, so the acknowledgement is what to drop.
 *
 * Outputs: the doubled items at the sink. Invariant: each input comes out doubled, exactly once
 * (`expectOutputs`, black-box).
 *
 * Expected (defaults: { eot: 40, eff: 10, crashes: 0 }):
 *   broken     one lost acknowledgement (omit sink→source at the first ack's send time)
 *   fixed in pipeline-exactly-once.ts
 */
import { defineProtocol, expectOutputs } from 'ldfi/sim';
import { PIPELINE_NODES, pipelineNode } from './lib/pipeline.ts';

export default defineProtocol({
  name: 'pipeline-at-least-once',
  nodes: PIPELINE_NODES,
  node: (id, state) => pipelineNode(id, state, { sinkDeduplicates: false }),
  workload: [
    { at: 1, node: 'source', value: 1 },
    { at: 2, node: 'source', value: 2 },
  ],
  invariants: [expectOutputs({ from: 'source', to: 'sink', expected: (v) => Number(v) * 2 })],
  defaults: { eot: 40, eff: 10, crashes: 0 },
});
