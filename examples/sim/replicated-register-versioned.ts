/**
 * Lesson: the fix of replicated-register.ts — a backup applies an update only if its sequence number
 * is newer than what it holds, so a late copy of an old write changes nothing.
 *
 * Expected (defaults: { eot: 20, eff: 4, crashes: 0, maxDelay: 6 }):
 *   resilient  as written (omissions and delays of up to 6 virtual ms before EFF: 54,595 runs, 77 s;
 *              --max-delay 2: 1,463 runs, 4 s)
 *   broken     --crashes 1 (the primary fails before every backup has the last write)
 */
import { defineProtocol } from 'ldfi/sim';
import { backupsConverge, REGISTER_NODES, registerNode } from './lib/register.ts';

export default defineProtocol({
  name: 'replicated-register-versioned',
  nodes: REGISTER_NODES,
  node: (id, state) => registerNode(id, state, { versioned: true }),
  workload: [
    { at: 1, node: 'p', value: 'x=1' },
    { at: 3, node: 'p', value: 'x=2' },
  ],
  invariants: [backupsConverge],
  // Copies of the first write sent before the second cannot overtake it unless a fault delays them.
  latency: [1, 2],
  defaults: { eot: 20, eff: 4, crashes: 0, maxDelay: 6 },
});
