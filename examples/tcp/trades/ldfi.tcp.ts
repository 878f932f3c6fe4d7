/**
 * Lesson: exactly-once decisions from at-least-once delivery, across two languages. The feed and
 * the gateway (Node) send prices and trades until the desk (Python) acknowledges them; the desk
 * decides each trade once, in order, and takes a price only if it is newer, both facts on disk
 * before it answers. Checked black-box against the reference model of the two streams
 * (examples/sim/lib/trade-model.ts), as the sim version is.
 *
 * Expected (defaults: { eot: 12, eff: 4, crashes: 0, faultKinds: ['omit', 'restart'] }, rounds):
 *   resilient  (61 runs, about 80 s: every fault set within the bounds equivalent to one of them)
 * Twins: ldfi-double-count.tcp.ts, ldfi-stale-price.tcp.ts.
 */
import { tradeSystem } from './system.ts';

export default tradeSystem({ name: 'trades' });
