/**
 * Lesson: a leader needs a majority, and "nobody answered" is not a majority. Nodes elect a leader
 * per term, Raft style: on an election timeout a node becomes a candidate for the next term and
 * asks the others for their vote; one vote per node per term; two votes of three make a leader,
 * which then sends heartbeats. The bug: a candidate that hears from nobody at all during its
 * election assumes the others are down and declares itself leader anyway. Isolate one node
 * (a partition) and it leads term 1 on its own while the other two elect a leader of term 1 too.
 *
 * Outputs: `{ term, leader }` when a node becomes leader.
 * Invariant: at most one leader per term.
 *
 * Expected (defaults: { eot: 50, eff: 20, crashes: 0 }):
 *   broken     replay --faults 'partition {a}|{b,c} @1..19'   (a, cut off, leads term 1 alone while
 *                                                             b and c elect b for term 1)
 *   broken     --strategy random (omissions only) finds it too: with seed 1 after ~60 runs, four
 *              omissions around a's vote requests and b's; with --fault-kinds partition at once
 *   "resilient" --eot 50 --eff 20 --crashes 0 under LDFI: LDFI attacks the good outcome
 *              (a leads term 1), and a's lonely self-election keeps that outcome alive with no
 *              message behind it, so no hypothesis is left. The second leader is a new, bad
 *              outcome that comes from messages *not* arriving, which lineage cannot point at.
 * Without the "nobody answered" shortcut (a candidate just retries) the invariant holds.
 */
import { defineProtocol, type Cause, type NodeContext, type NodeHandlers } from 'ldfi/sim';

const NODES = ['a', 'b', 'c'];
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

function electionNode(id: string): NodeHandlers {
  const peers = NODES.filter((n) => n !== id);
  let term = 0;
  let votedFor: string | undefined;
  let role: 'follower' | 'candidate' | 'leader' = 'follower';
  let votes: Cause[] = []; // the granted votes of the current candidacy
  let heard = false; // did anyone answer during the current candidacy?
  let timerGen = 0; // timers of an older generation are stale and ignored

  const resetElectionTimer = (ctx: NodeContext) => {
    timerGen++;
    ctx.setTimer(ELECTION_MIN + ELECTION_STAGGER * NODES.indexOf(id) + Math.floor(ctx.random() * ELECTION_JITTER), `election:${timerGen}`);
  };
  const becomeLeader = (ctx: NodeContext, because: Cause[]) => {
    role = 'leader';
    timerGen++;
    ctx.output({ term, leader: id }, { because });
    heartbeat(ctx);
  };
  const heartbeat = (ctx: NodeContext) => {
    for (const p of peers) ctx.send(p, { kind: 'heartbeat', term });
    ctx.setTimer(HEARTBEAT_EVERY, `heartbeat:${timerGen}`);
  };
  const observeTerm = (ctx: NodeContext, t: number) => {
    if (t <= term) return;
    term = t;
    votedFor = undefined;
    if (role !== 'follower') {
      role = 'follower';
      resetElectionTimer(ctx);
    }
  };

  return {
    init(ctx) {
      resetElectionTimer(ctx);
    },
    onTimer(ctx, name) {
      const [what, gen] = name.split(':');
      if (Number(gen) !== timerGen) return;
      if (what === 'election') {
        term++;
        role = 'candidate';
        votedFor = id;
        votes = [];
        heard = false;
        for (const p of peers) ctx.send(p, { kind: 'request-vote', term });
        timerGen++;
        ctx.setTimer(LONELY, `lonely:${timerGen}`);
      } else if (what === 'lonely' && role === 'candidate') {
        // The bug: silence is taken for "everyone else is down".
        if (!heard) becomeLeader(ctx, []);
        else resetElectionTimer(ctx);
      } else if (what === 'heartbeat' && role === 'leader') heartbeat(ctx);
    },
    onMessage(ctx, from, payload, msg) {
      const m = payload as Msg;
      observeTerm(ctx, m.term);
      if (m.term === term && role === 'candidate') heard = true;
      if (m.kind === 'request-vote') {
        const granted = m.term === term && (votedFor === undefined || votedFor === from);
        if (granted) {
          votedFor = from;
          resetElectionTimer(ctx);
        }
        ctx.send(from, { kind: 'vote', term, granted }, { because: [msg] });
      } else if (m.kind === 'vote') {
        if (role !== 'candidate' || m.term !== term || !m.granted) return;
        votes.push(msg);
        if (votes.length + 1 >= MAJORITY) becomeLeader(ctx, votes);
      } else if (m.kind === 'heartbeat' && m.term === term && role !== 'leader') {
        role = 'follower';
        resetElectionTimer(ctx);
      }
    },
  };
}

export default defineProtocol({
  name: 'leader-election',
  nodes: NODES,
  node: electionNode,
  workload: [],
  invariants: [
    (run) => {
      const byTerm = new Map<number, Set<string>>();
      for (const o of run.outputs) {
        const { term, leader } = o.value as { term: number; leader: string };
        byTerm.set(term, (byTerm.get(term) ?? new Set()).add(leader));
      }
      return [...byTerm].filter(([, ls]) => ls.size > 1).map(([t, ls]) => `term ${t} has ${ls.size} leaders: ${[...ls].sort().join(', ')}`);
    },
  ],
  defaults: { eot: 50, eff: 20, crashes: 0 },
});
