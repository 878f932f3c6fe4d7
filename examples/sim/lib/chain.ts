/** The replicas and client of chain-replication.ts and its buggy variant (one implementation, one flag). */
import type { Invariant, NodeContext, NodeHandlers, NodeState } from 'ldfi/sim';

export const CHAIN_NODES = ['client', 'head', 'middle', 'tail'];
/** Virtual ms between a client's retries, and between a hop's retransmissions. */
const CLIENT_RETRY = 8;
const HOP_RETRANSMIT = 4;

type Msg = { kind: 'write'; id: string } | { kind: 'hop-ack'; id: string } | { kind: 'reply'; id: string };

export function chainNode(id: string, state: NodeState, opts: { middleAppliesOnAck: boolean }): NodeHandlers {
  if (id === 'client') return clientNode(state);
  const next = id === 'head' ? 'middle' : id === 'middle' ? 'tail' : undefined;
  // Tracked state (ctx.state): each send and output depends on what its handler read. A replica
  // keeps its log on disk (durable): a restart loses neither what it applied nor what it owes.
  const applied = state.set('applied', { durable: true });
  const unacked = state.set('unacked', { durable: true }); // forwarded to `next`, no hop-ack yet
  const apply = (ctx: NodeContext, w: string) => {
    if (applied.has(w)) return;
    applied.add(w);
    ctx.output({ applied: w });
  };
  const applyOnAck = id === 'middle' && opts.middleAppliesOnAck;
  const forwarded = state.set('forwarded', { durable: true });
  return {
    // After a restart, timers are gone: retransmit what the next replica has not acknowledged.
    init(ctx) {
      for (const w of unacked) ctx.setTimer(HOP_RETRANSMIT, `retransmit:${w}`);
    },
    onMessage(ctx, from, payload) {
      const m = payload as Msg;
      if (m.kind === 'write') {
        if (!applyOnAck) apply(ctx, m.id);
        if (!next) ctx.send('client', { kind: 'reply', id: m.id });
        else if (!forwarded.has(m.id)) {
          forwarded.add(m.id);
          unacked.add(m.id);
          ctx.send(next, { kind: 'write', id: m.id });
          ctx.setTimer(HOP_RETRANSMIT, `retransmit:${m.id}`);
        }
        // Acknowledge the hop, also for a write seen before: the earlier acknowledgement may be lost.
        if (from !== 'client') ctx.send(from, { kind: 'hop-ack', id: m.id });
      } else if (m.kind === 'hop-ack') {
        if (unacked.delete(m.id) && applyOnAck) apply(ctx, m.id);
      }
    },
    onTimer(ctx, name) {
      const w = name.slice('retransmit:'.length);
      if (!unacked.has(w) || !next) return;
      ctx.send(next, { kind: 'write', id: w });
      ctx.setTimer(HOP_RETRANSMIT, name);
    },
  };
}

function clientNode(state: NodeState): NodeHandlers {
  const pending = state.set('pending');
  return {
    onInput(ctx, value) {
      const w = String(value);
      pending.add(w);
      ctx.send('head', { kind: 'write', id: w });
      ctx.setTimer(CLIENT_RETRY, `retry:${w}`);
    },
    onMessage(ctx, _from, payload) {
      const m = payload as Msg;
      if (m.kind === 'reply' && pending.delete(m.id)) ctx.output({ acknowledged: m.id });
    },
    onTimer(ctx, name) {
      const w = name.slice('retry:'.length);
      if (!pending.has(w)) return;
      ctx.send('head', { kind: 'write', id: w });
      ctx.setTimer(CLIENT_RETRY, name);
    },
  };
}

export const chainInvariants: Invariant[] = [
  (run) => {
    const acknowledged = run.outputs.filter((o) => o.node === 'client').map((o) => (o.value as { acknowledged: string }).acknowledged);
    const out: string[] = [];
    for (const w of acknowledged) {
      for (const r of ['head', 'middle', 'tail']) {
        if (run.crashed.includes(r)) continue;
        if (!run.outputs.some((o) => o.node === r && (o.value as { applied?: string }).applied === w)) out.push(`write ${w} was acknowledged to the client but ${r}, which did not crash, never applied it`);
      }
    }
    return out;
  },
  (run) => {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const o of run.outputs) {
      const w = (o.value as { applied?: string }).applied;
      if (w === undefined) continue;
      const k = `${o.node}|${w}`;
      if (seen.has(k)) out.push(`${o.node} applied write ${w} twice`);
      seen.add(k);
    }
    return out;
  },
];
