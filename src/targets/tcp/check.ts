import { isUserError } from '../../model/errors.ts';
import { problemOf, type Problem } from '../code/type-check.ts';
import { TcpTarget } from './target.ts';

/** A tcp system loads and has the shape `defineSystem` asks for (its processes are not started). */
export async function systemProblems(file: string): Promise<Problem[]> {
  try {
    const t = await TcpTarget.open(file);
    return t.invariantless ? [{ file, line: 0, column: 0, message: t.invariantless, warning: true }] : [];
  } catch (e) {
    if (!isUserError(e)) throw e;
    return [problemOf(e.message, file)];
  }
}

