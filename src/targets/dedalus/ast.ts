import type { SourcePos } from '../../model/errors.ts';

export type Value = string | number;

export type Term =
  | { kind: 'var'; name: string; pos: SourcePos }
  | { kind: 'const'; value: Value; pos: SourcePos }
  | { kind: 'wild'; pos: SourcePos }
  | { kind: 'binop'; op: ArithOp; left: Term; right: Term; pos: SourcePos }
  | { kind: 'agg'; fn: AggregateFn; arg: Term; pos: SourcePos };

export type ArithOp = '+' | '-' | '*' | '/';
export type CompareOp = '==' | '!=' | '<' | '>' | '<=' | '>=';
export type AggregateFn = 'count' | 'min' | 'max' | 'sum';

export type TimeSuffix = { kind: 'next' } | { kind: 'async' } | { kind: 'at'; step: number };

export interface Atom {
  relation: string;
  args: Term[];
  time?: TimeSuffix;
  pos: SourcePos;
}

export type BodyLiteral =
  | { kind: 'atom'; atom: Atom; negated: boolean }
  | { kind: 'compare'; op: CompareOp; left: Term; right: Term; pos: SourcePos };

export interface Rule {
  head: Atom;
  body: BodyLiteral[];
  pos: SourcePos;
  /** Position of the rule in the whole program (all files), for stable identities. */
  index: number;
}

export interface Fact {
  relation: string;
  values: Value[];
  /** The one step at which the fact holds; undefined means every step. */
  step?: number;
  pos: SourcePos;
}

export interface Program {
  rules: Rule[];
  facts: Fact[];
  /** Every file read, including included ones, in reading order. */
  files: string[];
}
