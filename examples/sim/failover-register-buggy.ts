/**
 * Lesson: the bug of failover-register.ts — the primary acknowledges a write at once, before the
 * backup has it. Lose the copy to the backup and crash the primary: the client was told its write is
 * stored, and no replica that is up has it.
 *
 * Expected (defaults: { eot: 40, eff: 8, crashes: 1 }):
 *   broken     as written (an omission of the copy p→b and a crash of p)
 */
import { defineProtocol } from 'ldfi/sim';
import { ackedIsStored, everyWriteAcked, FAILOVER_NODES, failoverNode } from './lib/failover.ts';

export default defineProtocol({
  name: 'failover-register-buggy',
  nodes: FAILOVER_NODES,
  node: (id, state) => failoverNode(id, state, { ackBeforeReplicate: true }),
  workload: [
    { at: 1, node: 'c1', value: 'x=1' },
    { at: 2, node: 'c2', value: 'y=2' },
    { at: 3, node: 'c3', value: 'z=3' },
  ],
  invariants: [ackedIsStored, everyWriteAcked],
  defaults: { eot: 40, eff: 8, crashes: 1 },
});
