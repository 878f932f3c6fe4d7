/** The nodes of the failure-detector examples (one implementation, one flag). */
import type { Invariant, NodeContext, NodeHandlers, NodeState } from 'ldfi/sim';

export const DETECTOR_NODES = ['monitor', 'w1', 'w2'];
/** Virtual ms between a worker's heartbeats, and how long the monitor waits for one. */
const HEARTBEAT_EVERY = 4;
const TIMEOUT = 11;

export function detectorNode(id: string, state: NodeState, opts: { revokeOnHeartbeat: boolean }): NodeHandlers {
  if (id !== 'monitor') {
    const beat = (ctx: NodeContext) => {
      ctx.send('monitor', { kind: 'heartbeat' });
      ctx.setTimer(HEARTBEAT_EVERY, 'beat');
    };
    return { init: beat, onTimer: beat };
  }
  // Tracked state (ctx.state): each output depends on what its handler read.
  const suspected = state.set('suspected');
  const generation = state.map<string, number>('generation'); // a timer of an older generation is stale
  const arm = (ctx: NodeContext, w: string) => {
    const g = (generation.get(w) ?? 0) + 1;
    generation.set(w, g);
    ctx.setTimer(TIMEOUT, `timeout:${w}:${g}`);
  };
  return {
    init(ctx) {
      for (const w of DETECTOR_NODES.slice(1)) arm(ctx, w);
    },
    onMessage(ctx, from) {
      if (suspected.has(from)) {
        // The bug: a suspicion is final, so a live worker whose heartbeats were late stays "dead".
        if (!opts.revokeOnHeartbeat) return;
        suspected.delete(from);
        ctx.output({ trust: from });
      }
      arm(ctx, from);
    },
    onTimer(ctx, name) {
      const [, w, g] = name.split(':');
      if (Number(g) !== generation.get(w) || suspected.has(w)) return;
      suspected.add(w);
      ctx.output({ suspect: w });
    },
  };
}

/**
 * Accuracy at the end of the run: the monitor's last word on a worker that did not crash is not
 * "suspect" (a crashed monitor's word counts for nothing).
 */
export const noLiveWorkerSuspected: Invariant = (run) => {
  if (run.crashed.includes('monitor')) return [];
  const last = new Map<string, string>();
  for (const o of run.outputs) {
    const v = o.value as { suspect?: string; trust?: string };
    if (v.suspect) last.set(v.suspect, 'suspect');
    if (v.trust) last.set(v.trust, 'trust');
  }
  return [...last].filter(([w, verdict]) => verdict === 'suspect' && !run.crashed.includes(w)).map(([w]) => `the monitor still suspects ${w} at the end, but ${w} never crashed`);
};
