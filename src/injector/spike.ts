import { canonicalFaults, cutsLink, isCut, type Fault, type FaultSet } from '../model/faults.ts';
import type { AuditLog } from './audit.ts';
import { formatFault } from './text.ts';

/**
 * What happens to one message on the network: delivered (perhaps late), dropped, failed (an HTTP
 * request Spike answers itself with `status`; others are delivered) or cut short by a reset.
 */
export type MessageFate =
  | { kind: 'deliver'; extraDelay: number }
  | { kind: 'drop'; reason: string }
  | { kind: 'fail'; status: number; reason: string }
  | { kind: 'reset'; reason: string };

/** A node-level event the schedule imposes. */
export interface NodeEvent {
  time: number;
  node: string;
  kind: 'crash' | 'down' | 'up';
  fault: string;
}

/** A connection-level event (connection-oriented targets reset the link). */
export interface LinkEvent {
  time: number;
  from: string;
  to: string;
  kind: 'disconnect' | 'reconnect';
  fault: string;
}

/**
 * Spike applies a fault schedule deterministically: the same schedule and the same sequence of
 * questions give the same answers, and every fault it applies is written to the audit log.
 */
export class Spike {
  private readonly faults: readonly Fault[];
  constructor(
    faults: FaultSet,
    private readonly audit: AuditLog,
  ) {
    // In canonical order: the same set, however listed, gives the same run (link events of one ms in
    // the same order, so handlers hear them in the same order).
    this.faults = canonicalFaults(faults);
  }

  /**
   * The fate of a message from→to sent at `time` (`id` names it in the audit log). Only an HTTP
   * request (`request`) can fail; a `fail` fault lets the rest of its slot through.
   */
  messageFate(from: string, to: string, time: number, id: string, request = false): MessageFate {
    if (from === to) return { kind: 'deliver', extraDelay: 0 };
    let extra = 0;
    for (const f of this.faults) {
      const dropped = dropReason(f, from, to, time);
      if (dropped) {
        this.audit.add(time, 'fault', 'spike', `drop ${id} ${from}→${to}`, formatFault(f));
        return { kind: 'drop', reason: formatFault(f) };
      }
      if (f.kind === 'delay' && f.from === from && f.to === to && f.time === time) extra += f.by;
      if (((f.kind === 'fail' && request) || f.kind === 'reset') && f.from === from && f.to === to && f.time === time) {
        const reason = formatFault(f);
        this.audit.add(time, 'fault', 'spike', f.kind === 'fail' ? `fail ${id} ${from}→${to} with ${f.status}` : `reset ${id} ${from}→${to}`, reason);
        return f.kind === 'fail' ? { kind: 'fail', status: f.status, reason } : { kind: 'reset', reason };
      }
    }
    if (extra > 0) this.audit.add(time, 'fault', 'spike', `delay ${id} ${from}→${to} by ${extra}`);
    return { kind: 'deliver', extraDelay: extra };
  }

  /** Crashes and restart windows, in time order. */
  nodeEvents(): NodeEvent[] {
    const out: NodeEvent[] = [];
    for (const f of this.faults) {
      if (f.kind === 'crash') out.push({ time: f.time, node: f.node, kind: 'crash', fault: formatFault(f) });
      if (f.kind === 'restart') {
        out.push({ time: f.start, node: f.node, kind: 'down', fault: formatFault(f) });
        out.push({ time: f.end + 1, node: f.node, kind: 'up', fault: formatFault(f) });
      }
    }
    return out.sort((a, b) => a.time - b.time || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  }

  /** Dropped connections and partitions as link events, in time order. */
  linkEvents(): LinkEvent[] {
    const out: LinkEvent[] = [];
    const link = (from: string, to: string, f: Fault & { start: number; end: number }) => {
      out.push({ time: f.start, from, to, kind: 'disconnect', fault: formatFault(f) });
      out.push({ time: f.end + 1, from, to, kind: 'reconnect', fault: formatFault(f) });
    };
    for (const f of this.faults) {
      if (f.kind === 'disconnect') {
        link(f.from, f.to, f);
        if (f.both) link(f.to, f.from, f);
      }
      if (f.kind === 'partition') for (const x of f.groups[0]) for (const y of f.groups[1]) link(x, y, f), link(y, x, f);
    }
    return out.sort((a, b) => a.time - b.time);
  }
}

function dropReason(f: Fault, from: string, to: string, time: number): boolean {
  if (f.kind === 'omit') return f.from === from && f.to === to && f.time === time;
  return isCut(f) && time >= f.start && time <= f.end && cutsLink(f, from, to);
}
