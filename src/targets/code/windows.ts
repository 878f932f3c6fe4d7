import { cutEnds, cutsLink, faultKey, isCut, type Cut, type Fault, type FaultSet } from '../../model/faults.ts';
import type { CodeExecution, Invocation, MessageEntry } from './execution.ts';

/**
 * How far a fault with a window (a restart's end, a delay's length) can grow before the run changes:
 * the classes of equal runs that let the footprint search try one window per class (sim). Both rest
 * on the same fact: a handler call moved within a stretch where its node has no other event is
 * handled with the same state, before the same events, unless what it did carries its time (it sent,
 * output or set a timer, all relative to now, or read the clock or drew a random number).
 */
export class RunWindows {
  /** Each node's handler calls, in the order they began. */
  private readonly calls = new Map<string, Invocation[]>();
  /** The call each delivered message started, by message id. */
  private readonly deliveryCall = new Map<number, Invocation>();
  /** `node|t` where a handler read the clock or drew a random number (the audit log has no call ids). */
  private readonly timed = new Set<string>();
  private readonly messages: readonly MessageEntry[];
  /** Cuts are heard where calls do not show it (tcp): every start and end of a cut is its own run. */
  private readonly connectionsOpaque: boolean;

  constructor(
    exec: CodeExecution,
    private readonly faults: FaultSet,
    private readonly eot: number,
    /** An invariant read an output's or the run's end time: every ms of a delay shows. */
    private readonly timesRead: boolean,
  ) {
    for (const i of exec.invocations) {
      (this.calls.get(i.node) ?? this.calls.set(i.node, []).get(i.node)!).push(i);
      if (i.trigger && 'cause' in i.trigger) this.deliveryCall.set(i.trigger.cause, i);
    }
    for (const e of exec.audit.entries) if (e.kind === 'clock' || e.kind === 'random') this.timed.add(`${e.by}|${e.t}`);
    this.messages = exec.messages;
    this.connectionsOpaque = exec.connectionsOpaque === true;
  }

  /**
   * For a cut of the schedule (disconnect or partition), the next later end that can change the run,
   * or null when none within the run can. The heal at end + 1 comes before every other event of that
   * ms; a later heal is the same run unless a heal call acted or read the clock (then its time shows:
   * the next ms), a message across the cut is sent meanwhile (now lost), an end node has an event
   * meanwhile (which would then come before the heal), or an end node goes down or comes back up
   * meanwhile (whether it hears the heal).
   */
  cutEndNext(f: Cut): number | null {
    const heal = f.end + 1;
    if (this.timesRead || this.connectionsOpaque) return heal <= this.eot ? heal : null;
    let next = Infinity;
    for (const node of cutEnds(f)) {
      for (const i of this.calls.get(node) ?? []) {
        if (i.at < heal) continue;
        if (i.at === heal && i.handler === 'onConnectionRestored') {
          if (i.acted || this.timed.has(`${node}|${heal}`)) return heal;
          continue;
        }
        next = Math.min(next, i.at);
        break;
      }
    }
    for (const m of this.messages) if (m.status !== 'dropped' && m.ref.sentAt >= heal && m.ref.from !== m.ref.to && cutsLink(f, m.ref.from, m.ref.to)) next = Math.min(next, m.ref.sentAt);
    const ends = new Set(cutEnds(f));
    for (const g of this.faults) {
      if (g.kind === 'crash' && ends.has(g.node) && g.time > heal) next = Math.min(next, g.time - 1);
      if (g.kind === 'restart' && ends.has(g.node)) {
        if (g.start > heal) next = Math.min(next, g.start - 1);
        if (g.start <= heal && heal <= g.end) next = Math.min(next, g.end);
      }
    }
    return next <= this.eot ? next : null;
  }

  /**
   * For a cut of the schedule, whether the next later start is a run of its own: when a call that
   * heard the cut acted or read the clock (its time shows), or an invariant reads times. Otherwise the
   * start is the same run until the next class the footprint names. Null: no start to add.
   */
  cutStartNext(f: Cut): number | null {
    if (this.timesRead || this.connectionsOpaque) return f.start + 1;
    for (const node of cutEnds(f)) {
      for (const i of this.calls.get(node) ?? []) {
        if (i.at === f.start && i.handler === 'onConnectionLost' && (i.acted || this.timed.has(`${node}|${f.start}`))) return f.start + 1;
      }
    }
    return null;
  }

