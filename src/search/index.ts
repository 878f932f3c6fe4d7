import type { Target } from '../model/target.ts';
import { exhaustiveSearch } from './exhaustive.ts';
import { ldfiSearch } from './ldfi.ts';
import { qualifySearchOptions, type RawSearchOptions } from './options.ts';
import { randomSearch } from './random.ts';
import { SearchRecorder, type SearchObserver } from './recorder.ts';
import type { SearchResult } from './result.ts';

export type { SearchResult, RunRecord, Counterexample, Strategy } from './result.ts';
export type { SearchObserver } from './recorder.ts';

/** Searches a target for counterexamples with the chosen strategy (LDFI by default). */
export async function search(target: Target, raw: RawSearchOptions = {}, observer?: SearchObserver): Promise<SearchResult> {
  const options = qualifySearchOptions(raw);
  const rec = new SearchRecorder(target, options, observer);
  switch (options.strategy) {
    case 'ldfi':
      return ldfiSearch(rec);
    case 'random':
      return randomSearch(rec);
    case 'exhaustive':
      return exhaustiveSearch(rec);
  }
}
