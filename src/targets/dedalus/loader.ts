import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { UserError, type SourcePos } from '../../model/errors.ts';
import type { Program, Rule } from './ast.ts';
import { parseDedalus } from './parser.ts';

/**
 * Reads several Dedalus files as one program. `include "f";` is resolved against the folder of the
 * including file; a file included twice is read once.
 */
export function loadProgram(paths: readonly string[]): { program: Program; sources: Map<string, string> } {
  const program: Program = { rules: [], facts: [], files: [] };
  const sources = new Map<string, string>();
  const visit = (path: string, includedFrom?: SourcePos, asWritten = path) => {
    const abs = resolve(path);
    if (sources.has(abs)) return;
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      if (includedFrom) throw new UserError('INCLUDE', `cannot include "${asWritten}": ${reason} (looked for ${abs})`, includedFrom);
      throw new UserError('FILE', `cannot read program file ${path}: ${reason}`);
    }
    sources.set(abs, text);
    program.files.push(path);
    for (const st of parseDedalus(text, path)) {
      if (st.kind === 'include') visit(displayPath(resolve(dirname(abs), st.path)), st.pos, st.path);
      else if (st.kind === 'fact') program.facts.push(st.fact);
      else program.rules.push({ ...st.rule, index: program.rules.length } as Rule);
    }
  };
  if (paths.length === 0) throw new UserError('BAD_OPTION', 'no program file given');
  for (const p of paths) visit(p);
  return { program, sources };
}

/** A path as the user would type it: relative to the working folder when inside it. */
function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') ? rel : abs;
}
