import type { Target } from '../model/target.ts';
import { qualifySearchOptions, type RawSearchOptions } from './options.ts';
import { searchOnce } from './once.ts';
import { searchSeeds } from './sweep.ts';
import type { SearchObserver } from './recorder.ts';
import type { SearchResult } from './result.ts';

export type { SearchResult, RunRecord, Counterexample, Strategy } from './result.ts';
export type { SearchObserver } from './recorder.ts';

/**
 * Searches a target for counterexamples with the chosen strategy (LDFI by default).
 * Throws `UserError` for bad input; any other failure ends the search with status `internal-error`,
 * keeping what was found before it.
 */
export async function search(target: Target, raw: RawSearchOptions = {}, observer?: SearchObserver): Promise<SearchResult> {
  const options = qualifySearchOptions(target, raw);
  target.beginRuns?.();
  try {
    if (options.seeds) return await searchSeeds(target, options.seeds, raw, observer);
    return await searchOnce(target, options, observer);
  } finally {
    await target.endRuns?.();
  }
}

