import { canonicalFaults, type Fault, type FaultSet } from '../model/faults.ts';

/**
 * The compact text form of a schedule, which parses back to the same schedule:
 *   omit a→b @3; crash c @5; disconnect a↔b @2..4; delay a→b @3 by 5; restart c @5..9;
 *   partition {a,b}|{c} @2..6; fail a→b @3 with 503; reset b→a @4
 * `->` and `<->` are accepted for `→` and `↔`; the empty schedule is `none`.
 */
export function formatFaults(faults: FaultSet): string {
  if (faults.length === 0) return 'none';
  return canonicalFaults(faults).map(formatFault).join('; ');
}

const NAME = /^[A-Za-z0-9_.:-]+$/;

function formatName(n: string): string {
  return NAME.test(n) && !n.includes('->') ? n : JSON.stringify(n);
}

export function formatFault(f: Fault): string {
  switch (f.kind) {
    case 'omit':
      return `omit ${formatName(f.from)}→${formatName(f.to)} @${f.time}`;
    case 'crash':
      return `crash ${formatName(f.node)} @${f.time}`;
    case 'disconnect':
      return `disconnect ${formatName(f.from)}${f.both ? '↔' : '→'}${formatName(f.to)} @${f.start}..${f.end}`;
    case 'delay':
      return `delay ${formatName(f.from)}→${formatName(f.to)} @${f.time} by ${f.by}`;
    case 'restart':
      return `restart ${formatName(f.node)} @${f.start}..${f.end}`;
    case 'partition':
      return `partition {${f.groups[0].map(formatName).join(',')}}|{${f.groups[1].map(formatName).join(',')}} @${f.start}..${f.end}`;
    case 'fail':
      return `fail ${formatName(f.from)}→${formatName(f.to)} @${f.time} with ${f.status}`;
    case 'reset':
      return `reset ${formatName(f.from)}→${formatName(f.to)} @${f.time}`;
  }
}
