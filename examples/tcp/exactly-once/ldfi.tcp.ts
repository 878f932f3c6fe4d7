/**
 * Lesson: deduplication is only as durable as its table. The receiver outputs each item once and
 * acknowledges it at its next tick; its table of sequence numbers seen lives in memory.
 *
 * Expected (defaults: { eot: 8, eff: 4, crashes: 1 }, rounds):
 *   broken     the receiver restarts after outputting an item and before acknowledging it: the sender
 *              sends it again and the receiver, its table forgotten, outputs it twice (a restart;
 *              a crash-stop cannot do this, and no loss can)
 *   resilient  --fault-kinds omit,crash
 *   fixed in ldfi-durable.tcp.ts
 */
import { exactlyOnce } from './system.ts';

export default exactlyOnce({ durable: false });
