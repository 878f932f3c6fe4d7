/** What bin/ldfi.ts (options) and bin/actions.ts (command bodies) share: exit codes, limits, flags. */
import type { FaultKind } from '../src/model/faults.ts';
import type { FaultRestriction } from '../src/injector/restriction.ts';
import type { OutcomePattern } from '../src/search/outcome-pattern.ts';
import { DEFAULT_COMMAND } from '../src/model/shell.ts';
import type { BoundsOptions } from '../src/model/bounds.ts';

/** `unchecked` (4): `ldfi replay` of a run that could not be checked (an invariant threw or never returned): neither holds nor violated. */
export const EXIT = { ok: 0, counterexample: 1, usage: 2, internal: 3, unchecked: 4 } as const;
// LDFI_COMMAND lets tests print replay lines they can run directly (`node bin/ldfi.js`).
export const COMMAND = process.env.LDFI_COMMAND ?? DEFAULT_COMMAND;

export interface BoundsFlags extends BoundsOptions {
  /** `--fail-status` (commander names it after the flag): `failStatuses` of the bounds. */
  failStatus?: number[];
  seed?: string;
  negativeSupport?: boolean;
  include?: string[];
}

export interface RunFlags extends BoundsFlags {
  strategy: 'ldfi' | 'random' | 'exhaustive' | 'molly' | 'causal';
  findAll?: boolean;
  maxRuns?: number;
  seed?: string;
  json?: string;
  junit?: string;
  html?: string;
  timings: boolean;
  faultKinds?: FaultKind[];
  /** Several delivery orders of a simulated network, searched one after the other. */
  seeds?: string[];
  /** One run per class of runs equal up to renaming interchangeable nodes (Dedalus). */
  symmetry?: boolean;
  /** Worker threads for runs (sim); default: the cores. */
  workers?: number;
  /** A targeted fault space (`--only-faults`). */
  onlyFaults?: FaultRestriction;
  /** The outcomes LDFI attacks (`--outcome`, Dedalus). */
  outcome?: OutcomePattern;
}

/** Exit 1 means a counterexample and nothing else: set only where one was found. */
let counterexampleExit = false;

export function exitIsCounterexample(): boolean {
  return counterexampleExit;
}

export function setExit(code: number): void {
  counterexampleExit = code === EXIT.counterexample;
  process.exitCode = code;
}


/** Exit codes of a search cut short by a signal, as shells report them (128 + the signal's number). */
const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

let stoppedBy: string | undefined;

/** The signal that stopped the search under way, if one did (its exit code is 128 + its number). */
export function signalExit(): number | undefined {
  return stoppedBy ? SIGNAL_EXIT[stoppedBy] : undefined;
}

/**
 * Ctrl-C (SIGINT), SIGTERM (what CI runners and `timeout` send) and SIGHUP during a search: the first
 * stops it after the current run, keeping what was found — reports are written, the summary printed,
 * and the exit code is 130, 143 or 129, never 0. A second signal quits at once with that code. So
 * does losing the parent process (`npx` killed): the search never runs on as an orphan.
 * `release` removes the handlers.
 */
export function catchCtrlC(): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  // A new command (tests run several in one process): no signal has stopped this one yet.
  stoppedBy = undefined;
  const stop = (signal: string) => {
    if (controller.signal.aborted) process.exit(SIGNAL_EXIT[signal] ?? 130);
    stoppedBy = signal;
    const how = signal === 'SIGINT' ? 'interrupted' : `stopped by ${signal}`;
    process.stderr.write(`\nldfi: ${how}; finishing the current run and writing what was found (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once)\n`);
    controller.abort();
  };
  const handlers = Object.keys(SIGNAL_EXIT).map((signal) => [signal, () => stop(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  // Orphaned (the parent, e.g. npx, was killed): as if hung up.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent && !controller.signal.aborted) stop('SIGHUP');
  }, 500);
  watch.unref();
  return {
    controller,
    release: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      clearInterval(watch);
    },
  };
}
