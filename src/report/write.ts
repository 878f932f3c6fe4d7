import { accessSync, closeSync, constants, existsSync, lstatSync, openSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../model/errors.ts';

/**
 * Checks, before any work is done, that a report can be written where the user asked: a name (not
 * empty), not a folder, into a folder that exists and may be written (a typo should not create
 * folders up to the root), and not one of the inputs (a report must never overwrite a program).
 * Throws `UserError` naming the option.
 */
export function checkOutputPath(option: string, path: string, inputs: readonly string[] = []): void {
  if (path.trim() === '') throw new UserError('BAD_OPTION', `${option}: give a file name (it is empty)`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UserError('BAD_OPTION', `${option} ${path} is a folder; give a file name`);
  const folder = dirname(resolve(path));
  if (!existsSync(folder)) throw new UserError('BAD_OPTION', `${option} ${path}: the folder ${folder} does not exist`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new UserError('BAD_OPTION', `${option} ${path}: the folder ${folder} cannot be written`);
  }
  const target = realTarget(path);
  for (const input of inputs) {
    if (existsSync(input) && realTarget(input) === target) throw new UserError('BAD_OPTION', `${option} ${path} is an input of this search; a report must not overwrite it`);
  }
}

/** Checks that reports asked for do not name one file twice (each would overwrite the other). */
export function checkDistinctOutputs(outputs: readonly (readonly [string, string | undefined])[]): void {
  const seen = new Map<string, string>();
  for (const [option, path] of outputs) {
    if (!path) continue;
    const key = realTarget(path);
    const earlier = seen.get(key);
    if (earlier) throw new UserError('BAD_OPTION', `${earlier} and ${option} both name ${path}: give each report its own file`);
    seen.set(key, option);
  }
}

/** The file a path ends up writing: a symlink's target, resolved (the path itself if it does not exist yet). */
function realTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Where a symlink points, even when that file does not exist yet (a dangling link is written through). */
function linkTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(dirname(path), readlinkSync(path));
  }
}

/**
 * Writes a report atomically: a reader sees the old file or the whole new one, never half of it. A
 * path that is a symbolic link keeps being one: the file it points to is replaced.
 */
export function writeFileAtomic(path: string, content: string | Iterable<string>): void {
  const final = isSymlink(path) ? linkTarget(path) : path;
  const tmp = `${final}.tmp-${process.pid}`;
  try {
    if (typeof content === 'string') writeFileSync(tmp, content);
    else {
      // Written piece by piece (a report too large to be one string); buffered into large writes.
      const fd = openSync(tmp, 'w');
      try {
        let buffer = '';
        for (const piece of content) {
          buffer += piece;
          if (buffer.length >= 1 << 20) (writeSync(fd, buffer), (buffer = ''));
        }
        if (buffer) writeSync(fd, buffer);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(tmp, final);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
