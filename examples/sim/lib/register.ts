/** The nodes of replicated-register.ts and its versioned fix (one implementation, one flag). */
import type { Invariant, NodeHandlers, NodeState, Payload } from 'ldfi/sim';

export const REGISTER_NODES = ['p', 'b', 'c'];
export const BACKUPS = ['b', 'c'];
/** Virtual ms between the primary's retransmissions of an update not yet acknowledged. */
const RETRY_EVERY = 3;

type Msg = { kind: 'update'; seq: number; value: Payload } | { kind: 'ack'; seq: number };

/**
 * A register written at the primary `p` and copied to the backups `b` and `c`. Each write gets the
 * next sequence number; the primary sends the latest write to every backup and retransmits it until
 * acknowledged (a newer write supersedes it), so lost messages only slow a copy down. A backup
 * applies an update as it arrives (the bug: a late copy of an old write overwrites a newer one), or,
 * `versioned`, only if it is newer than what it has. Every node outputs its value when it changes.
 */
export function registerNode(id: string, state: NodeState, opts: { versioned: boolean }): NodeHandlers {
  return id === 'p' ? primary(state) : backup(state, opts);
}

function primary(state: NodeState): NodeHandlers {
  const latest = state.register<{ seq: number; value: Payload }>('latest');
  const unacked = state.set<string>('unacked'); // backups without the latest write
  return {
    onInput(ctx, value) {
      const seq = (latest.get()?.seq ?? 0) + 1;
      latest.set({ seq, value });
      ctx.output(value);
      for (const b of BACKUPS) {
        unacked.add(b);
        ctx.send(b, { kind: 'update', seq, value });
      }
      ctx.setTimer(RETRY_EVERY, 'retry');
    },
    onTimer(ctx) {
      const l = latest.get();
      if (!l) return;
      for (const b of unacked) ctx.send(b, { kind: 'update', seq: l.seq, value: l.value });
      if (unacked.size > 0) ctx.setTimer(RETRY_EVERY, 'retry');
    },
    onMessage(_ctx, from, payload) {
      const m = payload as Msg;
      if (m.kind === 'ack' && m.seq === latest.get()?.seq) unacked.delete(from);
    },
  };
}

function backup(state: NodeState, opts: { versioned: boolean }): NodeHandlers {
  const value = state.register('value');
  const applied = state.register<number>('applied');
  return {
    onMessage(ctx, from, payload) {
      const m = payload as Msg;
      if (m.kind !== 'update') return;
      ctx.send(from, { kind: 'ack', seq: m.seq });
      const newer = m.seq > (applied.get() ?? 0);
      if (opts.versioned && !newer) return;
      if (m.seq === applied.get()) return;
      applied.set(m.seq);
      value.set(m.value);
      ctx.output(m.value);
    },
  };
}

/** Every backup that is up ends with the value last written at the primary (the run's last output of p). */
export const backupsConverge: Invariant = (run) => {
  const last = (node: string) => run.outputs.filter((o) => o.node === node).at(-1)?.value;
  const written = last('p');
  if (written === undefined) return [];
  return BACKUPS.filter((b) => !run.down.includes(b) && JSON.stringify(last(b)) !== JSON.stringify(written)).map(
    (b) => `${b} ends with ${JSON.stringify(last(b)) ?? 'nothing'}, but the last write was ${JSON.stringify(written)}`,
  );
};
