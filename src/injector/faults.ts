import type { Bounds } from '../model/bounds.ts';
import { UserError } from '../model/errors.ts';
import { formatFault } from './format.ts';
import { canonicalFaults, cutsClash, faultStart, isCut, type Fault, type FaultKind, type FaultSet } from '../model/faults.ts';
import { faultModel } from '../model/fault-model.ts';

/**
 * Validated fault constructors: each refuses an impossible fault in a plain sentence, so a schedule
 * that reaches a target is always one the model allows.
 */

export function omit(from: string, to: string, time: number): Fault {
  if (from === to) throw new UserError('BAD_FAULT', `omit ${from}→${to} @${time}: a node cannot lose a message to itself`);
  requireTime(time, `omit ${from}→${to}`);
  return { kind: 'omit', from, to, time };
}

export function crash(node: string, time: number): Fault {
  requireTime(time, `crash ${node}`);
  return { kind: 'crash', node, time };
}

export function disconnect(from: string, to: string, start: number, end: number, both = false): Fault {
  const what = `disconnect ${from}${both ? '↔' : '→'}${to}`;
  if (from === to) throw new UserError('BAD_FAULT', `${what}: a node has no connection to itself`);
  requireWindow(start, end, what);
  return { kind: 'disconnect', from, to, both, start, end };
}

export function delay(from: string, to: string, time: number, by: number): Fault {
  const what = `delay ${from}→${to} @${time}`;
  if (from === to) throw new UserError('BAD_FAULT', `${what}: a node's messages to itself are not on the network`);
  requireTime(time, what);
  if (!Number.isInteger(by) || by < 1) throw new UserError('BAD_FAULT', `${what} by ${by}: a delay is a whole number of steps, 1 or more`);
  return { kind: 'delay', from, to, time, by };
}

/** An HTTP request answered by Spike with `status` (400–599) instead of reaching `to`. */
export function fail(from: string, to: string, time: number, status: number): Fault {
  const what = `fail ${from}→${to} @${time}`;
  if (from === to) throw new UserError('BAD_FAULT', `${what}: a node's requests to itself are not on the network`);
  requireTime(time, what);
  if (!Number.isInteger(status) || status < 400 || status > 599) throw new UserError('BAD_FAULT', `${what} with ${status}: a failed request is answered with an error status, 400 to 599`);
  return { kind: 'fail', from, to, time, status };
}

/** Messages cut short by a reset of their connection. */
export function reset(from: string, to: string, time: number): Fault {
  const what = `reset ${from}→${to} @${time}`;
  if (from === to) throw new UserError('BAD_FAULT', `${what}: a node has no connection to itself`);
  requireTime(time, what);
  return { kind: 'reset', from, to, time };
}

export function restart(node: string, start: number, end: number): Fault {
  requireWindow(start, end, `restart ${node}`);
  return { kind: 'restart', node, start, end };
}

export function partition(left: readonly string[], right: readonly string[], start: number, end: number): Fault {
  const what = `partition {${left.join(',')}}|{${right.join(',')}}`;
  if (left.length === 0 || right.length === 0) throw new UserError('BAD_FAULT', `${what}: both sides of a partition need a node`);
  const shared = left.filter((n) => right.includes(n));
  if (shared.length) throw new UserError('BAD_FAULT', `${what}: ${shared.join(', ')} cannot be on both sides`);
  requireWindow(start, end, what);
  return { kind: 'partition', groups: [[...left].sort(), [...right].sort()], start, end };
}

function requireTime(time: number, what: string): void {
  if (!Number.isInteger(time) || time < 1) throw new UserError('BAD_FAULT', `${what} @${time}: a time is a whole number, 1 or later (steps, virtual ms or rounds)`);
}

function requireWindow(start: number, end: number, what: string): void {
  requireTime(start, what);
  requireTime(end, what);
  if (end < start) throw new UserError('BAD_FAULT', `${what} @${start}..${end}: the window ends before it starts`);
}

/** Rebuilds a fault through its constructor (validating data that came from JSON or a test). */
export function checkedFault(f: Fault): Fault {
  switch (f.kind) {
    case 'omit':
      return omit(f.from, f.to, f.time);
    case 'crash':
      return crash(f.node, f.time);
    case 'disconnect':
      return disconnect(f.from, f.to, f.start, f.end, f.both);
    case 'delay':
      return delay(f.from, f.to, f.time, f.by);
    case 'restart':
      return restart(f.node, f.start, f.end);
    case 'partition':
      return partition(f.groups[0], f.groups[1], f.start, f.end);
    case 'fail':
      return fail(f.from, f.to, f.time, f.status);
    case 'reset':
      return reset(f.from, f.to, f.time);
  }
}

