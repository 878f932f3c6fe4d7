import type { Fault } from '../../model/faults.ts';
import type { CodeExecution, MessageEntry } from './execution.ts';

/** The messages one delay fault holds: those of a channel sent at one time. */
export interface DelaySlot {
  readonly from: string;
  readonly to: string;
  readonly time: number;
}

/**
 * The next delay of a slot's messages that can change the run, given the delay `by` they already
 * have in it (0: none), or null when no longer delay within the run changes anything. Units are the
 * run's (virtual ms).
 *
 * Why delays in between give the same run: a message that arrives later but still before the
 * receiver's next event (its next handler call, a crash or a restart of it, or the end of time) is
 * handled before the same events, with the same state, as long as its handler did nothing whose
 * time shows — sent, output, set a timer (all relative to now), read the clock or drew a random
 * number. Such a delivery moves one ms at a time; any other moves to the next event (arriving at
 * its time may still come before it: the queue keeps insertion order at equal times, so that one
 * is its own class, and the ms after it the next). A message that found its receiver down may
 * arrive once it is up again. With `timesRead` (an invariant read output or end times) every ms is
 * its own class.
 */
export function nextDelay(exec: CodeExecution, slot: DelaySlot, by: number, faults: readonly Fault[], eot: number, timesRead: boolean): number | null {
  let next = Infinity;
  for (const m of slotMessages(exec, slot)) {
    const arrival = nextArrival(exec, m, faults, eot, timesRead);
    if (arrival !== undefined) next = Math.min(next, by + (arrival - m.deliverAt));
  }
  return Number.isFinite(next) ? next : null;
}

/** The messages of the slot that arrived (or found the receiver down) within the run. */
export function slotMessages(exec: CodeExecution, slot: DelaySlot): MessageEntry[] {
  return exec.messages.filter(
    (m) => m.ref.from === slot.from && m.ref.to === slot.to && m.ref.sentAt === slot.time && (m.status === 'delivered' || m.status === 'receiver-down'),
  );
}

/** The earliest later arrival time of `m` that changes the run, if any within EOT + 1. */
function nextArrival(exec: CodeExecution, m: MessageEntry, faults: readonly Fault[], eot: number, timesRead: boolean): number | undefined {
  const at = m.deliverAt;
  const to = m.ref.to;
  // Past the end of time it never arrives: the last class.
  let next = eot + 1;
  // The receiver's own failures: arriving at or after one is handled differently.
  for (const f of faults) {
    if (f.kind === 'crash' && f.node === to && f.time > at) next = Math.min(next, f.time);
    if (f.kind === 'restart' && f.node === to) for (const t of [f.start, f.end + 1]) if (t > at) next = Math.min(next, t);
  }
  const call = m.status === 'delivered' ? exec.invocations.find((i) => i.trigger && 'cause' in i.trigger && i.trigger.cause === m.ref.id) : undefined;
  if (m.status === 'delivered' && (!call || call.acted || timesRead || readsTime(exec, to, at))) return at + 1;
  for (const i of exec.invocations) {
    if (i.node !== to || i.at < at || i === call) continue;
    // At the same ms after it (or, for a message that found the node down, any call then): the next ms.
    if (i.at === at) {
      if (!call || i.id > call.id) return at + 1;
      continue;
    }
    next = Math.min(next, i.at);
    break;
  }
  return next > at ? next : undefined;
}

/** Whether a handler of `node` read the clock or drew a random number at `t` (the audit log has no call ids: any call then counts). */
function readsTime(exec: CodeExecution, node: string, t: number): boolean {
  return exec.audit.entries.some((e) => e.t === t && e.by === node && (e.kind === 'clock' || e.kind === 'random'));
}
