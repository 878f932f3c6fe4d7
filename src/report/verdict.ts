import { runCount, uncheckedText, type SearchResult } from '../search/result.ts';
import { DEFAULT_FAIL_STATUSES, faultModel, kindsInWords } from '../model/fault-model.ts';
import type { FaultKind } from '../model/faults.ts';

/**
 * The one wording of a search's verdict, used by the terminal, HTML, JUnit and JSON alike, so that no
 * report can look greener than another. `proven` is true only for a proof of resilience within the
 * bounds (LDFI with a target that tracks absences, or exhaustive search).
 */
export interface Verdict {
  /** ✓ proven resilient, ✗ counterexample or no verdict, • nothing found but nothing proven. */
  readonly mark: '✓' | '✗' | '•';
  readonly headline: string;
  /** Why a search that found nothing is not a proof (absent when it is one, or found something). */
  readonly caveat?: string;
  readonly proven: boolean;
}

/**
 * The bounds in one line, the same in every report: `EOT 20, EFF 4, crashes 0, nodes p,b,c`, then the
 * kinds searched (always: on sim and tcp omissions and crashes alone are a narrowed search, which a
 * new user could not tell from the header) and the longest delay if any.
 */
export function boundsText(b: SearchResult['bounds'], restriction?: string): string {
  const kinds = b.kinds ? `, kinds ${kindsSearched(b, restriction)}` : '';
  const delays = b.maxDelay ? `, delays up to ${b.maxDelay}` : '';
  const statuses = coveredKinds(b, restriction).includes('fail') ? `, failed with ${(b.failStatuses?.length ? b.failStatuses : DEFAULT_FAIL_STATUSES).join(',')}` : '';
  return `EOT ${b.eot}, EFF ${b.eff}, crashes ${b.crashes}, nodes ${b.nodes.join(',')}${kinds}${delays}${statuses}`;
}

/**
 * The kinds asked for, those the bounds leave no room for set apart with the bound that stops them
 * (`omit; crash, restart off: crashes 0`): the header says what the verdict covers.
 */
function kindsSearched(b: SearchResult['bounds'], restriction?: string): string {
  const effective = coveredKinds(b, restriction);
  // A targeted space names its kinds: the others are not searched, and not said to be.
  const off = (b.kinds ?? []).filter((k) => !effective.includes(k) && allowedBy(restriction, k));
  if (off.length === 0) return effective.join(',');
  const why = [
    ...(b.crashes === 0 && off.some((k) => k === 'crash' || k === 'restart') ? ['crashes 0'] : []),
    ...(off.includes('delay') && !b.maxDelay ? ['no longest delay'] : []),
  ];
  return `${effective.join(',') || 'none'}; ${off.join(', ')} off${why.length ? `: ${why.join(', ')}` : ' within these bounds'}`;
}

/**
 * Where lineage is conservative (nodes that keep state ldfi cannot see, processes that pass no trace
 * id along), in words for every report; undefined where it is precise everywhere. It narrows no
 * verdict: the footprint covers every fault either way; only explanations name more.
 */
/** The kinds a search covers: those the bounds leave room for, and within a targeted space (`--only-faults`) those its entries name. */
function coveredKinds(b: SearchResult['bounds'], restriction?: string): FaultKind[] {
  return faultModel(b).effectiveKinds.filter((k) => allowedBy(restriction, k));
}

/** Whether a targeted space (its text: entries `kind:where` separated by `;`) has an entry of this kind; any kind without one. */
function allowedBy(restriction: string | undefined, kind: FaultKind): boolean {
  return restriction === undefined || restriction.split(';').some((e) => e.trim().split(':')[0].trim() === kind);
}

export function lineageText(t: SearchResult['target']): string | undefined {
  const nodes = t.conservativeLineage;
  if (!nodes?.length) return undefined;
  const why = t.kind === 'tcp' ? 'actions that carry no trace id' : 'state kept outside ctx.state';
  return `conservative at ${nodes.join(', ')} (${why}): their outputs are explained by all they saw before; the verdict covers every fault all the same`;
}

