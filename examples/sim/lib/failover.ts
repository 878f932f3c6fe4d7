/** The nodes of failover-register.ts and its buggy variant (one implementation, one flag). */
import type { Invariant, NodeContext, NodeHandlers, NodeState, Payload } from 'ldfi/sim';

export const CLIENTS = ['c1', 'c2', 'c3'];
export const FAILOVER_NODES = ['p', 'b', ...CLIENTS];
/** Virtual ms between a client's retries; after this many unanswered tries it fails over to the backup. */
const CLIENT_RETRY = 6;
const TRIES_BEFORE_FAILOVER = 3;
/** Virtual ms between the primary's retransmissions of a write to the backup. */
const REPLICATE_EVERY = 4;

type Msg =
  | { kind: 'write'; value: Payload }
  | { kind: 'replicate'; client: string; value: Payload }
  | { kind: 'replicated'; client: string }
  | { kind: 'ack'; value: Payload };

/**
 * A register replicated on a primary `p` and a backup `b`, written by three clients. A client sends
 * its write to the primary and retries; after three unanswered tries it fails over to the backup,
 * which then answers alone. The primary stores a write, copies it to the backup (retransmitting
 * until the backup confirms) and acknowledges the client once the backup has it — or, the bug
 * (`ackBeforeReplicate`), at once. Stored writes are durable.
 */
export function failoverNode(id: string, state: NodeState, opts: { ackBeforeReplicate: boolean }): NodeHandlers {
  if (CLIENTS.includes(id)) return client(state);
  return id === 'p' ? primary(state, opts) : backup(state);
}

function client(state: NodeState): NodeHandlers {
  const pending = state.register('pending');
  const acked = state.register<boolean>('acked');
  const tries = state.register<number>('tries');
  const send = (ctx: NodeContext) => {
    const n = (tries.get() ?? 0) + 1;
    tries.set(n);
    ctx.send(n > TRIES_BEFORE_FAILOVER ? 'b' : 'p', { kind: 'write', value: pending.get() });
    ctx.setTimer(CLIENT_RETRY, 'retry');
  };
  return {
    onInput(ctx, value) {
      pending.set(value);
      send(ctx);
    },
    onTimer(ctx) {
      if (!acked.get()) send(ctx);
    },
    onMessage(ctx, _from, payload) {
      const m = payload as Msg;
      if (m.kind !== 'ack' || acked.get()) return;
      acked.set(true);
      ctx.output({ acked: m.value });
    },
  };
}

function primary(state: NodeState, opts: { ackBeforeReplicate: boolean }): NodeHandlers {
  const stored = state.map<string, Payload>('stored', { durable: true }); // client → value
  const confirmed = state.set('confirmed', { durable: true }); // clients whose write the backup has
  const replicate = (ctx: NodeContext, c: string) => ctx.send('b', { kind: 'replicate', client: c, value: stored.get(c) });
  return {
    // After a restart, timers are gone: copy again what the backup has not confirmed.
    init(ctx) {
      if (stored.size > confirmed.size) ctx.setTimer(REPLICATE_EVERY, 'replicate');
    },
    onMessage(ctx, from, payload) {
      const m = payload as Msg;
      if (m.kind === 'write') {
        if (!stored.has(from)) {
          stored.set(from, m.value);
          ctx.output({ stored: m.value });
          replicate(ctx, from);
          ctx.setTimer(REPLICATE_EVERY, 'replicate');
        }
        // The bug: acknowledged with only the primary's copy behind it.
        if (opts.ackBeforeReplicate || confirmed.has(from)) ctx.send(from, { kind: 'ack', value: m.value });
      } else if (m.kind === 'replicated' && !confirmed.has(m.client)) {
        confirmed.add(m.client);
        if (!opts.ackBeforeReplicate) ctx.send(m.client, { kind: 'ack', value: stored.get(m.client) });
      }
    },
    onTimer(ctx) {
      let missing = false;
      for (const [c] of stored) {
        if (confirmed.has(c)) continue;
        replicate(ctx, c);
        missing = true;
      }
      if (missing) ctx.setTimer(REPLICATE_EVERY, 'replicate');
    },
  };
}

function backup(state: NodeState): NodeHandlers {
  const stored = state.map<string, Payload>('stored', { durable: true });
  return {
    onMessage(ctx, from, payload) {
      const m = payload as Msg;
      if (m.kind === 'replicate') {
        if (!stored.has(m.client)) {
          stored.set(m.client, m.value);
          ctx.output({ stored: m.value });
        }
        ctx.send(from, { kind: 'replicated', client: m.client });
      } else if (m.kind === 'write') {
        // Failover: a client that cannot reach the primary writes here, and the backup answers alone.
        if (!stored.has(from)) {
          stored.set(from, m.value);
          ctx.output({ stored: m.value });
        }
        ctx.send(from, { kind: 'ack', value: m.value });
      }
    },
  };
}

/** Durability: every acknowledged write is stored by a replica that did not crash. */
export const ackedIsStored: Invariant = (run) => {
  const acked = run.outputs.filter((o) => CLIENTS.includes(o.node)).map((o) => JSON.stringify((o.value as { acked: Payload }).acked));
  const kept = new Set(run.outputs.filter((o) => !CLIENTS.includes(o.node) && !run.crashed.includes(o.node)).map((o) => JSON.stringify((o.value as { stored: Payload }).stored)));
  return acked.filter((v) => !kept.has(v)).map((v) => `write ${v} was acknowledged, but every replica that stored it crashed`);
};

/** Liveness without failures: every client's write is acknowledged. */
export const everyWriteAcked: Invariant = (run) => {
  if (run.crashed.length > 0 || run.restarted.length > 0) return [];
  const done = new Set(run.outputs.filter((o) => CLIENTS.includes(o.node)).map((o) => o.node));
  return CLIENTS.filter((c) => !done.has(c)).map((c) => `nobody failed, yet ${c}'s write was never acknowledged`);
};
