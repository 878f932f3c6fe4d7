import { UserError } from '../model/errors.ts';
import { canonicalFaults, type Fault } from '../model/faults.ts';
import { checkedFault, crash, delay, disconnect, fail, omit, partition, reset, restart } from './faults.ts';

export { formatFault, formatFaults } from './format.ts';

/** Parses the text form (`format.ts`) or its JSON list back to a schedule; throws `UserError` naming `origin` and the item. */
export function parseFaults(text: string, origin = '--faults'): Fault[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return [];
  if (trimmed.startsWith('[')) return parseFaultsJson(trimmed, origin);
  const out: Fault[] = [];
  for (const part of trimmed.split(';')) {
    const item = part.trim();
    if (item) out.push(parseOne(item, origin));
  }
  return canonicalFaults(out);
}

const N = String.raw`("(?:[^"\\]|\\.)*"|[A-Za-z0-9_.:-]+?)`;
const ARROW = String.raw`\s*(→|->|↔|<->)\s*`;
const AT = String.raw`\s*@\s*(\d+)`;
const WINDOW = String.raw`\s*@\s*(\d+)\s*\.\.\s*(\d+)`;
const LIST = String.raw`\{\s*([^{}]*)\}`;
const FORMS: [RegExp, (m: string[]) => Fault][] = [
  [new RegExp(`^omit\\s+${N}${ARROW}${N}${AT}$`), (m) => oneWay(m[2], 'omit', () => omit(unquote(m[1]), unquote(m[3]), Number(m[4])))],
  [new RegExp(`^crash\\s+${N}${AT}$`), (m) => crash(unquote(m[1]), Number(m[2]))],
  [new RegExp(`^disconnect\\s+${N}${ARROW}${N}${WINDOW}$`), (m) => disconnect(unquote(m[1]), unquote(m[3]), Number(m[4]), Number(m[5]), m[2] === '↔' || m[2] === '<->')],
  [new RegExp(`^delay\\s+${N}${ARROW}${N}${AT}\\s+by\\s+(\\d+)$`), (m) => oneWay(m[2], 'delay', () => delay(unquote(m[1]), unquote(m[3]), Number(m[4]), Number(m[5])))],
  [new RegExp(`^restart\\s+${N}${WINDOW}$`), (m) => restart(unquote(m[1]), Number(m[2]), Number(m[3]))],
  [new RegExp(`^partition\\s+${LIST}\\s*\\|\\s*${LIST}${WINDOW}$`), (m) => partition(names(m[1]), names(m[2]), Number(m[3]), Number(m[4]))],
  [new RegExp(`^fail\\s+${N}${ARROW}${N}${AT}\\s+with\\s+(\\d+)$`), (m) => oneWay(m[2], 'fail', () => fail(unquote(m[1]), unquote(m[3]), Number(m[4]), Number(m[5])))],
  [new RegExp(`^reset\\s+${N}${ARROW}${N}${AT}$`), (m) => oneWay(m[2], 'reset', () => reset(unquote(m[1]), unquote(m[3]), Number(m[4])))],
];

/** The JSON form: a list of faults as the JSON report's `faultList` holds them. */
export function parseFaultsJson(text: string, origin = '--faults'): Fault[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError('BAD_FAULT', `${origin}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data)) throw new UserError('BAD_FAULT', `${origin}: expected a JSON list of faults`);
  return canonicalFaults(
    data.map((f, i) => {
      const kind = (f as { kind?: unknown })?.kind;
      if (typeof kind !== 'string' || !KINDS.has(kind)) {
        throw new UserError('BAD_FAULT', `${origin}: fault ${i + 1} has no known kind (${Object.keys(FIELDS).join(', ')})`);
      }
      const absent = FIELDS[kind].filter((field) => (f as Record<string, unknown>)[field] === undefined);
      if (absent.length) throw new UserError('BAD_FAULT', `${origin}: fault ${i + 1} (${kind}) lacks ${absent.join(', ')}`);
      return named(`${origin}: fault ${i + 1}`, () => checkedFault(f as Fault));
    }),
  );
}

const FIELDS: Record<string, string[]> = {
  omit: ['from', 'to', 'time'],
  crash: ['node', 'time'],
  disconnect: ['from', 'to', 'start', 'end'],
  delay: ['from', 'to', 'time', 'by'],
  restart: ['node', 'start', 'end'],
  partition: ['groups', 'start', 'end'],
  fail: ['from', 'to', 'time', 'status'],
  reset: ['from', 'to', 'time'],
};
const KINDS = new Set(Object.keys(FIELDS));

/** A fault that does not make sense, named with where it was given (`--faults`). */
function named(origin: string, make: () => Fault): Fault {
  try {
    return make();
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.code, `${origin}: ${e.message}`);
    throw e;
  }
}

function oneWay(arrow: string, what: string, make: () => Fault): Fault {
  if (arrow === '↔' || arrow === '<->') throw new UserError('BAD_FAULT', `${what} takes one direction (a→b); only disconnect takes a↔b`);
  return make();
}

function names(list: string): string[] {
  return list.split(',').map((s) => unquote(s.trim())).filter(Boolean);
}

function unquote(s: string): string {
  return s.startsWith('"') ? (JSON.parse(s) as string) : s;
}

function parseOne(item: string, origin: string): Fault {
  for (const [re, make] of FORMS) {
    const m = re.exec(item);
    if (m) return named(origin, () => make(m));
  }
  throw new UserError(
    'BAD_FAULT',
    `${origin}: cannot read fault '${item}'; expected e.g. 'omit a→b @1', 'crash c @3', 'disconnect a↔b @2..4', ` +
      `'delay a→b @3 by 5', 'restart c @5..9', 'partition {a,b}|{c} @2..6', 'fail a→b @3 with 503' or 'reset b→a @4'`,
  );
}
