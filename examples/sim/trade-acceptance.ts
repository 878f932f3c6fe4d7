/**
 * Lesson: exactly-once decisions from an at-least-once pipeline need idempotent state, on disk.
 * Prices (feed) and trades (gateway) reach the desk over lossy links and are sent again until
 * acknowledged; the desk accepts a trade within 2 of the last price it has seen, if that price went
 * in at most 15 ms before the trade (each is stamped with the clock as it goes in: the audit log has
 * every read, and a replay reproduces them). It decides each
 * trade once, in order, and takes a price only if it is newer than the one it has; both facts are
 * durable, so a restart changes nothing. The check is black-box: a reference model of the two streams
 * (lib/trade-model.ts), explained by some interleaving the desk could have met.
 *
 * Outputs: one decision per trade at the desk. Invariant: the decisions are the model's, in order.
 *
 * Expected (defaults: { eot: 40, eff: 10, crashes: 1, faultKinds: ['omit', 'restart'] }; an input given
 * to a node that is down never went in, and no decision is owed for it):
 *   resilient  (3,526 runs, seed 1: every fault set equivalent to one of them)
 * (Found on the way, and fixed: timers do not survive a restart, so a restarted gateway must arm its
 * resends again, or a trade lost just before the restart holds every later one back.)
 * Twins: trade-acceptance-double-count.ts, trade-acceptance-stale-price.ts.
 */
import { defineProtocol } from 'ldfi/sim';
import { TRADE_NODES, tradeNode } from './lib/trades.ts';
import { TRADE_WORKLOAD, tradesAccepted } from './lib/trade-model.ts';

export default defineProtocol({
  name: 'trade-acceptance',
  nodes: TRADE_NODES,
  node: (id, state) => tradeNode(id, state),
  workload: TRADE_WORKLOAD,
  invariants: [tradesAccepted({ feed: 'feed', gateway: 'gateway', desk: 'desk' })],
  defaults: { eot: 40, eff: 10, crashes: 1, faultKinds: ['omit', 'restart'] },
});
