/**
 * Lesson: five nodes, three clients — a register on a primary p and a backup b, written by clients
 * c1, c2, c3. Each client retries its write and, after three unanswered tries, fails over to the
 * backup. The primary acknowledges a write only once the backup has it, so an acknowledged write is
 * on two replicas: one crash cannot lose it, nor one restart (stored writes are durable).
 *
 * Outputs: `{ stored }` when a replica stores a write, `{ acked }` when a client got its answer.
 * Invariants: an acknowledged write is stored by a replica that did not crash (durability); if no node
 * failed, every write is acknowledged (liveness).
 *
 * Expected (defaults: { eot: 40, eff: 8, crashes: 1 }):
 *   resilient  as written: omissions before EFF 8 with one crash or one restart
 *   broken     failover-register-buggy.ts (acknowledges before the backup has the write)
 */
import { defineProtocol } from 'ldfi/sim';
import { ackedIsStored, everyWriteAcked, FAILOVER_NODES, failoverNode } from './lib/failover.ts';

export default defineProtocol({
  name: 'failover-register',
  nodes: FAILOVER_NODES,
  node: (id, state) => failoverNode(id, state, { ackBeforeReplicate: false }),
  workload: [
    { at: 1, node: 'c1', value: 'x=1' },
    { at: 2, node: 'c2', value: 'y=2' },
    { at: 3, node: 'c3', value: 'z=3' },
  ],
  invariants: [ackedIsStored, everyWriteAcked],
  defaults: { eot: 40, eff: 8, crashes: 1 },
});
