/**
 * Lesson: the fix of leader-election.ts. A candidate that hears from nobody does not lead; it waits
 * for a new election timeout and tries again. Only a majority of votes makes a leader, and a node
 * votes once per term, so two leaders of one term would need two majorities of three nodes, which
 * share a node that voted twice.
 *
 * Outputs: `{ term, leader }` when a node becomes leader.
 * Invariant: at most one leader per term.
 *
 * A node keeps its term and vote on disk (durable, as Raft does): with them volatile, a node that
 * restarts after voting votes again in the same term, and two candidates win it.
 *
 * Expected (defaults: { eot: 50, eff: 20, crashes: 1, faultKinds: omit, crash }):
 *   resilient  as written: every omission before EFF 20 and any one crash
 *   resilient  --fault-kinds omit,crash,restart (a restart instead of the crash: tens of thousands of runs;
 *              every end of a restart window is its own run, since a restarted node's init arms a
 *              timer at once)
 */
import { defineProtocol } from 'ldfi/sim';
import { electionNode, NODES, oneLeaderPerTerm } from './lib/election.ts';

export default defineProtocol({
  name: 'leader-election-fixed',
  nodes: NODES,
  node: (id, state) => electionNode(id, state, { lonelyLeads: false }),
  workload: [],
  invariants: [oneLeaderPerTerm],
  defaults: { eot: 50, eff: 20, crashes: 1, faultKinds: ['omit', 'crash'] },
});
