/**
 * Lesson: a timeout is a guess, not a detection. Two workers send the monitor a heartbeat every 4 ms;
 * the monitor suspects a worker when 11 ms pass without one. The bug: a suspicion is final. Lose two
 * heartbeats in a row and the monitor declares a live worker dead for good.
 *
 * A violation that faults create: the suspicion is a new output. LDFI finds it from negative support:
 * each time the monitor's timeout fired and found a fresher heartbeat, it stayed silent because that
 * heartbeat arrived.
 *
 * Outputs: `{ suspect: w }` and `{ trust: w }` at the monitor.
 * Invariant: by the end of the run, the monitor does not suspect a worker that never crashed.
 *
 * Expected (defaults: { eot: 40, eff: 12, crashes: 1 }):
 *   broken     two consecutive heartbeats of one worker lost
 *   fixed in failure-detector-eventual.ts
 */
import { defineProtocol } from 'ldfi/sim';
import { DETECTOR_NODES, detectorNode, noLiveWorkerSuspected } from './lib/detector.ts';

export default defineProtocol({
  name: 'failure-detector',
  nodes: DETECTOR_NODES,
  node: (id, state) => detectorNode(id, state, { revokeOnHeartbeat: false }),
  workload: [],
  invariants: [noLiveWorkerSuspected],
  // A failure detector's accuracy is defined for crash-stop failures: a restarted worker is not searched.
  defaults: { eot: 40, eff: 12, crashes: 1, faultKinds: ['omit', 'crash'] },
});
