/** The nodes of leader-election.ts and its fixed variant (one implementation, one flag). */
import type { Cause, Invariant, NodeContext, NodeHandlers } from 'ldfi/sim';

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

export function electionNode(id: string, opts: { lonelyLeads: boolean }): NodeHandlers {
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
        if (!heard && opts.lonelyLeads) becomeLeader(ctx, []);
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

/** At most one leader per term. */
export const oneLeaderPerTerm: Invariant = (run) => {
  const byTerm = new Map<number, Set<string>>();
  for (const o of run.outputs) {
    const { term, leader } = o.value as { term: number; leader: string };
    byTerm.set(term, (byTerm.get(term) ?? new Set()).add(leader));
  }
  return [...byTerm].filter(([, ls]) => ls.size > 1).map(([t, ls]) => `term ${t} has ${ls.size} leaders: ${[...ls].sort().join(', ')}`);
};
