import { UserError } from '../model/errors.ts';
import { canonicalFaults, type Fault, type FaultSet } from '../model/faults.ts';
import { crash, omit } from './faults.ts';

const NAME = /^[A-Za-z0-9_.:-]+$/;

function formatName(n: string): string {
  return NAME.test(n) && !n.includes('->') ? n : JSON.stringify(n);
}

/** `omit a→b @1; crash c @3` — the compact text form, in canonical order. Empty set: `none`. */
export function formatFaults(faults: FaultSet): string {
  if (faults.length === 0) return 'none';
  return canonicalFaults(faults).map(formatFault).join('; ');
}

export function formatFault(f: Fault): string {
  switch (f.kind) {
    case 'omit':
      return `omit ${formatName(f.from)}→${formatName(f.to)} @${f.time}`;
    case 'crash':
      return `crash ${formatName(f.node)} @${f.time}`;
  }
}

/** Parses the text form back (`->` is accepted for `→`). Errors name the fault and what was expected. */
export function parseFaults(text: string, origin = '--faults'): Fault[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return [];
  const out: Fault[] = [];
  for (const part of trimmed.split(';')) {
    const item = part.trim();
    if (!item) continue;
    out.push(parseOne(item, origin));
  }
  return canonicalFaults(out);
}

const NAME_RE = String.raw`("(?:[^"\\]|\\.)*"|[A-Za-z0-9_.:-]+?)`;
const OMIT_RE = new RegExp(String.raw`^omit\s+${NAME_RE}\s*(?:→|->)\s*${NAME_RE}\s*@\s*(\d+)$`);
const CRASH_RE = new RegExp(String.raw`^crash\s+${NAME_RE}\s*@\s*(\d+)$`);

function unquote(s: string): string {
  return s.startsWith('"') ? (JSON.parse(s) as string) : s;
}

function parseOne(item: string, origin: string): Fault {
  let m = OMIT_RE.exec(item);
  if (m) return omit(unquote(m[1]), unquote(m[2]), Number(m[3]));
  m = CRASH_RE.exec(item);
  if (m) return crash(unquote(m[1]), Number(m[2]));
  throw new UserError('BAD_FAULT', `${origin}: cannot read fault '${item}'; expected e.g. 'omit a→b @1' or 'crash c @3'`);
}
