/**
 * Lesson: exactly-once needs the dedup state written before the effect, not after. As
 * trade-acceptance.ts, but the desk writes how far it has decided only at the commit that sends the
 * acknowledgements, a few ms after the decision is out: a restart in between forgets the decision,
 * the gateway sends the trade again (it was never acknowledged), and it counts twice.
 *
 * Expected (defaults as trade-acceptance.ts):
 *   broken  one restart of the desk at the commit (`restart desk @6..6`, seed 1, 9 runs):
 *           duplicated: trade t1 came out twice at desk (@5 trade t1 accepted, @16 trade t1
 *           rejected); the model gives one output for it
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
