import { isUserError } from '../../model/errors.ts';
import { problemOf, type Problem } from '../code/type-check.ts';
import { TcpTarget } from './target.ts';

/** A tcp system loads and has the shape `defineSystem` asks for (its processes are not started). */
export async function systemProblems(file: string): Promise<Problem[]> {
  try {
    const t = await TcpTarget.open(file);
    const problems: Problem[] = t.invariantless ? [{ file, line: 0, column: 0, message: t.invariantless, warning: true }] : [];
    // Conservative lineage is worth knowing before a search (the search says it too).
    for (const w of t.warnings ?? []) if (/lineage of .* is conservative/.test(w)) problems.push({ file, line: 0, column: 0, message: w.slice(w.indexOf(': ') + 2), warning: true });
    return problems;
  } catch (e) {
    if (!isUserError(e)) throw e;
    return [problemOf(e.message, file)];
  }
}

