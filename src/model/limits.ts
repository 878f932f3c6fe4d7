import { statSync } from 'node:fs';
import { UserError } from './errors.ts';

/** The largest input file ldfi reads (a Dedalus program with its includes, a protocol or system module), in bytes. */
export const MAX_SOURCE_BYTES = 10_000_000;
/** The most nodes a search takes (`--nodes`, or a program's, protocol's or system's own). */
export const MAX_NODES = 256;
/** The largest run budget (`--max-runs`): about 3 KB of JSON report a run, a billion would be terabytes. */
export const MAX_RUNS = 100_000_000;

/**
 * Throws `UserError` naming the file when it is larger than `MAX_SOURCE_BYTES` (alone, or with `before`
 * bytes already read for the same program); returns its size. A file that cannot be read is left to
 * the caller, which names why.
 */
export function checkSourceSize(path: string, what: string, before = 0): number {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return 0;
  }
  if (size + before > MAX_SOURCE_BYTES) {
    const total = before ? ` (${(size + before).toLocaleString('en-US')} bytes with the files read before it)` : '';
    throw new UserError('FILE', `${path}: a ${what} of ${size.toLocaleString('en-US')} bytes${total} is beyond the maximum of ${MAX_SOURCE_BYTES.toLocaleString('en-US')} bytes`);
  }
  return size;
}
