/**
 * Lesson: a redelivered old price must not replace a newer one. The desk takes every price message
 * as the last price: when the first price (or its acknowledgement) is lost, the feed sends it again
 * after the second, and t3 is decided on a price the desk had already moved past.
 *
 * Expected (defaults as ldfi.tcp.ts):
 *   broken  one lost first price (`omit feed→desk @1`): it comes again after the second, and
 *           stale: trade t3 accepted at desk @6 is the model's answer as of market #1 (in @1), but
 *           trade t1 rejected @3 before it needs market #2 (in @2) seen
 */
import { tradeSystem } from './system.ts';

export default tradeSystem({ name: 'trades-stale-price', bug: 'any-price-is-last' });
