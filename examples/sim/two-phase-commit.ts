/**
 * Lesson: two-phase commit blocks. A participant that voted yes may neither commit nor abort on
 * its own: it must wait for the coordinator's decision. Retries make 2PC survive lost messages
 * (and the coordinator aborts if a vote does not come in time), but if the coordinator crashes
 * after collecting the votes and before its decision got out, the participants wait forever.
 *
 * Outputs: `{ voted: 'yes' }` at a participant when it votes, `{ decided }` at any node when it
 * learns the outcome ('commit' or 'abort').
 * Invariants: agreement (no two nodes decide differently); termination (every participant that
 * voted yes and did not crash learns a decision).
 *
 * Expected (defaults: { eot: 40, eff: 6, crashes: 0 }):
 *   resilient  --eot 40 --eff 6 --crashes 0   (retries get past every loss)
 *   broken     --eot 40 --eff 6 --crashes 1   (crash the coordinator once the votes are in)
 */
import { defineProtocol, type NodeContext, type NodeHandlers, type NodeState, type Payload } from 'ldfi/sim';

const PARTICIPANTS = ['p1', 'p2'];
const RETRY_EVERY = 4;
/** How long the coordinator waits for votes before it aborts. */
const VOTE_TIMEOUT = 12;

type Msg =
  | { kind: 'prepare'; tx: Payload }
  | { kind: 'vote'; tx: Payload; yes: boolean }
  | { kind: 'decision'; tx: Payload; decision: 'commit' | 'abort' }
  | { kind: 'done'; tx: Payload };

// Tracked state (ctx.state): each send and output depends on what its handler read.
function coordinator(state: NodeState): NodeHandlers {
  const tx = state.register('tx');
  const votes = state.set('votes'); // participants that voted yes
  const decision = state.register<'commit' | 'abort'>('decision');
  const unacked = state.set('unacked');

  const decide = (ctx: NodeContext, d: 'commit' | 'abort') => {
    decision.set(d);
    ctx.output({ decided: d });
    for (const p of PARTICIPANTS) unacked.add(p);
    sendDecision(ctx);
  };
  const sendDecision = (ctx: NodeContext) => {
    for (const p of unacked) ctx.send(p, { kind: 'decision', tx: tx.get(), decision: decision.get() });
  };

  return {
    onInput(ctx, value) {
      tx.set(value);
      for (const p of PARTICIPANTS) ctx.send(p, { kind: 'prepare', tx: value });
      ctx.setTimer(RETRY_EVERY, 'retry');
      ctx.setTimer(VOTE_TIMEOUT, 'vote-timeout');
    },
    onMessage(ctx, from, payload) {
      const m = payload as Msg;
      if (m.kind === 'vote' && decision.get() === undefined) {
        if (!m.yes) return decide(ctx, 'abort');
        votes.add(from);
        if (PARTICIPANTS.every((p) => votes.has(p))) decide(ctx, 'commit');
      } else if (m.kind === 'done') unacked.delete(from);
    },
    onTimer(ctx, name) {
      if (name === 'vote-timeout') {
        if (decision.get() === undefined) decide(ctx, 'abort');
        return;
      }
      if (decision.get() === undefined) {
        for (const p of PARTICIPANTS) if (!votes.has(p)) ctx.send(p, { kind: 'prepare', tx: tx.get() });
      } else sendDecision(ctx);
      if (decision.get() === undefined || unacked.size > 0) ctx.setTimer(RETRY_EVERY, 'retry');
    },
  };
}

function participant(state: NodeState): NodeHandlers {
  const voted = state.register<boolean>('voted');
  const decided = state.register<boolean>('decided');
  return {
    onMessage(ctx, from, payload) {
      const m = payload as Msg;
      if (m.kind === 'prepare') {
        if (decided.get()) return;
        if (!voted.get()) {
          voted.set(true);
          ctx.output({ voted: 'yes' });
        }
        // From here on this participant may not decide alone: it is blocked until it hears.
        ctx.send(from, { kind: 'vote', tx: m.tx, yes: true });
      } else if (m.kind === 'decision') {
        if (!decided.get()) {
          decided.set(true);
          ctx.output({ decided: m.decision });
        }
        ctx.send(from, { kind: 'done', tx: m.tx });
      }
    },
  };
}

export default defineProtocol({
  name: 'two-phase-commit',
  nodes: ['coord', ...PARTICIPANTS],
  node: (id, state) => (id === 'coord' ? coordinator(state) : participant(state)),
  workload: [{ at: 1, node: 'coord', value: 'tx1' }],
  invariants: [
    // Agreement: all decisions are the same.
    (run) => {
      const ds = run.outputs.filter((o) => 'decided' in (o.value as object)).map((o) => `${o.node}: ${(o.value as { decided: string }).decided}`);
      return new Set(ds.map((d) => d.split(': ')[1])).size > 1 ? [`nodes decided differently (${ds.join(', ')})`] : [];
    },
    // Termination: a participant that voted yes (and is up) learns the decision; else it is blocked.
    (run) => {
      const has = (node: string, key: string) => run.outputs.some((o) => o.node === node && key in (o.value as object));
      return PARTICIPANTS.filter((p) => has(p, 'voted') && !has(p, 'decided') && !run.crashed.includes(p)).map((p) => `${p} voted yes and is blocked: it never learned the decision`);
    },
  ],
  defaults: { eot: 40, eff: 6, crashes: 0 },
});
