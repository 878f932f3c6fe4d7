import type { Violation } from '../../model/target.ts';
import type { Finding, Invariant, RunView } from './outputs.ts';
import { runWatched } from './watchdog.ts';

/** What the invariants said of one run: their violations, and the checks that could not be made. */
export interface InvariantOutcome {
  readonly violations: readonly Violation[];
  /** One sentence per invariant that threw or never returned, naming it. */
  readonly unknown: readonly string[];
  /** Some invariant read a time of the run (an output's `at`, `endTime`, `stoppedAtTimeBound`), when watched. */
  readonly readTimes?: boolean;
}

/** How reports name an invariant: its function name, else its place in the list (`#2`). */
export function invariantName(inv: Invariant, i: number): string {
  return inv.name ? `invariant ${inv.name}` : `invariant #${i + 1}`;
}

/**
 * Runs the invariants of a protocol or system on one run's view, inside the run's own watchdog (the
 * invariants are part of the run: one that never returns must not hang ldfi). It keeps its place,
 * so that when the watchdog stops it, `stopped` names the invariant that did not return.
 * Jepsen's rule (`check-safe`): an invariant that throws is unknown, never a violation nor a pass.
 */
export class InvariantCheck {
  private violations: Violation[] = [];
  private unknown: string[] = [];
  private running: number | undefined;

  constructor(private readonly invariants: readonly Invariant[]) {}

  /** Every invariant on `view`, in order. Call under a watchdog (`runWatched`), or use `checkWatched`. */
  check(view: RunView): InvariantOutcome {
    this.violations = [];
    this.unknown = [];
    this.invariants.forEach((inv, i) => {
      this.running = i;
      try {
        const found: unknown = inv(view);
        if (found == null || typeof found === 'string' || typeof (found as Iterable<unknown>)[Symbol.iterator] !== 'function') {
          throw new Error(`returned ${found === null ? 'null' : typeof found}, not a list of violations`);
        }
        for (const message of found as Iterable<unknown>) this.violations.push(toViolation(message));
      } catch (e) {
        // A check that cannot run proves nothing either way: unknown, ranked below a violation.
        this.unknown.push(`${invariantName(inv, i)} threw: ${(e as Error)?.message ?? String(e)}`);
      }
    });
    this.running = undefined;
    return { violations: this.violations, unknown: this.unknown };
  }

  /**
   * What a check stopped by its watchdog leaves (`end`: the budget ran out, or Ctrl-C): what the
   * invariants before it found, and the one running as unknown.
   */
  stopped(end: 'timeout' | 'interrupted', budgetMs: number): InvariantOutcome {
    const i = this.running ?? 0;
    const name = this.invariants[i] ? invariantName(this.invariants[i], i) : 'the invariants';
    const why = end === 'timeout' ? `did not return within ${budgetMs.toLocaleString('en-US')} ms (a loop that never ends?)` : 'was interrupted (Ctrl-C)';
    this.running = undefined;
    return { violations: this.violations, unknown: [...this.unknown, `${name} ${why}`] };
  }

  /** `check` under its own watchdog of `budgetMs` (runs made outside a simulation job: tcp, traces). */
  checkWatched(view: RunView, budgetMs: number, breakOnSigint = false): InvariantOutcome {
    let outcome: InvariantOutcome | undefined;
    const end = runWatched(() => void (outcome = this.check(view)), budgetMs, breakOnSigint);
    return end === 'done' && outcome ? outcome : this.stopped(end === 'done' ? 'timeout' : end, budgetMs);
  }
}

/** A string as itself; a `Finding` with its evidence (values as JSON text); anything else as JSON. */
function toViolation(found: unknown): Violation {
  if (typeof found === 'string') return { key: found, message: found };
  const f = found as Finding | null;
  if (f && typeof f === 'object' && typeof f.message === 'string') {
    const items = (list: Finding['outputs']) => (Array.isArray(list) ? list.map((x) => ({ node: String(x.node), at: Number(x.at), value: JSON.stringify(x.value) ?? 'undefined' })) : []);
    const hasItems = Array.isArray(f.outputs) || Array.isArray(f.inputs);
    return { key: f.message, message: f.message, ...(hasItems || f.kind ? { evidence: { kind: String(f.kind ?? 'violation'), outputs: items(f.outputs), inputs: items(f.inputs) } } : {}) };
  }
  const text = JSON.stringify(found) ?? String(found);
  return { key: text, message: text };
}
