import type { Fault, FaultSet } from '../model/faults.ts';

/**
 * The root cause of a counterexample: the shape of its minimal fault set, what fails and where, not
 * when. Counterexamples of one cause are reported once (`--find-all`, `--seeds`).
 */
export function rootCause(faults: FaultSet): string {
  // Drop the times (and delays' amounts): the kind and who it hits stay.
  const shape = (f: Fault): string => {
    switch (f.kind) {
      case 'omit':
        return `omit ${f.from}→${f.to}`;
      case 'crash':
        return `crash ${f.node}`;
      case 'restart':
        return `restart ${f.node}`;
      case 'delay':
        return `delay ${f.from}→${f.to}`;
      case 'fail':
        return `fail ${f.from}→${f.to} with ${f.status}`;
      case 'reset':
        return `reset ${f.from}→${f.to}`;
      case 'disconnect':
        return `disconnect ${f.from}${f.both ? '↔' : '→'}${f.to}`;
      case 'partition':
        return `partition ${f.groups.map((g) => [...g].sort().join(',')).sort().join('|')}`;
    }
  };
  return [...new Set(faults.map(shape))].sort().join('; ');
}

