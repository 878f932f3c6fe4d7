/**
 * Lesson: in chain replication a replica must apply a write before it passes it down the chain,
 * not when the acknowledgement comes back up; otherwise a write the client saw acknowledged can be
 * missing at a replica that never crashed.
 *
 * The chain is head → middle → tail. The client sends each write to the head and retries until the
 * tail answers. Each hop keeps the writes it forwarded in a buffer and retransmits them until the
 * next replica acknowledges the hop; a replica that receives a write it already has acknowledges it
 * again and does not apply it twice. The tail applies a write, acknowledges the hop and answers the
 * client.
 *
 * The bug (`MIDDLE_APPLIES_ON_ACK = true`): the middle applies a write only when the tail's hop
 * acknowledgement comes back. Lose that acknowledgement and crash the tail, and the middle, alive,
 * never applies a write the client was told is stored.
 *
 * Outputs: `{ applied: id }` at a replica, `{ acknowledged: id }` at the client.
 * Invariants: a write acknowledged to the client is applied at every replica that did not crash;
 * no replica applies a write twice.
 *
 * Expected (defaults: { eot: 40, eff: 10, crashes: 1 }):
 *   broken     as written (the fixed chain: chain-replication.ts)
 *   (this is the variant with MIDDLE_APPLIES_ON_ACK = true)
 */
import { defineProtocol } from 'ldfi/sim';
import { chainNode, chainInvariants, CHAIN_NODES } from './lib/chain.ts';

export default defineProtocol({
  name: 'chain-replication-buggy',
  nodes: CHAIN_NODES,
  node: (id, state) => chainNode(id, state, { middleAppliesOnAck: true }),
  workload: [{ at: 1, node: 'client', value: 'w1' }],
  invariants: chainInvariants,
  defaults: { eot: 40, eff: 10, crashes: 1 },
});
