/** The nodes of leader-election.ts and its fixed variant (one implementation, one flag). */
import type { Invariant, NodeContext, NodeHandlers, NodeState } from 'ldfi/sim';

export const NODES = ['a', 'b', 'c'];
const MAJORITY = 2;
/** Election timeouts are staggered by rank (a first, then b, then c) plus a little random jitter. */
const ELECTION_MIN = 8;
const ELECTION_STAGGER = 6;
const ELECTION_JITTER = 3;
/** How long a candidate waits for answers before it gives up (or, the bug, declares itself). */
const LONELY = 6;
const HEARTBEAT_EVERY = 3;

type Msg =
  | { kind: 'request-vote'; term: number }
  | { kind: 'vote'; term: number; granted: boolean }
  | { kind: 'heartbeat'; term: number };

export function electionNode(id: string, state: NodeState, opts: { lonelyLeads: boolean }): NodeHandlers {
  const peers = NODES.filter((n) => n !== id);
  // Tracked state (ctx.state): each send and output depends on what its handler read.
  // As Raft: the term and the vote are on disk (durable), or a restarted node could vote twice in a term.
  const term = state.register<number>('term', { durable: true });
  const votedFor = state.register<string>('votedFor', { durable: true });
  const role = state.register<'follower' | 'candidate' | 'leader'>('role');
  const votes = state.set('votes'); // who granted a vote in the current candidacy
  const heard = state.register<boolean>('heard'); // did anyone answer during the current candidacy?
  const timerGen = state.register<number>('timerGen'); // timers of an older generation are stale and ignored
  const currentTerm = () => term.get() ?? 0;
  const currentRole = () => role.get() ?? 'follower';
  const nextGen = () => {
    const g = (timerGen.get() ?? 0) + 1;
    timerGen.set(g);
    return g;
  };

  const resetElectionTimer = (ctx: NodeContext) => {
    const g = nextGen();
    ctx.setTimer(ELECTION_MIN + ELECTION_STAGGER * NODES.indexOf(id) + Math.floor(ctx.random() * ELECTION_JITTER), `election:${g}`);
  };
  const becomeLeader = (ctx: NodeContext) => {
    role.set('leader');
    nextGen();
    ctx.output({ term: currentTerm(), leader: id });
    heartbeat(ctx);
  };
  const heartbeat = (ctx: NodeContext) => {
    for (const p of peers) ctx.send(p, { kind: 'heartbeat', term: currentTerm() });
    ctx.setTimer(HEARTBEAT_EVERY, `heartbeat:${timerGen.get() ?? 0}`);
  };
  const observeTerm = (ctx: NodeContext, t: number) => {
    if (t <= currentTerm()) return;
    term.set(t);
    votedFor.clear();
    if (currentRole() !== 'follower') {
      role.set('follower');
      resetElectionTimer(ctx);
    }
  };

  return {
    init(ctx) {
      resetElectionTimer(ctx);
    },
    onTimer(ctx, name) {
      const [what, gen] = name.split(':');
      if (Number(gen) !== (timerGen.get() ?? 0)) return;
      if (what === 'election') {
        term.set(currentTerm() + 1);
        role.set('candidate');
        votedFor.set(id);
        for (const v of votes.values()) votes.delete(v);
        heard.set(false);
        for (const p of peers) ctx.send(p, { kind: 'request-vote', term: currentTerm() });
        ctx.setTimer(LONELY, `lonely:${nextGen()}`);
      } else if (what === 'lonely' && currentRole() === 'candidate') {
        // The bug: silence is taken for "everyone else is down".
        if (!heard.get() && opts.lonelyLeads) becomeLeader(ctx);
        else resetElectionTimer(ctx);
      } else if (what === 'heartbeat' && currentRole() === 'leader') heartbeat(ctx);
    },
    onMessage(ctx, from, payload) {
      const m = payload as Msg;
      observeTerm(ctx, m.term);
      if (m.term === currentTerm() && currentRole() === 'candidate') heard.set(true);
      if (m.kind === 'request-vote') {
        const voted = votedFor.get();
        const granted = m.term === currentTerm() && (voted === undefined || voted === from);
        if (granted) {
          votedFor.set(from);
          resetElectionTimer(ctx);
        }
        ctx.send(from, { kind: 'vote', term: currentTerm(), granted });
      } else if (m.kind === 'vote') {
        if (currentRole() !== 'candidate' || m.term !== currentTerm() || !m.granted) return;
        votes.add(from);
        if (votes.size + 1 >= MAJORITY) becomeLeader(ctx);
      } else if (m.kind === 'heartbeat' && m.term === currentTerm() && currentRole() !== 'leader') {
        role.set('follower');
        resetElectionTimer(ctx);
      }
    },
  };
}

/** At most one leader per term. */
export const oneLeaderPerTerm: Invariant = (run) => {
  const byTerm = new Map<number, Set<string>>();
  for (const o of run.outputs) {
    const { term, leader } = o.value as { term: number; leader: string };
    byTerm.set(term, (byTerm.get(term) ?? new Set()).add(leader));
  }
  return [...byTerm].filter(([, ls]) => ls.size > 1).map(([t, ls]) => `term ${t} has ${ls.size} leaders: ${[...ls].sort().join(', ')}`);
};
