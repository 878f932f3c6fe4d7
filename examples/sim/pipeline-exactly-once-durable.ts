/**
 * Lesson: exactly-once across a restart needs the dedup table on disk. pipeline-exactly-once.ts
 * keeps the sequence numbers the sink has output in memory: a sink that restarts forgets them, and a
 * copy retransmitted because an acknowledgement was lost comes out a second time. Here the table is
 * durable (`state.set('delivered', { durable: true })`), and a restarted sink still knows.
 *
 * Outputs: the doubled items at the sink. Invariant: each input comes out doubled, exactly once.
 *
 * Expected (defaults: { eot: 40, eff: 10, crashes: 1, faultKinds: ['omit', 'restart'] }; restarts of the
 * sink only, since an input given to a source that is down is lost whatever the sink keeps):
 *   resilient  --only-faults 'restart:sink; omit:*→*'
 */
import { defineProtocol, expectOutputs } from 'ldfi/sim';
import { PIPELINE_NODES, pipelineNode } from './lib/pipeline.ts';

export default defineProtocol({
  name: 'pipeline-exactly-once-durable',
  nodes: PIPELINE_NODES,
  node: (id, state) => pipelineNode(id, state, { sinkDeduplicates: true, durableDedup: true }),
  workload: [
    { at: 1, node: 'source', value: 1 },
    { at: 2, node: 'source', value: 2 },
  ],
  invariants: [expectOutputs({ from: 'source', to: 'sink', expected: (v) => Number(v) * 2 })],
  defaults: { eot: 40, eff: 10, crashes: 1, faultKinds: ['omit', 'restart'] },
});
