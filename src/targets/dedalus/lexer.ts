import { UserError } from '../../model/errors.ts';

export type TokenKind = 'ident' | 'var' | 'string' | 'number' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  column: number;
}

const PUNCT = [':-', '<=', '>=', '==', '!=', '(', ')', ',', ';', '@', '<', '>', '+', '-', '*', '/', '.', '='];

/** Splits Dedalus source into tokens, skipping `//` and `/* *\/` comments. */
export function tokenize(source: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const fail = (msg: string, l = line, c = col): never => {
    throw new UserError('SYNTAX', msg, { file, line: l, column: c });
  };
  const advance = (n: number) => {
    for (let k = 0; k < n; k++) {
      if (source[i] === '\n') {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  while (i < source.length) {
    const ch = source[i];
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      advance(1);
      continue;
    }
    if (ch === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') advance(1);
      continue;
    }
    if (ch === '/' && source[i + 1] === '*') {
      const l = line;
      const c = col;
      const end = source.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated /* comment', l, c);
      advance(end + 2 - i);
      continue;
    }
    const startLine = line;
    const startCol = col;
    if (ch === '"') {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== '"') {
        if (source[j] === '\n') fail('unterminated string (strings cannot span lines)', startLine, startCol);
        if (source[j] === '\\' && j + 1 < source.length) {
          text += source[j + 1];
          j += 2;
        } else text += source[j++];
      }
      if (j >= source.length) fail('unterminated string', startLine, startCol);
      advance(j + 1 - i);
      tokens.push({ kind: 'string', text, line: startLine, column: startCol });
      continue;
    }
    if (ch >= '0' && ch <= '9') {
      let j = i;
      while (j < source.length && source[j] >= '0' && source[j] <= '9') j++;
      tokens.push({ kind: 'number', text: source.slice(i, j), line: startLine, column: startCol });
      advance(j - i);
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      let j = i;
      while (j < source.length && /[A-Za-z0-9_]/.test(source[j])) j++;
      const text = source.slice(i, j);
      const kind: TokenKind = /^[A-Z_]/.test(text) ? 'var' : 'ident';
      tokens.push({ kind, text, line: startLine, column: startCol });
      advance(j - i);
      continue;
    }
    const p = PUNCT.find((s) => source.startsWith(s, i));
    if (!p) fail(`unexpected character '${ch}'`);
    tokens.push({ kind: 'punct', text: p!, line: startLine, column: startCol });
    advance(p!.length);
  }
  tokens.push({ kind: 'eof', text: '', line, column: col });
  return tokens;
}
