/**
 * Lesson: the fix of failure-detector.ts is to make suspicion revocable (an eventually perfect
 * failure detector, ◇P): a heartbeat from a suspected worker makes the monitor trust it again. Lost
 * heartbeats still cause wrong suspicions for a while, but once messages stop being lost (after EFF),
 * every live worker is trusted again before the end.
 *
 * Outputs: `{ suspect: w }` and `{ trust: w }` at the monitor.
 * Invariant: by the end of the run, the monitor does not suspect a worker that never crashed.
 *
 * Expected (defaults: { eot: 40, eff: 12, crashes: 1 }):
 *   resilient  as written
 */
import { defineProtocol } from 'ldfi/sim';
import { DETECTOR_NODES, detectorNode, noLiveWorkerSuspected } from './lib/detector.ts';

export default defineProtocol({
  name: 'failure-detector-eventual',
  nodes: DETECTOR_NODES,
  node: (id, state) => detectorNode(id, state, { revokeOnHeartbeat: true }),
  workload: [],
  invariants: [noLiveWorkerSuspected],
  // A failure detector's accuracy is defined for crash-stop failures: a restarted worker is not searched.
  defaults: { eot: 40, eff: 12, crashes: 1, faultKinds: ['omit', 'crash'] },
});
