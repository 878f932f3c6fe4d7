/**
 * Lesson: a redelivered old price must not replace a newer one. As trade-acceptance.ts, but the
 * desk takes every price message as the last price: when the acknowledgement of the first price is
 * lost, the feed sends it again after the second, and t3 is decided against a price the desk had
 * already moved past — no interleaving of the two streams gives that decision after t2's.
 *
 * Expected (defaults as trade-acceptance.ts):
 *   broken  one lost acknowledgement of the first price (`omit desk→feed @2`):
 *           stale: trade t3 accepted at desk @15 is the model's answer as of market #1 (in @1), but
 *           trade t2 accepted @10 before it needs market #2 (in @6) seen
 */
import { defineProtocol } from 'ldfi/sim';
import { TRADE_NODES, tradeNode } from './lib/trades.ts';
import { TRADE_WORKLOAD, tradesAccepted } from './lib/trade-model.ts';

export default defineProtocol({
  name: 'trade-acceptance-stale-price',
  nodes: TRADE_NODES,
  node: (id, state) => tradeNode(id, state, { anyPriceIsLast: true }),
  workload: TRADE_WORKLOAD,
  invariants: [tradesAccepted({ feed: 'feed', gateway: 'gateway', desk: 'desk' })],
  defaults: { eot: 40, eff: 10, crashes: 1, faultKinds: ['omit', 'restart'] },
});
