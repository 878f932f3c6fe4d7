import { existsSync } from 'node:fs';
import { UserError } from '../model/errors.ts';
import { typeCheck, type Problem } from './code/type-check.ts';
import { shapeProblems } from './sim/check.ts';
import { systemProblems } from './tcp/check.ts';

export { problemOf, type Problem } from './code/type-check.ts';

/**
 * Static problems of a TypeScript protocol or tcp system (`*.tcp.ts`), before any run (`ldfi check`):
 * type errors against the `ldfi/sim` and `ldfi/tcp` types, then what loading it shows (a protocol's
 * shape and handler names, a system's shape; no invariant is a warning). Throws `UserError` if the
 * file cannot be read.
 */
export async function checkCodeFile(file: string): Promise<Problem[]> {
  if (!existsSync(file)) throw new UserError('FILE', `cannot read protocol file ${file}: no such file`);
  const typeProblems = typeCheck(file);
  // A file that does not type-check may still load (types are erased): shape problems are worth
  // listing too, unless it does not even parse.
  if (typeProblems.some((p) => /\(TS1\d{3}\)$/m.test(p.message))) return typeProblems;
  return [...typeProblems, ...(/\.tcp\.[mc]?[jt]s$/.test(file) ? await systemProblems(file) : await shapeProblems(file))];
}
