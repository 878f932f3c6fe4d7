import type { Value } from './ast.ts';

const PLAIN = /^[a-z][A-Za-z0-9_]*$/;

/** Prints a value so that it parses back to itself: plain constants bare, other strings quoted. */
export function formatValue(v: Value): string {
  if (typeof v === 'number') return String(v);
  return PLAIN.test(v) ? v : JSON.stringify(v);
}

export function formatTuple(relation: string, values: readonly Value[]): string {
  return `${relation}(${values.map(formatValue).join(',')})`;
}

export function formatPattern(relation: string, values: readonly (Value | undefined)[]): string {
  return `${relation}(${values.map((v) => (v === undefined ? '_' : formatValue(v))).join(',')})`;
}

/** Orders values: numbers numerically, strings lexically, a numeric string like a number. */
export function compareValues(a: Value, b: Value): number {
  const na = typeof a === 'number' ? a : Number.NaN;
  const nb = typeof b === 'number' ? b : Number.NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** A composite index key for several values, distinguishing the number 1 from the string "1". */
export function encodeValues(vals: readonly Value[]): string {
  let s = '';
  for (const v of vals) s += (typeof v === 'number' ? 'n' : 's') + v + '\u0000';
  return s;
}

/** A comparison of the dialect (`==` and `!=` are exact; orderings as in compareValues). */
export function compareWith(op: string, a: Value, b: Value): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return compareValues(a, b) < 0;
    case '>':
      return compareValues(a, b) > 0;
    case '<=':
      return compareValues(a, b) <= 0;
    default:
      return compareValues(a, b) >= 0;
  }
}

/** Integer arithmetic of the dialect; undefined for division by zero. */
export function arithmetic(op: '+' | '-' | '*' | '/', a: number, b: number): number | undefined {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? undefined : Math.trunc(a / b);
  }
}
