/**
 * The reference model of trade acceptance, shared by the sim and tcp examples: market prices and
 * trades are two streams; a trade is accepted when its price is within BAND of the last market price
 * seen, rejected otherwise (and rejected while no price has been seen, or when the last one went in
 * more than MAX_AGE before the trade: a decision that reads the clock). The checker finds the
 * interleaving of the two streams the desk met — each stream in its own order, each decision no
 * earlier than what it needed went in — or names what no interleaving explains.
 */
import { expectModel, type Invariant, type Payload, type StreamModel } from 'ldfi/sim';

export const BAND = 2;
/** A price older than this (ms from when it went in to when the trade did) is not used: the trade is rejected. */
export const MAX_AGE = 15;

export type Price = { px: number };
export type Trade = { id: string; px: number };
export type Decision = { id: string; ok: boolean };

export const tradeModel: StreamModel<{ px: number; at: number } | null> = {
  init: null,
  step: (last, item) => {
    if (item.stream === 'market') return { state: { px: (item.value as Price).px, at: item.at } };
    const t = item.value as Trade;
    return { state: last, out: [{ id: t.id, ok: accepts(t.px, item.at, last) }] };
  },
};

/** The rule, the same for the model and the desk: within BAND of a price no older than MAX_AGE. */
export function accepts(px: number, at: number, last: { px: number; at: number } | null | undefined): boolean {
  return !!last && Math.abs(px - last.px) <= BAND && at - last.at <= MAX_AGE;
}

/** Decisions at `desk` against the model, prices given at `feed` and trades at `gateway`. */
export function tradesAccepted(nodes: { feed: string; gateway: string; desk: string }): Invariant {
  return expectModel({
    streams: { market: nodes.feed, trades: nodes.gateway },
    to: nodes.desk,
    model: tradeModel,
    name: (d: Payload) => `trade ${(d as Decision).id} ${(d as Decision).ok ? 'accepted' : 'rejected'}`,
    id: (d: Payload) => `trade ${(d as Decision).id}`,
  });
}

/** Prices and trades: t2 is accepted only against the second price, t3 only against the first, t4 against none. */
export const TRADE_WORKLOAD = [
  { at: 1, node: 'feed', value: { px: 100 } },
  { at: 3, node: 'gateway', value: { id: 't1', px: 101 } },
  { at: 6, node: 'feed', value: { px: 110 } },
  { at: 8, node: 'gateway', value: { id: 't2', px: 109 } },
  { at: 13, node: 'gateway', value: { id: 't3', px: 100 } },
  // No price since @6: too old by @25, whatever its value.
  { at: 25, node: 'gateway', value: { id: 't4', px: 110 } },
];