export function verdictOf(r: SearchResult): Verdict {
  const runs = plural(runCount(r), 'run');
  // The seed matters to the random strategy and to every run of a simulated network.
  const seeded = r.strategy === 'random' || r.target.seeded ? `, seed ${r.seed}` : '';
  const strategy = (r.strategy === 'ldfi' ? plural(r.hypotheses, 'hypothesis', 'hypotheses') : `strategy ${r.strategy}`) + seeded;
  const cexes = plural(r.counterexamples.length, 'counterexample');
  // A targeted space proves (or finds) only within itself: every headline says which.
  const within =
    (r.restriction ? `within the bounds and the targeted space '${r.restriction}'` : 'within the bounds') + (r.outcomePattern ? `, for the outcomes matching '${r.outcomePattern}'` : '');
  // What a proof covers: the kinds of fault searched that the bounds leave room for.
  const kinds = coveredKinds(r.bounds, r.restriction);
  const resilient = `resilient to ${kinds.length ? kindsInWords(kinds) : 'no fault (the bounds allow none)'}`;
  switch (r.status) {
    case 'counterexample':
      return { mark: '✗', headline: `${cexes} after ${runs} (${strategy})`, proven: false };
    case 'resilient':
      if (r.strategy === 'exhaustive') return { mark: '✓', headline: `${resilient} ${within}: all ${runs} of the fault space passed (exhaustive)`, proven: true };
      // Opaque nodes: the proof is that every fault set within the bounds changes nothing or is one made.
      // A simulated network's proof holds for the delivery order of its seed; --seeds searches others.
      if (r.target.footprints && r.target.seeded) {
        const orders = /[.,]/.test(r.seed) ? `in the delivery orders of seeds ${r.seed}` : `in seed ${r.seed}'s delivery order (--seeds for others)`;
        return { mark: '✓', headline: `${resilient} ${within}, ${orders}: every fault set is equivalent to one of the ${runs} made, and none broke the invariant (${strategy}, no hypothesis left)`, proven: true };
      }
      if (r.target.footprints) return { mark: '✓', headline: `${resilient} ${within}: every fault set is equivalent to one of the ${runs} made, and none broke the invariant (${strategy}, no hypothesis left)`, proven: true };
      return { mark: '✓', headline: `${resilient} ${within}: no fault set can break a good outcome (${runs}, ${strategy}, no hypothesis left)`, proven: true };
    case 'no-counterexample-found':
      return { mark: '•', headline: `no counterexample found ${within} (${runs}, ${strategy}); not a proof: ${r.reason}${alsoUnchecked(r)}`, caveat: r.reason + alsoUnchecked(r), proven: false };
    case 'budget-exhausted': {
      const budget = r.budget === 'time' ? 'the time budget stopped the search first' : 'the run budget stopped the search first';
      return { mark: '•', headline: `no counterexample in ${runs} (${strategy}); ${budget}, so this is not a proof of resilience${alsoUnchecked(r)}`, caveat: budget + alsoUnchecked(r), proven: false };
    }
    case 'interrupted':
      return { mark: '•', headline: `interrupted after ${runs} (${strategy}); ${cexes} found before that${alsoUnchecked(r)}`, caveat: `interrupted before the search ended${alsoUnchecked(r)}`, proven: false };
    case 'internal-error':
      return { mark: '✗', headline: `no verdict: ldfi failed after ${runs} (${strategy}); ${cexes} found before that`, caveat: `ldfi failed: ${r.error}`, proven: false };
  }
}

/**
 * Runs that could not be checked, said wherever nothing was proven — unless the reason already is
 * exactly that — so that a budget or Ctrl-C never hides them.
 */
function alsoUnchecked(r: SearchResult): string {
  if (!r.unchecked) return '';
  const text = uncheckedText(r.unchecked);
  return r.status === 'no-counterexample-found' && r.reason.includes(text.slice(0, text.indexOf(';'))) ? '' : `; and ${text}`;
}

/** `1 run`, `2 runs`, `9,604 runs`: thousands separated, as everywhere ldfi prints a count. */
/**
 * What a search attacked, in words every report shares: its good outcomes and watched potential
 * violations; for opaque code (footprints), also that every fault that could change a run was tried,
 * so that "0 good outcomes" never reads as "nothing was checked".
 */
export function attackedText(outcomes: readonly string[], strategy: string, footprints: boolean | undefined): string {
  const good = outcomes.filter((o) => !o.startsWith('not:')).length;
  const watched = outcomes.length - good;
  const parts = [good || !footprints ? `${plural(good, 'good outcome')} attacked` : 'no good outcome to attack'];
  if (watched) parts.push(`${plural(watched, 'potential violation')} watched`);
  if (footprints && strategy === 'ldfi') parts.push("every fault that could change a run tried (the runs' footprints)");
  return parts.join(', ');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
