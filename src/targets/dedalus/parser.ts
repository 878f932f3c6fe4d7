import { UserError, type SourcePos } from '../../model/errors.ts';
import type { AggregateFn, Atom, BodyLiteral, CompareOp, Fact, Rule, Term, TimeSuffix } from './ast.ts';
import { tokenize, type Token } from './lexer.ts';

export type Statement =
  | { kind: 'include'; path: string; pos: SourcePos }
  | { kind: 'rule'; rule: Omit<Rule, 'index'> }
  | { kind: 'fact'; fact: Fact };

const COMPARE_OPS = new Set(['==', '!=', '<', '>', '<=', '>=']);
const AGGREGATES = new Set(['count', 'min', 'max', 'sum']);

/** Parses one Dedalus file into statements; includes are resolved by the loader. */
/** The deepest expression a program may hold (operators or parentheses): Molly's programs use a handful. */
export const MAX_EXPRESSION_DEPTH = 200;
/** The most literals a rule body may hold. */
export const MAX_BODY_LITERALS = 500;

export function parseDedalus(source: string, file: string): Statement[] {
  return new Parser(tokenize(source, file), file).statements();
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
  ) {}

  statements(): Statement[] {
    const out: Statement[] = [];
    while (this.peek().kind !== 'eof') out.push(this.statement());
    return out;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }
  private next(): Token {
    return this.tokens[this.i++];
  }
  private pos(t: Token = this.peek()): SourcePos {
    return { file: this.file, line: t.line, column: t.column };
  }
  private fail(message: string, t: Token = this.peek()): never {
    throw new UserError('SYNTAX', message, this.pos(t));
  }
  private describe(t: Token): string {
    return t.kind === 'eof' ? 'end of file' : `'${t.text}'`;
  }
  private isPunct(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.text === text;
  }
  private expectPunct(text: string, context: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== text) this.fail(`expected '${text}' ${context}, found ${this.describe(t)}`);
    return this.next();
  }

  private statement(): Statement {
    const t = this.peek();
    if (t.kind === 'ident' && t.text === 'include' && this.peek(1).kind === 'string') {
      this.next();
      const path = this.next().text;
      this.expectPunct(';', 'after include "…"');
      return { kind: 'include', path, pos: this.pos(t) };
    }
    if (t.kind !== 'ident') {
      this.fail(`expected a fact, a rule or include, found ${this.describe(t)}` +
        (t.kind === 'var' ? ' (relation names start with a lower-case letter)' : ''));
    }
    const head = this.atom(true);
    if (this.isPunct(':-')) {
      this.next();
      const body = this.body();
      this.expectPunct(';', 'at the end of the rule');
      if (head.time?.kind === 'at') {
        this.fail(`a rule head cannot hold only at step ${head.time.step}; use @next or @async`, t);
      }
      return { kind: 'rule', rule: { head, body, pos: this.pos(t) } };
    }
    this.expectPunct(';', 'at the end of the fact');
    return { kind: 'fact', fact: this.toFact(head) };
  }

  private toFact(atom: Atom): Fact {
    if (atom.time && atom.time.kind !== 'at') {
      throw new UserError('SYNTAX', `a fact cannot be @${atom.time.kind}; give it a step, e.g. @1`, atom.pos);
    }
    const values = atom.args.map((a) => {
      const v = constantValue(a);
      if (v === undefined) {
        const what = a.kind === 'var' ? `variable ${a.name}` : a.kind === 'wild' ? "'_'" : 'an expression';
        throw new UserError('SYNTAX', `a fact must be ground, but ${atom.relation} has ${what} (or is a rule missing ':-')`, a.pos);
      }
      return v;
    });
    return { relation: atom.relation, values, step: atom.time?.kind === 'at' ? atom.time.step : undefined, pos: atom.pos };
  }

  private atom(isHead: boolean): Atom {
    const nameTok = this.next();
    if (nameTok.kind !== 'ident') this.fail(`expected a relation name, found ${this.describe(nameTok)}`, nameTok);
    this.expectPunct('(', `after relation name '${nameTok.text}'`);
    const args: Term[] = [];
    if (!this.isPunct(')')) {
      for (;;) {
        args.push(isHead ? this.headTerm() : this.expr());
        if (this.isPunct(',')) {
          this.next();
          continue;
        }
        break;
      }
    }
    this.expectPunct(')', `to close the arguments of '${nameTok.text}'`);
    let time: TimeSuffix | undefined;
    if (this.isPunct('@')) {
      this.next();
      const t = this.next();
      if (t.kind === 'ident' && t.text === 'next') time = { kind: 'next' };
      else if (t.kind === 'ident' && t.text === 'async') time = { kind: 'async' };
      else if (t.kind === 'number') {
        if (Number(t.text) < 1) this.fail(`steps start at 1; @${t.text} never happens`, t);
        time = { kind: 'at', step: Number(t.text) };
      }
      else this.fail(`expected next, async or a step number after '@', found ${this.describe(t)}`, t);
      if (!isHead && time.kind !== 'at') this.fail(`a body atom can only carry a step (@N), not @${time.kind}`, t);
    }
    return { relation: nameTok.text, args, time, pos: this.pos(nameTok) };
  }

  private headTerm(): Term {
    const t = this.peek();
    if (t.kind === 'ident' && AGGREGATES.has(t.text) && this.isPunct('<', 1)) {
      this.next();
      this.next();
      const v = this.next();
      if (v.kind !== 'var' || v.text === '_') this.fail(`expected a variable inside ${t.text}<…>`, v);
      this.expectPunct('>', `to close ${t.text}<${v.text}`);
      return { kind: 'agg', fn: t.text as AggregateFn, arg: { kind: 'var', name: v.text, pos: this.pos(v) }, pos: this.pos(t) };
    }
    return this.expr();
  }

  private body(): BodyLiteral[] {
    const out: BodyLiteral[] = [];
    for (;;) {
      const t = this.peek();
      out.push(this.literal());
      // The evaluator joins a body one literal per level: a bound keeps that depth finite.
      if (out.length > MAX_BODY_LITERALS) this.fail(`a rule body of more than ${MAX_BODY_LITERALS} literals; split the rule`, t);
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      return out;
    }
  }

  private literal(): BodyLiteral {
    const t = this.peek();
    if (t.kind === 'ident' && t.text === 'notin') {
      this.next();
      if (this.peek().kind !== 'ident') this.fail(`expected a relation after notin, found ${this.describe(this.peek())}`);
      return { kind: 'atom', atom: this.atom(false), negated: true };
    }
    if (t.kind === 'ident' && this.isPunct('(', 1)) return { kind: 'atom', atom: this.atom(false), negated: false };
    if (t.kind === 'ident' && AGGREGATES.has(t.text) && this.isPunct('<', 1)) {
      this.fail(`aggregates such as ${t.text}<…> are allowed only as head columns`);
    }
    const left = this.expr();
    const op = this.peek();
    if (op.kind !== 'punct' || !COMPARE_OPS.has(op.text)) {
      if (op.kind === 'punct' && op.text === '=') this.fail("use '==' to compare (a single '=' is not Dedalus)", op);
      this.fail(`expected a comparison (== != < > <= >=) after the expression, found ${this.describe(op)}`, op);
    }
    this.next();
    const right = this.expr();
    return { kind: 'compare', op: op.text as CompareOp, left, right, pos: this.pos(t) };
  }

  /** How deep each expression built so far is (operators and parentheses), to refuse the deepest. */
  private readonly depths = new WeakMap<Term, number>();

  /** An operator node, refused past `MAX_EXPRESSION_DEPTH`: later passes walk expressions recursively. */
  private binop(op: Token, left: Term, right: Term): Term {
    const depth = Math.max(this.depths.get(left) ?? 0, this.depths.get(right) ?? 0) + 1;
    if (depth > MAX_EXPRESSION_DEPTH) this.fail(`expression more than ${MAX_EXPRESSION_DEPTH} operators deep; split it over several rules`, op);
    const t: Term = { kind: 'binop', op: op.text as '+' | '-' | '*' | '/', left, right, pos: this.pos(op) };
    this.depths.set(t, depth);
    return t;
  }

  private expr(): Term {
    let left = this.product();
    while (this.isPunct('+') || this.isPunct('-')) {
      const op = this.next();
      left = this.binop(op, left, this.product());
    }
    return left;
  }

  private product(): Term {
    let left = this.factor();
    while (this.isPunct('*') || this.isPunct('/')) {
      const op = this.next();
      left = this.binop(op, left, this.factor());
    }
    return left;
  }

  /** Parentheses open around the term being read (the parser descends once per level). */
  private nesting = 0;

  private factor(): Term {
    const t = this.next();
    const pos = this.pos(t);
    switch (t.kind) {
      case 'var':
        return t.text === '_' ? { kind: 'wild', pos } : { kind: 'var', name: t.text, pos };
      case 'ident':
        if (this.isPunct('(')) this.fail(`relation '${t.text}' cannot be used inside an expression`, t);
        return { kind: 'const', value: t.text, pos };
      case 'string':
        return { kind: 'const', value: t.text, pos };
      case 'number':
        return { kind: 'const', value: Number(t.text), pos };
      case 'punct':
        if (t.text === '-' && this.peek().kind === 'number') return { kind: 'const', value: -Number(this.next().text), pos };
        if (t.text === '(') {
          if (++this.nesting > MAX_EXPRESSION_DEPTH) this.fail(`parentheses nested more than ${MAX_EXPRESSION_DEPTH} deep`, t);
          const inner = this.expr();
          this.expectPunct(')', 'to close the parenthesis');
          this.nesting--;
          return inner;
        }
    }
    return this.fail(`expected a term (variable, constant, number or string), found ${this.describe(t)}`, t);
  }
}

export function constantValue(t: Term): string | number | undefined {
  return t.kind === 'const' ? t.value : undefined;
}
