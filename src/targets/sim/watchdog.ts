import vm from 'node:vm';

/**
 * Runs a job under a wall-clock budget, interruptible by Ctrl-C: a protocol handler that never returns
 * would otherwise hang ldfi, with the event loop (and so the SIGINT handler) blocked. V8 stops the job
 * from a watchdog thread; what ran is unwound, so the job keeps its own record of where it was.
 * Node's vm timeout starts a watchdog per call (~70 µs), so it wraps a whole run, not each handler.
 */
const context = vm.createContext({ job: undefined as (() => void) | undefined });
const script = new vm.Script('job()');

export type WatchedEnd = 'done' | 'timeout' | 'interrupted';

export function runWatched(job: () => void, budgetMs: number): WatchedEnd {
  context.job = job;
  try {
    script.runInContext(context, { timeout: budgetMs, breakOnSigint: true });
    return 'done';
  } catch (e) {
    const code = (e as { code?: string })?.code;
    if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timeout';
    if (code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') {
      // The vm took the SIGINT from ldfi's own handler: hand it back, so the search stops as usual.
      setImmediate(() => process.kill(process.pid, 'SIGINT'));
      return 'interrupted';
    }
    throw e;
  } finally {
    context.job = undefined;
  }
}
