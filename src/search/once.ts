import { errorText, isUserError, UserError } from '../model/errors.ts';
import type { Target } from '../model/target.ts';
import { exhaustiveSearch } from './exhaustive.ts';
import { ldfiSearch } from './ldfi.ts';
import { mollySearch } from './molly.ts';
import type { SearchOptions } from './options.ts';
import { randomSearch } from './random.ts';
import { SearchRecorder, type SearchObserver } from './recorder.ts';
import type { SearchResult } from './result.ts';

/** One search of one target with qualified options (a sweep makes one per seed). */
export async function searchOnce(target: Target, options: SearchOptions, observer?: SearchObserver): Promise<SearchResult> {
  // An invariant no run within the bounds can evaluate: no search, however long, would mean anything.
  const vacuous = target.neverEvaluable?.();
  if (vacuous) throw new UserError('BAD_PROGRAM', vacuous);
  const rec = new SearchRecorder(target, options, observer);
  try {
    return await strategyOf(options.strategy)(rec);
  } catch (e) {
    // Bad input found mid-search (a program that diverges only under faults) is still the user's.
    if (isUserError(e)) throw e;
    return rec.failed(errorText(e));
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

