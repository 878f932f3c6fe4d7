import { errorText, isUserError } from '../model/errors.ts';
import type { Target } from '../model/target.ts';
import { exhaustiveSearch } from './exhaustive.ts';
import { ldfiSearch } from './ldfi.ts';
import { mollySearch } from './molly.ts';
import { qualifySearchOptions, type RawSearchOptions } from './options.ts';
import { randomSearch } from './random.ts';
import { SearchRecorder, type SearchObserver } from './recorder.ts';
import type { SearchResult } from './result.ts';

export type { SearchResult, RunRecord, Counterexample, Strategy } from './result.ts';
export type { SearchObserver } from './recorder.ts';

/**
 * Searches a target for counterexamples with the chosen strategy (LDFI by default).
 * Throws `UserError` for bad input; any other failure ends the search with status `internal-error`,
 * keeping what was found before it.
 */
export async function search(target: Target, raw: RawSearchOptions = {}, observer?: SearchObserver): Promise<SearchResult> {
  const options = qualifySearchOptions(raw);
  const rec = new SearchRecorder(target, options, observer);
  try {
    switch (options.strategy) {
      case 'ldfi':
        return await ldfiSearch(rec);
      case 'random':
        return await randomSearch(rec);
      case 'exhaustive':
        return await exhaustiveSearch(rec);
      case 'molly':
        return await mollySearch(rec);
      case 'causal':
        return await ldfiSearch(rec, 'causal');
    }
  } catch (e) {
    // Bad input found mid-search (a program that diverges only under faults) is still the user's.
    if (isUserError(e)) throw e;
    return rec.failed(errorText(e));
  }
}

