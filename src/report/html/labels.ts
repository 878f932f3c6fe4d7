import type { MessageRecord } from '../../model/target.ts';

/** Labels longer than this are cut with …; the full text is on hover and in the list under the diagram. */
export const LABEL_MAX = 24;

/**
 * The rule as a diagram states it: only the parts that apply to its messages (a sim run has no tuples,
 * a Dedalus run no JSON payloads), and the cut.
 */
export function labelRule(messages: readonly MessageRecord[]): string {
  const tuples = messages.some((m) => /^[A-Za-z_]\w*\(.*\)$/s.test(m.content));
  const json = messages.some((m) => /^\s*\{/.test(m.content));
  const parts = [
    ...(tuples ? ['a tuple without its receiver column (log(b,hello) → log(hello))'] : []),
    ...(json ? ['a JSON payload as its kind and the fields that differ between messages of that kind (put key=x)'] : []),
    `anything longer than ${LABEL_MAX} characters cut with …`,
  ];
  return parts.join('; ');
}

/** Fields that name what kind of message a JSON object is, in the order they are looked for. */
const KIND_FIELDS = ['kind', 'type', 'op', 'cmd', 'msg'];

/**
 * A short label per message, by the rule `labelRule` states: the part of each message that tells it from the others
 * (a truncated JSON prefix hides exactly that: every `{"kind":"put","kv":{"key":…` looks the same).
 */
export function messageLabels(messages: readonly MessageRecord[]): string[] {
  const parsed = messages.map(parse);
  // Per kind (relation or JSON kind): the fields whose values are not the same in every message of it.
  const varying = new Map<string, Set<string>>();
  const firstValue = new Map<string, string>();
  parsed.forEach((p) => {
    for (const [field, value] of p.fields) {
      const key = `${p.kind}\u0000${field}`;
      const seen = firstValue.get(key);
      if (seen === undefined) firstValue.set(key, value);
      else if (seen !== value) (varying.get(p.kind) ?? varying.set(p.kind, new Set()).get(p.kind)!).add(field);
    }
  });
  return parsed.map((p) => cut(p.render(varying.get(p.kind) ?? new Set())));
}

interface Parsed {
  readonly kind: string;
  /** Field name → value text, in order. */
  readonly fields: readonly (readonly [string, string])[];
  /** The label, given the fields that vary within the kind. */
  readonly render: (varying: ReadonlySet<string>) => string;
}

function parse(m: MessageRecord): Parsed {
  const tuple = /^([A-Za-z_][\w]*)\((.*)\)$/s.exec(m.content);
  if (tuple) {
    const [, relation, body] = tuple;
    const args = splitArgs(body);
    // The first column is the receiver's location: the arrow already says where it goes.
    const shown = args.length > 0 && unquote(args[0]) === m.to ? args.slice(1) : args;
    const fields = shown.map((a, i) => [String(i), a] as const);
    return {
      kind: relation,
      fields,
      render: (varying) => {
        const full = `${relation}(${shown.join(',')})`;
        if (full.length <= LABEL_MAX || varying.size === 0) return full;
        return `${relation}(${fields.map(([i, a]) => (varying.has(i) ? a : '_')).join(',')})`;
      },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(m.content);
  } catch {
    return { kind: '', fields: [], render: () => m.content.trim() };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const text = typeof value === 'string' ? value : m.content;
    return { kind: '', fields: [], render: () => text };
  }
  const obj = value as Record<string, unknown>;
  const kindField = KIND_FIELDS.find((f) => typeof obj[f] === 'string');
  const kind = kindField ? String(obj[kindField]) : '';
  const fields = flatten(obj).filter(([path]) => path !== kindField);
  return {
    kind,
    fields,
    render: (varying) => {
      const chosen = varying.size > 0 ? fields.filter(([path]) => varying.has(path)) : fields;
      return [kind, ...chosen.map(([path, v]) => `${path}=${v}`)].filter(Boolean).join(' ');
    },
  };
}

/** Leaf fields with dotted paths; arrays and deeper objects as compact JSON. */
function flatten(obj: Record<string, unknown>, prefix = '', depth = 0): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 2) {
      for (const entry of flatten(v as Record<string, unknown>, path, depth + 1)) out.push(entry);
    } else out.push([path, typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined']);
  }
  return out;
}

/** Top-level arguments of a tuple body, with quoted strings and nested parentheses kept whole. */
function splitArgs(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === quote && body[i - 1] !== '\\') quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (body.trim() !== '') out.push(body.slice(start).trim());
  return out;
}

function unquote(s: string): string {
  return /^(["']).*\1$/s.test(s) ? s.slice(1, -1) : s;
}

function cut(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length <= LABEL_MAX ? one : `${one.slice(0, LABEL_MAX - 1)}…`;
}

/**
 * One payload on its own, by the same rule: a string bare, an object as its kind and its fields
 * (`{"kind":"inc","id":"r2"}` → `inc id=r2`), anything else as its JSON.
 */
export function payloadText(json: string): string {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return json;
  }
  if (typeof v === 'string') return v;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return json;
  const obj = v as Record<string, unknown>;
  const kindField = KIND_FIELDS.find((f) => typeof obj[f] === 'string');
  const fields = flatten(obj).filter(([path]) => path !== kindField);
  return [kindField ? String(obj[kindField]) : '', ...fields.map(([path, x]) => `${path}=${x}`)].filter(Boolean).join(' ');
}
