/**
 * Lesson (Spike's original example): a pipeline whose messages cross process boundaries loses data when
 * one message or one connection is lost, unless its hops recover their sessions. Source (Node) →
 * doubler (Python) → halver (Python) → sink (Node), each a real process talking TCP through Spike.
 *
 * Expected (defaults: { eot: 12, eff: 4, crashes: 0 }, rounds):
 *   broken     one lost message (an item never comes out), found by LDFI
 *   broken     replay --faults 'disconnect doubler↔halver @2..3' (the dropped connection loses an item)
 *   fixed in ldfi-recovery.tcp.ts
 */
import { doubleHalve } from './system.ts';

export default doubleHalve({ recovery: false });
