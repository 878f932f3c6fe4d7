/**
 * Lesson: exactly-once needs the dedup state written before the effect, not after. As
 * trade-acceptance.ts, but the desk writes how far it has decided only at the commit that sends the
 * acknowledgements, a few ms after the decision is out: a restart in between forgets the decision,
 * the gateway sends the trade again (it was never acknowledged), and it counts twice.
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
  node: (id, state) => tradeNode(id, state, { commitAfterOutput: true }),
  workload: TRADE_WORKLOAD,
  invariants: [tradesAccepted({ feed: 'feed', gateway: 'gateway', desk: 'desk' })],
  defaults: { eot: 40, eff: 10, crashes: 1, faultKinds: ['omit', 'restart'] },
});
