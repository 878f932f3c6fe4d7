import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../model/errors.ts';

/**
 * Checks, before any work is done, that a report can be written where the user asked: not onto a
 * folder, and into a folder that exists (a typo should not create folders up to the root).
 */
export function checkOutputPath(option: string, path: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new UserError('BAD_OPTION', `${option} ${path} is a folder; give a file name`);
  const folder = dirname(resolve(path));
  if (!existsSync(folder)) throw new UserError('BAD_OPTION', `${option} ${path}: the folder ${folder} does not exist`);
}

/** Writes a report atomically: a reader sees the old file or the whole new one, never half of it. */
export function writeFileAtomic(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
