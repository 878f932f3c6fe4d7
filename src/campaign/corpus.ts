import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFaults } from '../injector/text.ts';
import type { Bounds } from '../model/bounds.ts';
import { UserError } from '../model/errors.ts';
import type { FaultSet } from '../model/faults.ts';
import { writeFileAtomic } from '../report/write.ts';

/**
 * A counterexample kept in the regression corpus (one JSON file per entry, in a folder the user
 * commits): what to run again, and what it showed when it was found.
 */
export interface CorpusEntry {
  readonly format: 'ldfi-corpus';
  readonly version: 1;
  /** The case it was found by (campaign name with the bounds of a sweep). */
  readonly case: string;
  readonly files: readonly string[];
  /** The target's content hash when it was found: a different one means the target changed. */
  readonly contentHash: string;
  readonly bounds: Bounds;
  readonly seed: string;
  /** The fault schedule as text (`omit a→b @1; crash c @3`). */
  readonly faults: string;
  readonly violations: readonly string[];
  readonly foundAt: string;
}

/** What replaying a corpus entry showed. */
/** `unchecked`: the replay could not be checked (an invariant threw or never returned): not fixed. */
export type CorpusVerdict = 'still failing' | 'fixed' | 'unchecked' | 'stale';

/** The entries in `dir` (none if it does not exist); a file that is not an entry is a `UserError` naming it. */
export function readCorpus(dir: string): { path: string; entry: CorpusEntry }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      let entry: CorpusEntry;
      try {
        entry = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        throw new UserError('FILE', `${path}: not a corpus entry (not JSON)`);
      }
      if (entry?.format !== 'ldfi-corpus' || entry.version !== 1 || typeof entry.faults !== 'string' || !Array.isArray(entry.files)) {
        throw new UserError('FILE', `${path}: not a corpus entry (format ldfi-corpus, version 1, with files and faults)`);
      }
      return { path, entry };
    });
}

/** Saves a counterexample unless the corpus has it already; returns the file written, if any. */
export function saveToCorpus(dir: string, c: { case: string; files: readonly string[]; contentHash: string; bounds: Bounds; seed: string; faults: FaultSet; violations: readonly string[] }): string | undefined {
  const faults = formatFaults(c.faults);
  const id = createHash('sha256').update(`${c.case}\n${JSON.stringify(c.bounds)}\n${c.seed}\n${faults}`).digest('hex').slice(0, 12);
  const path = join(dir, `${c.case}-${id}.json`);
  if (existsSync(path)) return undefined;
  mkdirSync(dir, { recursive: true });
  const entry: CorpusEntry = {
    format: 'ldfi-corpus',
    version: 1,
    case: c.case,
    files: c.files,
    contentHash: c.contentHash,
    bounds: c.bounds,
    seed: c.seed,
    faults,
    violations: c.violations,
    foundAt: new Date().toISOString(),
  };
  writeFileAtomic(path, JSON.stringify(entry, null, 2) + '\n');
  return path;
}
