/**
 * Lesson: at-least-once delivery makes a non-idempotent step count twice. As trade-acceptance.ts,
 * but the desk decides every trade message it receives: when an acknowledgement is lost the gateway
 * sends the trade again, and it is decided twice (and a lost trade is decided after the next one).
 *
 * Expected (defaults as trade-acceptance.ts):
 *   broken  one lost acknowledgement (`omit desk→gateway @9`):
 *           duplicated: trade t2 accepted came out twice (@9, @21) at desk; the model gives it once
 */
import { defineProtocol } from 'ldfi/sim';
import { TRADE_NODES, tradeNode } from './lib/trades.ts';
import { TRADE_WORKLOAD, tradesAccepted } from './lib/trade-model.ts';

export default defineProtocol({
  name: 'trade-acceptance-double-count',
  nodes: TRADE_NODES,
  node: (id, state) => tradeNode(id, state, { decideEveryDelivery: true }),
  workload: TRADE_WORKLOAD,
  invariants: [tradesAccepted({ feed: 'feed', gateway: 'gateway', desk: 'desk' })],
  defaults: { eot: 40, eff: 10, crashes: 1, faultKinds: ['omit', 'restart'] },
});
