import { existsSync, readFileSync } from 'node:fs';
import { checkSourceSize } from '../../model/limits.ts';
import { dirname, relative, resolve } from 'node:path';
import { UserError, type SourcePos } from '../../model/errors.ts';
import type { Program, Rule } from './ast.ts';
import { parseDedalus } from './parser.ts';

/**
 * Reads several Dedalus files as one program; a file included twice is read once. `include "f";` is
 * resolved against, in order: the including file's folder, the first file's folder (Molly resolves
 * includes there, and programs written for it rely on it), then each `includeDirs` folder (`-I DIR`).
 * Throws `UserError` (INCLUDE, naming every place looked in) when none has the file.
 */
export function loadProgram(paths: readonly string[], includeDirs: readonly string[] = []): { program: Program; sources: Map<string, string>; includes: string[] } {
  const program: Program = { rules: [], facts: [], files: [] };
  const sources = new Map<string, string>();
  // Included files as the include statements name them (`include "broadcast-invariants.ded";`).
  const includes: string[] = [];
  // Bytes of program read so far, includes and all.
  let read = 0;
  const visit = (path: string, includedFrom?: SourcePos, asWritten = path) => {
    const abs = resolve(path);
    if (sources.has(abs)) return;
    let text: string;
    read += checkSourceSize(abs, 'Dedalus program', read);
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      const places = missing.get(abs) ?? [abs];
      if (includedFrom) throw new UserError('INCLUDE', `cannot include "${asWritten}": ${reason} (looked for ${places.join(', ')}; add a folder with -I DIR)`, includedFrom);
      throw new UserError('FILE', `cannot read program file ${path}: ${reason}`);
    }
    sources.set(abs, text);
    program.files.push(path);
    for (const st of parseDedalus(text, path)) {
      if (st.kind === 'include') {
        const found = findInclude(st.path, [dirname(abs), dirname(resolve(paths[0])), ...includeDirs]);
        if (!sources.has(resolve(found)) && !includes.includes(st.path)) includes.push(st.path);
        visit(displayPath(found), st.pos, st.path);
      }
      else if (st.kind === 'fact') program.facts.push(st.fact);
      else program.rules.push({ ...st.rule, index: program.rules.length } as Rule);
    }
  };
  if (paths.length === 0) throw new UserError('BAD_OPTION', 'no program file given');
  for (const p of paths) visit(p);
  return { program, sources, includes };
}

/** The first folder holding the included file; if none does, the first candidate (its error names them all). */
function findInclude(path: string, folders: readonly string[]): string {
  const tried = [...new Set(folders.map((f) => resolve(f, path)))];
  const found = tried.find((p) => existsSync(p));
  if (found) return found;
  if (tried.length > 1) missing.set(resolve(tried[0]), tried);
  return tried[0];
}
/** For the error of an include found nowhere: every place it was looked for. */
const missing = new Map<string, string[]>();

/** A path as the user would type it: relative to the working folder when inside it. */
function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') ? rel : abs;
}
