import type { Bounds } from '../../model/bounds.ts';
import { faultKey, isNodeFailure, isSlotFault, sendSlot, type FaultSet } from '../../model/faults.ts';
import type { FootprintPoint } from '../../model/target.ts';
import { outputKeys } from './lineage.ts';
import { expandDeps, type MessageEntry, type CodeExecution } from './execution.ts';
import { faultModel } from '../../model/fault-model.ts';
import { RunWindows } from './windows.ts';
import { cutCalls, cutCandidates } from './cuts.ts';
import { cutEnds, cutsLink } from '../../model/faults.ts';

/**
 * The footprint of a simulated run: every fault that could change it, one per class of equivalent
 * faults, with what the run's lineage says each would touch.
 *
 * Why a fault outside it changes nothing (the run is a deterministic function of the seed and of which
 * messages arrive and which nodes are up when):
 * - an omission on a channel at a send time where nothing was sent, or only messages already lost
 *   (dropped, or arriving at a crashed receiver), drops nothing;
 * - a node's crash matters only through the events it prevents: crashes at any two times with none
 *   of the node's events between them give the same run. The class of a crash is named by its
 *   earliest time, just after one of the node's events (or at 1, before it starts), so the same run
 *   is never reached twice through two crash times.
 * - a restart (down from a crash class's time to `end`, back at end + 1 with only its durable state)
 *   is offered ending at once: a later end changes the run only if the new incarnation's init acts or
 *   reads the time, or through the node's next event, which the run itself shows (`restartNext`).
 * - a delay (of a channel's messages sent at one time, before EFF) is offered by the least amount that
 *   changes the run (`RunWindows.delayNext`: past the receiver's next event, or one ms when the handler's
 *   actions carry its time); the run then says which longer delay changes it (`delayNext`).
 * - a cut of the network (a dropped connection, a partition) is offered once per class of start times,
 *   ending at once, where a node has connection handlers (cuts.ts); the run says which later end and
 *   start change it (`cutNext`).
 * Omissions and delays are offered at send times before EFF (one fault per channel and send time:
 * a slot a fault already holds is not offered again), crashes and restarts (the kinds the bounds
 * search) while `faults` leaves crash budget, one failure per node. `timesRead`: an invariant read
 * an output's or the run's end time, so a delay of any length shows.
 */
