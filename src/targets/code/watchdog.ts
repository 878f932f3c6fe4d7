import vm from 'node:vm';

/**
 * Runs a job under a wall-clock budget: a protocol handler that never returns would otherwise hang
 * ldfi, with the event loop (and so the SIGINT handler) blocked. V8 stops the job from a watchdog
 * thread; what ran is unwound, so the job keeps its own record of where it was. Node's vm timeout
 * starts a watchdog per call (~70 µs), so it wraps a whole run (or batch), not each handler.
 *
 * `breakOnSigint` also lets Ctrl-C stop the job. Only for a job already known to be slow: Node swaps
 * its SIGINT handler in and out around each such call, and a Ctrl-C that lands while it swaps is
 * lost or kills the process without a report — with thousands of short runs back to back it
 * was lost about one time in three.
 */
const context = vm.createContext({ job: undefined as (() => void) | undefined });
const script = new vm.Script('job()');

/** Real milliseconds a run of code may compute by default (a protocol's `runBudgetMs`; a tcp run's invariants). */
export const DEFAULT_RUN_BUDGET_MS = 10_000;

export type WatchedEnd = 'done' | 'timeout' | 'interrupted';

export function runWatched(job: () => void, budgetMs: number, breakOnSigint = false): WatchedEnd {
  context.job = job;
  try {
    script.runInContext(context, { timeout: budgetMs, breakOnSigint });
    return 'done';
  } catch (e) {
    const code = (e as { code?: string })?.code;
    if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timeout';
    if (code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') {
      // The vm took the SIGINT from ldfi's own handler: hand it back, so the search stops as usual.
      // Emitted, not raised again: a signal raised again could land in the next run's vm and be
      // taken again (Ctrl-C was lost that way). With no handler, Ctrl-C ends the process, as it would have.
      setImmediate(() => {
        if (process.listenerCount('SIGINT') > 0) process.emit('SIGINT', 'SIGINT');
        else process.exit(130);
      });
      return 'interrupted';
    }
    throw e;
  } finally {
    context.job = undefined;
  }
}
