/**
 * Lesson: the fix of ldfi.tcp.ts is a deduplication table written to the receiver's data folder
 * (which a restart keeps) before the item is output.
 *
 * Expected (defaults: { eot: 8, eff: 4, crashes: 1 }, rounds):
 *   resilient  to omissions, crashes, restarts and dropped connections within the bounds
 */
import { exactlyOnce } from './system.ts';

export default exactlyOnce({ durable: true });