export function simFootprint(exec: CodeExecution, faults: FaultSet, bounds: Bounds, timesRead = false): FootprintPoint[] {
  const model = faultModel(bounds);
  const crashed = new Set(faults.flatMap((f) => (f.kind === 'crash' ? [f.node] : [])));
  const keys = outputKeys(exec);
  const closures = outputClosures(exec).map((c, i) => ({ ...c, key: keys[i] }));
  const silent = silentActions(exec);
  const redo = redoWindows(exec);
  const slackOf = (msgs: readonly MessageEntry[]): { slack?: number } => {
    let slack = Infinity;
    for (const m of msgs) if (m.status === 'delivered') slack = Math.min(slack, silent.nextAfter(m.ref.to, m.deliverAt) - m.deliverAt);
    return Number.isFinite(slack) ? { slack } : {};
  };
  const points: FootprintPoint[] = [];

  // A slot (channel, send time) a fault of the set holds takes no other: omitting a delayed slot too
  // is the omission alone, a second delay adds up to one the first already reaches, and a failed
  // request or a reset already decided the slot's fate (what is left of it, a response, is not lost).
  const held = new Set(faults.flatMap((f) => (isSlotFault(f) && f.kind !== 'omit' ? [sendSlot(f.from, f.to, f.time)] : [])));
  // Every slot with a message on the network that can still be lost (Spike's own answers are not
  // the system's messages).
  const slots = new Map<string, MessageEntry[]>();
  for (const m of exec.messages) {
    const { from, to, sentAt } = m.ref;
    if (m.injected || !model.canLoseOn(from, to, sentAt)) continue;
    if (m.status === 'dropped' || m.status === 'receiver-down') continue;
    const key = sendSlot(from, to, sentAt);
    if (held.has(key)) continue;
    (slots.get(key) ?? slots.set(key, []).get(key)!).push(m);
  }
  const onChannel = model.searches('omit') ? slots : new Map<string, MessageEntry[]>();
  if (model.maxDelay > 0 && model.searches('delay')) {
    const slots = new Map<string, MessageEntry[]>();
    for (const m of exec.messages) {
      const { from, to, sentAt } = m.ref;
      const key = sendSlot(from, to, sentAt);
      if (m.injected || from === to || held.has(key) || !model.canDelay(sentAt, 1) || !model.isNode(from) || !model.isNode(to)) continue;
      (slots.get(key) ?? slots.set(key, []).get(key)!).push(m);
    }
    const windows = new RunWindows(exec, faults, bounds.eot, timesRead);
    for (const msgs of slots.values()) {
      const { from, to, sentAt: time } = msgs[0].ref;
      const by = windows.delayNext(msgs, 0);
      if (by !== null && model.canDelay(time, by)) points.push({ fault: { kind: 'delay', from, to, time, by }, cuts: 0, cutOutcomes: [], wakes: 0 });
    }
  }
  for (const msgs of onChannel.values()) {
    const { from, to, sentAt } = msgs[0].ref;
    const dropped = new Set(msgs);
    points.push({
      fault: { kind: 'omit', from, to, time: sentAt },
      ...cutsOf(closures.filter((c) => c.messages.some((m) => dropped.has(m)))),
      wakes: msgs.reduce((s, m) => s + (m.status === 'delivered' ? silent.countAfter(to, m.deliverAt) : 0), 0),
      ...slackOf(msgs),
    });
  }

  // Request-level faults (tcp): a slot's requests failing with each status the bounds search, and a
  // slot's messages cut short by a reset. Each loses what the omission would (its outcomes' supports
  // are cut alike) and, unlike it, tells the other end at once: the sender hears an error status or
  // both ends a reset, so each is an action woken where the omission leaves a silence.
  for (const msgs of slots.values()) {
    const { from, to, sentAt: time } = msgs[0].ref;
    const requests = msgs.filter((m) => m.request);
    if (requests.length && model.canFail(from, to, time)) {
      const lost = new Set(requests);
      for (const status of model.failStatuses) {
        points.push({ fault: { kind: 'fail', from, to, time, status }, ...cutsOf(closures.filter((c) => c.messages.some((m) => lost.has(m)))), wakes: 1, ...slackOf(requests) });
      }
    }
    if (model.canReset(from, to, time)) {
      const lost = new Set(msgs);
      points.push({ fault: { kind: 'reset', from, to, time }, ...cutsOf(closures.filter((c) => c.messages.some((m) => lost.has(m)))), wakes: 2, ...slackOf(msgs) });
    }
  }

  // Cuts of the network where a node hears them (else they are the omissions they make): one per
  // class of start times, ending at once (cuts.ts).
  const hears = new Set(exec.hearsConnections ?? []);
  for (const cut of cutCandidates(exec, faults, bounds)) {
    const dropped = new Set(exec.messages.filter((m) => m.status !== 'dropped' && m.ref.sentAt === cut.start && m.ref.from !== m.ref.to && cutsLink(cut, m.ref.from, m.ref.to)));
    points.push({
      fault: cut,
      ...cutsOf(closures.filter((c) => c.messages.some((m) => dropped.has(m)))),
      // The handlers that hear it are actions it wakes.
      wakes: cutEnds(cut).filter((n) => hears.has(n)).length,
      inertIf: cutCalls(cut, hears),
    });
  }

  // A node fails once (crash or restart); the budget counts both.
  for (const f of faults) if (f.kind === 'restart') crashed.add(f.node);
  const crashesUsed = faults.filter(isNodeFailure).length;
  if (crashesUsed < bounds.crashes) {
    const eventTimes = new Map<string, Set<number>>();
    for (const i of exec.invocations) (eventTimes.get(i.node) ?? eventTimes.set(i.node, new Set()).get(i.node)!).add(i.at);
    for (const node of bounds.nodes) {
      if (crashed.has(node)) continue;
      const times = new Set([1]);
      for (const e of eventTimes.get(node) ?? []) if (e + 1 <= bounds.eot) times.add(e + 1);
      for (const time of [...times].sort((a, b) => a - b)) {
        const lost = exec.messages.filter((m) => m.status === 'delivered' && m.ref.from !== m.ref.to && ((m.ref.from === node && m.ref.sentAt >= time) || (m.ref.to === node && m.deliverAt >= time)));
        const lostSet = new Set(lost);
        // A restart from the same time: down until `end`, back at end + 1 with its durable state only.
        // Offered ending at once; the run says which later end can change it (`restartNext`), and the
        // search runs that one next.
        if (model.searches('restart') && model.canRestart(time, time)) {
          points.push({
            fault: { kind: 'restart', node, start: time, end: time },
            cuts: closures.filter((c) => c.node !== node && c.messages.some((m) => lostSet.has(m))).length,
            cutOutcomes: closures.filter((c) => c.messages.some((m) => lostSet.has(m))).map((c) => c.key),
            wakes: lost.reduce((s, m) => s + (m.ref.from === node ? silent.countAfter(m.ref.to, m.deliverAt) : 0), 0),
            redoes: redo(node, time, lost),
          });
        }
        if (!model.searches('crash') || !model.canCrashAt(time)) continue;
        points.push({
          fault: { kind: 'crash', node, time },
          // Outputs at other nodes count: invariants excuse a crashed node's own (it is expected to
          // stop). Its own outputs are listed, though: a crash discounts what the node produced, the
          // last copy of a replicated value among them.
          cuts: closures.filter((c) => c.node !== node && c.messages.some((m) => lostSet.has(m))).length,
          cutOutcomes: closures.filter((c) => c.node === node || c.messages.some((m) => lostSet.has(m))).map((c) => c.key),
          wakes: lost.reduce((s, m) => s + (m.ref.from === node ? silent.countAfter(m.ref.to, m.deliverAt) : 0), 0),
          ...slackOf(lost.filter((m) => m.ref.from === node)),
        });
      }
    }
  }
  return points.sort((a, b) => (faultKey(a.fault) < faultKey(b.fault) ? -1 : 1));
}