  /**
   * For a restart of the schedule, the next window end that can change the run: a later end makes a
   * difference only if the new incarnation's init acted, or read the clock or a random number (then
   * its time matters: the next end), or through the node's next event, which a window reaching it
   * loses. Null when no later end within the run changes anything.
   */
  restartNext(f: Extract<Fault, { kind: 'restart' }>): number | null {
    const up = f.end + 1;
    const mine = (this.calls.get(f.node) ?? []).filter((i) => i.at >= up);
    const init = mine.find((i) => i.at === up && i.handler === 'init');
    if (!init || init.acted || this.timed.has(`${f.node}|${up}`)) return up;
    return mine.find((i) => i !== init)?.at ?? null;
  }

  /**
   * The next delay of a slot's messages (a channel's, sent at one time) that can change the run, given
   * the delay `by` they already have in it (0: none), or null when no longer delay within the run
   * changes anything (virtual ms). A message arriving later but still before the receiver's next
   * event (its next handler call, a crash or restart of it, or the end of time) is the same run if its
   * delivery carries no time; such a delivery moves to that event (arriving at its very time may still
   * come first: the queue keeps insertion order at equal times, so that is a class of its own, and
   * the ms after it the next), any other one ms at a time. A message that found its receiver down may
   * arrive once it is up again.
   */
  delayNext(messages: readonly MessageEntry[], by: number): number | null {
    let next = Infinity;
    for (const m of messages) {
      if (m.status !== 'delivered' && m.status !== 'receiver-down') continue;
      const arrival = this.nextArrival(m);
      if (arrival !== undefined) next = Math.min(next, by + (arrival - m.deliverAt));
    }
    return Number.isFinite(next) ? next : null;
  }

  /** The earliest later arrival time of `m` that changes the run, if any within EOT + 1. */
  private nextArrival(m: MessageEntry): number | undefined {
    const at = m.deliverAt;
    const to = m.ref.to;
    const call = m.status === 'delivered' ? this.deliveryCall.get(m.ref.id) : undefined;
    if (m.status === 'delivered' && (!call || call.acted || this.timesRead || this.timed.has(`${to}|${at}`))) return at + 1;
    // Past the end of time it never arrives: the last class.
    let next = this.eot + 1;
    // The receiver's own failures: arriving at or after one is handled differently.
    for (const f of this.faults) {
      if (f.kind === 'crash' && f.node === to && f.time > at) next = Math.min(next, f.time);
      if (f.kind === 'restart' && f.node === to) for (const t of [f.start, f.end + 1]) if (t > at) next = Math.min(next, t);
    }
    for (const i of this.calls.get(to) ?? []) {
      if (i.at < at || i === call) continue;
      // At the same ms after it: the next ms.
      if (i.at === at) {
        if (!call || i.id > call.id) return at + 1;
        continue;
      }
      return Math.min(next, i.at);
    }
    return next > at ? next : undefined;
  }
}

/**
 * For each restart, delay and cut of the schedule (by fault key): the next longer window that changes
 * the run, or null; for each cut, also whether the next start is a run of its own.
 */
export function windowsNext(
  exec: CodeExecution,
  faults: FaultSet,
  eot: number,
  timesRead: boolean,
  /** The calls a cut causes, for `cutNext[…].inertIf` (cuts.ts `cutCalls`). */
  callsOf: (cut: Cut) => string[] | undefined = () => undefined,
): { restartNext?: Record<string, number | null>; delayNext?: Record<string, number | null>; cutNext?: Record<string, { end: number | null; start: number | null; inertIf?: string[] }> } {
  if (!faults.some((f) => f.kind === 'restart' || f.kind === 'delay' || isCut(f))) return {};
  const windows = new RunWindows(exec, faults, eot, timesRead);
  const restartNext: Record<string, number | null> = {};
  const delayNext: Record<string, number | null> = {};
  const cutNext: Record<string, { end: number | null; start: number | null; inertIf?: string[] }> = {};
  for (const f of faults) {
    if (f.kind === 'restart') restartNext[faultKey(f)] = windows.restartNext(f);
    if (f.kind === 'delay') delayNext[faultKey(f)] = windows.delayNext(exec.messages.filter((m) => m.ref.from === f.from && m.ref.to === f.to && m.ref.sentAt === f.time), f.by);
    if (isCut(f)) {
      const calls = callsOf(f);
      cutNext[faultKey(f)] = { end: windows.cutEndNext(f), start: windows.cutStartNext(f), ...(calls ? { inertIf: calls } : {}) };
    }
  }
  const some = (r: object) => Object.keys(r).length > 0;
  return { ...(some(restartNext) ? { restartNext } : {}), ...(some(delayNext) ? { delayNext } : {}), ...(some(cutNext) ? { cutNext } : {}) };
}
