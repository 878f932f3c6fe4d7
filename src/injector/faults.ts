import type { Bounds } from '../model/bounds.ts';
import { UserError } from '../model/errors.ts';
import { canonicalFaults, type Fault, type FaultSet } from '../model/faults.ts';

/**
 * Validated fault constructors: each refuses an impossible fault in a plain sentence, so a schedule
 * that reaches a target is always one the model allows.
 */

export function omit(from: string, to: string, time: number): Fault {
  if (from === to) throw new UserError('BAD_FAULT', `omit ${from}→${to} @${time}: a node cannot lose a message to itself`);
  requireStep(time, `omit ${from}→${to}`);
  return { kind: 'omit', from, to, time };
}

export function crash(node: string, time: number): Fault {
  requireStep(time, `crash ${node}`);
  return { kind: 'crash', node, time };
}

function requireStep(time: number, what: string): void {
  if (!Number.isInteger(time) || time < 1) throw new UserError('BAD_FAULT', `${what} @${time}: a time is a whole step, 1 or later`);
}

/** Checks a schedule against the bounds of a run; returns it in canonical order. */
export function validateSchedule(faults: FaultSet, bounds: Bounds): Fault[] {
  const nodes = new Set(bounds.nodes);
  const crashed = new Map<string, number>();
  const known = (n: string, f: string) => {
    if (!nodes.has(n)) throw new UserError('BAD_FAULT', `${f}: ${n} is not a node (nodes: ${bounds.nodes.join(', ')})`);
  };
  for (const f of faults) {
    switch (f.kind) {
      case 'omit': {
        const text = `omit ${f.from}→${f.to} @${f.time}`;
        omit(f.from, f.to, f.time);
        known(f.from, text);
        known(f.to, text);
        if (f.time >= bounds.eff) {
          throw new UserError('BAD_FAULT', `${text}: omissions are only allowed before the end of finite failures (EFF ${bounds.eff}), i.e. at steps 1..${bounds.eff - 1}`);
        }
        break;
      }
      case 'crash': {
        const text = `crash ${f.node} @${f.time}`;
        crash(f.node, f.time);
        known(f.node, text);
        if (f.time > bounds.eot) throw new UserError('BAD_FAULT', `${text}: the run ends at EOT ${bounds.eot}`);
        if (crashed.has(f.node)) throw new UserError('BAD_FAULT', `${text}: ${f.node} already crashes at step ${crashed.get(f.node)}; a node crashes once`);
        crashed.set(f.node, f.time);
        break;
      }
    }
  }
  if (crashed.size > bounds.crashes) {
    throw new UserError('BAD_FAULT', `${crashed.size} crashes but the crash budget is ${bounds.crashes} (raise it with --crashes)`);
  }
  return canonicalFaults(faults);
}
