import { errorText, isUserError } from '../model/errors.ts';
import type { Target } from '../model/target.ts';
import { exhaustiveSearch } from './exhaustive.ts';
import { ldfiSearch } from './ldfi.ts';
import { mollySearch } from './molly.ts';
import { qualifySearchOptions, type RawSearchOptions, type SearchOptions } from './options.ts';
import { collectDetails, emptyLimits } from './details.ts';
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
  let result: SearchResult;
  try {
    result = await strategyOf(options.strategy)(rec);
  } catch (e) {
    // Bad input found mid-search (a program that diverges only under faults) is still the user's.
    if (isUserError(e)) throw e;
    result = rec.failed(errorText(e));
  }
  // What reports draw. After Ctrl-C or a failure of ldfi, nothing is run again: only what was recorded.
  const rerun = result.status !== 'interrupted' && result.status !== 'internal-error' && !rec.interrupted;
  try {
    return { ...result, details: await collectDetails(rec, result, rerun) };
  } catch (e) {
    if (isUserError(e)) throw e;
    // The verdict stands; the reports say that their drawings are missing, and why.
    return { ...result, details: { runs: [], lineage: [], limits: emptyLimits(), error: errorText(e) } };
  }
}

function strategyOf(strategy: SearchOptions['strategy']): (rec: SearchRecorder) => Promise<SearchResult> {
  switch (strategy) {
    case 'ldfi':
      return ldfiSearch;
    case 'random':
      return randomSearch;
    case 'exhaustive':
      return exhaustiveSearch;
    case 'molly':
      return mollySearch;
    case 'causal':
      return (rec) => ldfiSearch(rec, 'causal');
  }
}

