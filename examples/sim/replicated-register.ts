/**
 * Lesson: retransmitting until acknowledged survives lost messages, but not reordering. A backup that
 * applies updates as they arrive ends with an old value when an early update is delayed past a later
 * one — no message is lost, and no node crashes.
 *
 * Expected (defaults: { eot: 20, eff: 4, crashes: 0, maxDelay: 6 }):
 *   broken     as written (the first update to one backup delayed past the second)
 *   resilient  --fault-kinds omit,crash   (losses alone are retransmitted past)
 */
import { defineProtocol } from 'ldfi/sim';
import { backupsConverge, REGISTER_NODES, registerNode } from './lib/register.ts';

export default defineProtocol({
  name: 'replicated-register',
  nodes: REGISTER_NODES,
  node: (id, state) => registerNode(id, state, { versioned: false }),
  workload: [
    { at: 1, node: 'p', value: 'x=1' },
    { at: 3, node: 'p', value: 'x=2' },
  ],
  invariants: [backupsConverge],
  // Copies of the first write sent before the second cannot overtake it unless a fault delays them.
  latency: [1, 2],
  defaults: { eot: 20, eff: 4, crashes: 0, maxDelay: 6 },
});
