/**
 * Lesson: the fix of ldfi.tcp.ts: the primary acknowledges a write only once the backup has
 * acknowledged its replica, and sends the replica again every second round until then. A crash and
 * lost messages can keep the write from being acknowledged, never make an acknowledged one vanish.
 *
 * Expected (defaults: { eot: 8, eff: 4, crashes: 1 }, rounds):
 *   resilient  every omission before round 4 and any one crash
 */
import { primaryBackup } from './system.ts';

export default primaryBackup({ sync: true });
