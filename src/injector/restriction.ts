import { UserError } from '../model/errors.ts';
import type { Fault } from '../model/faults.ts';

/**
 * A targeted fault space (`--only-faults`): the faults a search may use. Entries separated by `;`,
 * each a kind and where: `crash:C`, `crash:* @3..5`, `restart:C` (by when it starts), `omit:*→C @1..4`, `omit:a->b`,
 * `delay:a→b @2` (by send time), `fail:a→b` and `reset:b→a` (request level, by send time),
 * `omit:a↔b` (both directions), `disconnect:a↔b @2`; `*` is any node, a time window is inclusive, no window is any time. A fault is
 * allowed when an entry matches it.
 */
export interface FaultRestriction {
  /** As the user wrote it, for reports. */
  readonly text: string;
  allows(f: Fault): boolean;
  /** Each entry as written, with the node names it gives (not `*`), to check them against the target's nodes. */
  readonly entries: readonly { readonly text: string; readonly nodes: readonly string[] }[];
}

/** The kinds an entry may name; a targeted space has no partitions. */
const KINDS = ['crash', 'restart', 'omit', 'delay', 'disconnect', 'fail', 'reset'] as const;

interface Entry {
  kind: (typeof KINDS)[number];
  from: string;
  to?: string;
  /** `↔`: the link in either direction. */
  both: boolean;
  start: number;
  end: number;
  /** As written. */
  text: string;
}

/** Parses `--only-faults`; throws `UserError` naming the entry that does not read. */
export function parseRestriction(text: string): FaultRestriction {
  const entries: Entry[] = [];
  for (const raw of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(crash|restart|omit|delay|disconnect|fail|reset)\s*:\s*([A-Za-z0-9_*-]+)(?:\s*(->|→|↔|<->)\s*([A-Za-z0-9_*-]+))?(?:\s*@\s*(\d+)(?:\s*\.\.\s*(\d+))?)?$/.exec(raw);
    const bad = (why: string): never => {
      throw new UserError('BAD_OPTION', `--only-faults: '${raw}' ${why} (e.g. 'crash:c; omit:*→c @1..4; disconnect:a↔b @2')`);
    };
    const named = /^\s*([A-Za-z]+)\s*:/.exec(raw)?.[1];
    if (!m && named && !(KINDS as readonly string[]).includes(named)) bad(`names no kind of fault ldfi targets ('${named}'; kinds: ${KINDS.join(', ')})`);
    if (!m) bad(`does not read as kind:where, a kind being ${KINDS.join(', ')}`);
    const [, kind, from, arrow, to, s, e] = m!;
    if ((kind === 'crash' || kind === 'restart') && arrow) bad(`names a link; a ${kind} names a node`);
    if (kind !== 'crash' && kind !== 'restart' && !arrow) bad(`needs a link, from${kind === 'disconnect' ? '↔' : '→'}to`);
    const start = s === undefined ? 0 : Number(s);
    const end = e === undefined ? (s === undefined ? Infinity : start) : Number(e);
    if (end < start) bad('has a window that ends before it starts');
    entries.push({ kind: kind as Entry['kind'], from, to, both: arrow === '↔' || arrow === '<->', start, end, text: raw });
  }
  if (entries.length === 0) throw new UserError('BAD_OPTION', '--only-faults: no entry (e.g. \'crash:c; omit:*→c @1..4\')');
  const node = (pattern: string, name: string) => pattern === '*' || pattern === name;
  const within = (e: Entry, t: number) => t >= e.start && t <= e.end;
  return {
    text,
    entries: entries.map((e) => ({ text: e.text, nodes: [e.from, ...(e.to === undefined ? [] : [e.to])].filter((n) => n !== '*') })),
    allows(f: Fault): boolean {
      return entries.some((e) => {
        if (e.kind !== f.kind) return false;
        if (f.kind === 'crash') return node(e.from, f.node) && within(e, f.time);
        if (f.kind === 'restart') return node(e.from, f.node) && within(e, f.start);
        if (f.kind === 'omit' || f.kind === 'delay' || f.kind === 'fail' || f.kind === 'reset') return ((node(e.from, f.from) && node(e.to!, f.to)) || (e.both && node(e.from, f.to) && node(e.to!, f.from))) && within(e, f.time);
        if (f.kind === 'disconnect') {
          const pair = (a: string, b: string) => node(e.from, a) && node(e.to!, b);
          return (pair(f.from, f.to) || (f.both && pair(f.to, f.from))) && within(e, f.start);
        }
        return false;
      });
    },
  };
}
