/**
 * Lesson: the fix of ldfi.tcp.ts is session recovery on every hop: sequence numbers, acknowledgements,
 * resending what is unacknowledged every second round (also over a new connection after a reset), and
 * deduplication at the receiver.
 *
 * Expected (defaults: { eot: 12, eff: 4, crashes: 0 }, rounds):
 *   resilient  every omission before round 4
 *   resilient  replay --faults 'disconnect doubler↔halver @2..3'
 */
import { doubleHalve } from './system.ts';

export default doubleHalve({ recovery: true });
