/**
 * Resilience as a test assertion (`import { expectResilient } from 'ldfi/vitest'`, for vitest or any
 * runner that fails a test on a thrown error):
 *
 * ```ts
 * it('the broadcast survives one lost message', async () => {
 *   await expectResilient('protocols/broadcast.ts', { eot: 40, eff: 10, crashes: 0 });
 * });
 * ```
 *
 * A counterexample fails the test with its fault set, the violations and the replay line, as
 * fast-check prints a failing property's counterexample; so does any search that proved nothing.
 */
import { violationText } from './report/text.ts';
import { formatFaults } from './injector/text.ts';
import type { Target } from './model/target.ts';
import { verdictOf } from './report/verdict.ts';
import type { SearchResult } from './search/index.ts';
import { openTarget, search, type OpenOptions, type SearchOptions } from './index.ts';

/** Thrown when a search does not prove resilience; carries the search's result. */
export class ResilienceError extends Error {
  constructor(
    message: string,
    readonly result: SearchResult,
  ) {
    super(message);
    this.name = 'ResilienceError';
  }
}

/**
 * Searches `target` (files, or a target already open) and returns the result if it proved resilience
 * within the bounds; otherwise throws `ResilienceError` with a message a test report can show. The
 * default strategy is LDFI and the default seed `'1'`, so a failure replays.
 */
export async function expectResilient(target: string | readonly string[] | Target, options: OpenOptions & SearchOptions = {}): Promise<SearchResult> {
  const t = typeof target === 'string' || Array.isArray(target) ? await openTarget(target as string | readonly string[], options) : (target as Target);
  // A simulated network runs the seed it was opened with (openTarget's default '1'); the others take '1' for the random strategy.
  const result = await search(t, { ...(t.capabilities.seeded ? {} : { seed: '1' }), ...options });
  if (result.status === 'resilient') return result;
  throw new ResilienceError(failureMessage(result), result);
}

function failureMessage(r: SearchResult): string {
  const b = r.bounds;
  const head = `ldfi: ${r.target.files.join(' ')} is not proven resilient within EOT ${b.eot}, EFF ${b.eff}, ${b.crashes} crash${b.crashes === 1 ? '' : 'es'}`;
  const verdict = verdictOf(r);
  const lines = [head, `  ${verdict.mark} ${verdict.headline}`];
  r.counterexamples.slice(0, 3).forEach((c, i) => {
    lines.push('', `  Counterexample ${i + 1} (found at run ${c.foundAtRun}): ${formatFaults(c.faults)}`);
    for (const v of c.violations) lines.push(`    violated: ${violationText(v, c.faults)}`);
    if (c.error) lines.push(`    error:    ${c.error}`);
    lines.push(`    replay:   ${c.replay}`);
  });
  if (r.counterexamples.length > 3) lines.push(`  … and ${r.counterexamples.length - 3} more`);
  return lines.join('\n');
}