const KIND_NAMES: Record<FaultKind, string> = {
  omit: 'omissions',
  crash: 'crashes',
  disconnect: 'dropped connections',
  delay: 'delays',
  restart: 'crash-restarts',
  partition: 'partitions',
  fail: 'failed requests',
  reset: 'resets',
};

/**
 * Checks a schedule against the bounds of a run and the fault kinds the target supports; returns it
 * in canonical order. Message loss (omit, disconnect, partition) and restart windows must end before
 * EFF; crashes and restarts count against the crash budget.
 */
export function validateSchedule(faults: FaultSet, bounds: Bounds, supported?: readonly FaultKind[]): Fault[] {
  const model = faultModel(bounds);
  const down = new Map<string, string>();
  const known = (n: string, f: string) => {
    if (!model.isNode(n)) throw new UserError('BAD_FAULT', `${f}: ${n} is not a node (nodes: ${bounds.nodes.join(', ')})`);
  };
  const beforeEff = (t: number, text: string) => {
    if (!model.canLose(t)) {
      throw new UserError('BAD_FAULT', `${text}: message loss is only allowed before the end of finite failures (EFF ${bounds.eff}), i.e. at steps 1..${model.lastLoss}`);
    }
  };
  const withinRun = (t: number, text: string) => {
    if (t > bounds.eot) throw new UserError('BAD_FAULT', `${text}: the run ends at EOT ${bounds.eot}`);
  };
  for (const raw of faults) {
    const f = checkedFault(raw);
    const text = formatFault(f);
    if (supported && !supported.includes(f.kind)) {
      throw new UserError('BAD_FAULT', `${text}: this target does not support ${KIND_NAMES[f.kind]} (it supports ${supported.map((k) => KIND_NAMES[k]).join(', ')})`);
    }
    switch (f.kind) {
      case 'omit':
      case 'delay':
      case 'fail':
      case 'reset':
        known(f.from, text);
        known(f.to, text);
        beforeEff(f.time, text);
        break;
      case 'disconnect':
        known(f.from, text);
        known(f.to, text);
        beforeEff(f.end, text);
        break;
      case 'partition':
        f.groups.flat().forEach((n) => known(n, text));
        beforeEff(f.end, text);
        break;
      case 'crash':
      case 'restart': {
        known(f.node, text);
        withinRun(faultStart(f), text);
        // A restart is a finite failure: back up before EFF, as lost messages stop by then.
        if (f.kind === 'restart' && !model.canRestart(f.start, f.end) && bounds.crashes > 0) {
          throw new UserError('BAD_FAULT', `${text}: a restart is a finite failure, over before the end of finite failures (EFF ${bounds.eff}): its window must end at ${model.lastLoss} at the latest`);
        }
        const prior = down.get(f.node);
        if (prior) throw new UserError('BAD_FAULT', `${text}: ${f.node} already has '${prior}'; a node crashes once`);
        down.set(f.node, text);
        break;
      }
    }
  }
  if (down.size > model.crashBudget) {
    throw new UserError('BAD_FAULT', `${down.size} crashes but the crash budget is ${bounds.crashes} (raise it with --crashes)`);
  }
  // A link is down or up: two dropped connections of one link, or two partitions, over the same ms
  // would drop and heal it twice (a partition and a dropped connection may overlap: each is its own cut).
  const cuts = faults.map(checkedFault).filter(isCut);
  for (let i = 0; i < cuts.length; i++) {
    for (let j = i + 1; j < cuts.length; j++) {
      const [a, b] = [cuts[i], cuts[j]];
      const shared = cutsClash(a, b);
      if (shared) {
        const fix = a.kind === 'partition' ? 'the network splits one way at a time: give the partitions windows apart' : `give one window (@${Math.min(a.start, b.start)}..${Math.max(a.end, b.end)}) or windows apart`;
        throw new UserError('BAD_FAULT', `${formatFault(b)}: ${shared} is already cut by '${formatFault(a)}' in that window; ${fix}`);
      }
    }
  }
  return canonicalFaults(faults.map(checkedFault));
}

/**
 * The message losses of a schedule as plain omissions on the send steps they cover (for targets in
 * the synchronous model, where a dropped connection or a partition is exactly that).
 */
export function expandToOmissions(faults: FaultSet): Fault[] {
  const out: Fault[] = [];
  for (const f of faults) {
    if (f.kind === 'disconnect') {
      for (let t = f.start; t <= f.end; t++) {
        out.push({ kind: 'omit', from: f.from, to: f.to, time: t });
        if (f.both) out.push({ kind: 'omit', from: f.to, to: f.from, time: t });
      }
    } else if (f.kind === 'partition') {
      const [left, right] = f.groups;
      for (let t = f.start; t <= f.end; t++) {
        for (const x of left) for (const y of right) out.push({ kind: 'omit', from: x, to: y, time: t }, { kind: 'omit', from: y, to: x, time: t });
      }
    } else out.push(f);
  }
  return canonicalFaults(out);
}