function cutsOf(cut: readonly { key: string }[]): { cuts: number; cutOutcomes: string[] } {
  return { cuts: cut.length, cutOutcomes: cut.map((c) => c.key) };
}

/** For each output: the delivered messages its lineage depends on (iteratively: chains can be long). */
function outputClosures(exec: CodeExecution): { node: string; at: number; messages: MessageEntry[] }[] {
  const closureOf = (rootIds: readonly number[]): MessageEntry[] => {
    const seen = new Set<number>();
    const out: MessageEntry[] = [];
    const stack = [...rootIds];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const c = exec.causes.get(id);
      if (c?.kind !== 'message' || c.record.status !== 'delivered') continue;
      out.push(c.record);
      for (const d of expandDeps(c.record.deps)) stack.push(d);
    }
    return out;
  };
  return exec.outputs.map((o) => ({ node: o.node, at: o.at, messages: closureOf(expandDeps(o.deps)) }));
}

/**
 * The exactly-once window of a restart: how many messages the node had acted on with an output
 * before `time` and would have answered (a message back to their sender that depends on them, an
 * acknowledgement) only from `time` on. The restart loses that answer and the node's memory of the
 * message, so a sender that retries hands it again to a node that forgot it already produced the output.
 */
function redoWindows(exec: CodeExecution): (node: string, time: number, lost: readonly MessageEntry[]) => number {
  // Per delivered message id: the earliest output of its receiver that depends on it.
  const firstOutput = new Map<number, number>();
  for (const o of exec.outputs) {
    for (const id of expandDeps(o.deps)) {
      const c = exec.causes.get(id);
      if (c?.kind !== 'message' || c.record.ref.to !== o.node) continue;
      if (o.at < (firstOutput.get(id) ?? Infinity)) firstOutput.set(id, o.at);
    }
  }
  return (node, time, lost) => {
    const answered = new Set<number>();
    for (const m of lost) {
      if (m.ref.from !== node) continue;
      for (const id of expandDeps(m.deps)) {
        const c = exec.causes.get(id);
        if (c?.kind !== 'message' || c.record.ref.from !== m.ref.to || c.record.ref.to !== node) continue;
        if ((firstOutput.get(id) ?? Infinity) < time) answered.add(id);
      }
    }
    return answered.size;
  };
}

/** The times of each node's silent handler calls: how many come after a time, and the next one. */
function silentActions(exec: CodeExecution): { countAfter(node: string, after: number): number; nextAfter(node: string, after: number): number } {
  const byNode = new Map<string, number[]>();
  for (const i of exec.invocations) if (!i.acted) (byNode.get(i.node) ?? byNode.set(i.node, []).get(i.node)!).push(i.at);
  // The index of the first time > after (times are in order: invocations are recorded as they run).
  const firstAfter = (times: readonly number[], after: number): number => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    countAfter: (node, after) => {
      const times = byNode.get(node) ?? [];
      return times.length - firstAfter(times, after);
    },
    nextAfter: (node, after) => {
      const times = byNode.get(node) ?? [];
      const i = firstAfter(times, after);
      return i < times.length ? times[i] : Infinity;
    },
  };
}
