/**
 * Trade acceptance over two streams with at-least-once delivery (one implementation, two flags).
 * The feed sends prices, the gateway trades, each numbered and sent again every RESEND ms until the
 * desk acknowledges it. Exactly-once decisions come from idempotent state at the desk: a trade is
 * decided once, in sequence order, and acknowledged (in a batch, at the next commit) only once
 * decided; a price replaces the last one only if it is newer. Both facts are durable, written as they
 * change, so a restarted desk still knows.
 */
import type { NodeHandlers, NodeState } from 'ldfi/sim';
import { accepts, type Price, type Trade } from './trade-model.ts';

export const TRADE_NODES = ['feed', 'gateway', 'desk'];
/** Virtual ms before an unacknowledged price or trade goes again: more than a round trip and a commit. */
const RESEND = 10;
/** Virtual ms from a decision to the commit that acknowledges it (acknowledgements go in batches). */
const COMMIT = 3;

// Each price and trade carries when it went in (`at`, read from the clock: the audit log has it).
type Msg = { kind: 'price'; seq: number; px: number; at: number } | { kind: 'trade'; seq: number; id: string; px: number; at: number } | { kind: 'ack'; seq: number };
type Stamped = Trade & { at: number };

export interface DeskBugs {
  /**
   * Write how far the desk has decided only at the commit that acknowledges, after the decisions are
   * out: a restart between the two forgets them, the trades come again, and count twice.
   */
  readonly commitAfterOutput?: boolean;
  /** Take every price message as the last price, redeliveries of older ones included. */
  readonly anyPriceIsLast?: boolean;
}

export function tradeNode(id: string, state: NodeState, bugs: DeskBugs = {}): NodeHandlers {
  if (id === 'feed' || id === 'gateway') {
    // What was sent and not yet acknowledged: durable, so a restart does not lose it.
    const unacked = state.map<number, Msg>('unacked', { durable: true });
    const lastSeq = state.register<number>('lastSeq', { durable: true });
    return {
      // Timers do not survive a restart: what is still unacknowledged needs its resend armed again.
      init(ctx) {
        for (const seq of unacked.keys()) ctx.setTimer(RESEND, `resend:${seq}`);
      },
      onInput(ctx, value) {
        const seq = (lastSeq.get() ?? 0) + 1;
        lastSeq.set(seq);
        const at = ctx.now();
        const m: Msg = id === 'feed' ? { kind: 'price', seq, px: (value as Price).px, at } : { kind: 'trade', seq, ...(value as Trade), at };
        unacked.set(seq, m);
        ctx.send('desk', m);
        ctx.setTimer(RESEND, `resend:${seq}`);
      },
      onMessage(_ctx, _from, payload) {
        const m = payload as Msg;
        if (m.kind === 'ack') unacked.delete(m.seq);
      },
      onTimer(ctx, name) {
        const m = unacked.get(Number(name.split(':')[1]));
        if (m === undefined) return;
        ctx.send('desk', m);
        ctx.setTimer(RESEND, name);
      },
    };
  }
  const last = state.register<{ seq: number; px: number; at: number }>('lastPrice', { durable: true });
  const next = state.register<number>('nextTrade', { durable: true });
  // With `commitAfterOutput`: how far the desk has decided since its last commit (memory only).
  const decided = state.register<number>('decidedUpTo');
  // Acknowledgements go in a batch at the next commit, COMMIT ms after the first decision waiting.
  const toAck = state.set<number>('toAck');
  const commitArmed = state.register<boolean>('commitArmed');
  // Trades that came ahead of their turn (a lost one before them): unacknowledged, so they come again.
  const waiting = state.map<number, Stamped>('waiting');
  return {
    onMessage(ctx, from, payload) {
      const m = payload as Msg;
      if (m.kind === 'price') {
        const seen = last.get();
        if (bugs.anyPriceIsLast || seen === undefined || m.seq > seen.seq) last.set({ seq: m.seq, px: m.px, at: m.at });
        ctx.send(from, { kind: 'ack', seq: m.seq });
        return;
      }
      if (m.kind !== 'trade') return;
      const decide = (t: Stamped) => ctx.output({ id: t.id, ok: accepts(t.px, t.at, last.get()) });
      const expected = (bugs.commitAfterOutput ? decided.get() : undefined) ?? next.get() ?? 1;
      if (m.seq > expected) {
        waiting.set(m.seq, { id: m.id, px: m.px, at: m.at });
        return;
      }
      if (m.seq === expected) {
        decide(m);
        toAck.add(m.seq);
        let n = expected + 1;
        for (let t = waiting.get(n); t !== undefined; t = waiting.get(n)) {
          waiting.delete(n);
          decide(t);
          toAck.add(n);
          n++;
        }
        // The fix writes how far it has decided at once; the bug only at the commit, after the output.
        if (bugs.commitAfterOutput) decided.set(n);
        else next.set(n);
      } else toAck.add(m.seq); // decided before: a redelivery changes nothing but is acknowledged
      if (!commitArmed.get()) {
        commitArmed.set(true);
        ctx.setTimer(COMMIT, 'commit');
      }
    },
    onTimer(ctx) {
      const upTo = decided.get();
      if (upTo !== undefined) next.set(upTo);
      for (const seq of toAck.values()) {
        ctx.send('gateway', { kind: 'ack', seq });
        toAck.delete(seq);
      }
      commitArmed.clear();
    },
  };
}
