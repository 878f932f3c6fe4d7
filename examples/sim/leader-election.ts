/**
 * Lesson: a leader needs a majority, and "nobody answered" is not a majority. Nodes elect a leader
 * per term, Raft style: on an election timeout a node becomes a candidate for the next term and
 * asks the others for their vote; one vote per node per term; two votes of three make a leader,
 * which then sends heartbeats. The bug: a candidate that hears from nobody at all during its
 * election assumes the others are down and declares itself leader anyway. Isolate one node
 * (a partition) and it leads term 1 on its own while the other two elect a leader of term 1 too.
 *
 * Outputs: `{ term, leader }` when a node becomes leader.
 * Invariant: at most one leader per term.
 *
 * Expected (defaults: { eot: 50, eff: 20, crashes: 0 }):
 *   broken     LDFI, omissions only: a few lost vote requests and votes, found from negative support
 *              (the election timers that stayed silent because a vote or a heartbeat arrived are
 *              what the search wakes); the second leader is a new outcome, not a lost one
 *   broken     replay --faults 'partition {a}|{b,c} @1..19'   (a, cut off, leads term 1 alone while
 *              b and c elect b for term 1)
 *   broken     --strategy random finds it too, with --fault-kinds partition at once
 * Without the "nobody answered" shortcut (a candidate just retries) the invariant holds:
 * leader-election-fixed.ts.
 */
import { defineProtocol } from 'ldfi/sim';
import { electionNode, NODES, oneLeaderPerTerm } from './lib/election.ts';

export default defineProtocol({
  name: 'leader-election',
  nodes: NODES,
  node: (id, state) => electionNode(id, state, { lonelyLeads: true }),
  workload: [],
  invariants: [oneLeaderPerTerm],
  defaults: { eot: 50, eff: 20, crashes: 0 },
});
