/**
 * Lesson: a store that acknowledges a write before it is replicated can lose it. The client (Node)
 * writes to the primary (Python), which stores the write, acknowledges it at once and replicates it to
 * the backup (Python) in the background.
 *
 * Expected (defaults: { eot: 8, eff: 4, crashes: 1 }, rounds):
 *   broken     the replica is lost (an omission) and the primary crashes after acknowledging: the
 *              write the client was told is stored is nowhere alive; LDFI needs both faults
 *   resilient  --crashes 0 (the primary keeps the write)
 *   fixed in ldfi-sync.tcp.ts
 */
import { primaryBackup } from './system.ts';

export default primaryBackup({ sync: false });
