/** What bin/ldfi.ts (options) and bin/actions.ts (command bodies) share: exit codes, limits, flags. */
import type { FaultKind } from '../src/model/faults.ts';
import type { FaultRestriction } from '../src/injector/restriction.ts';
import type { OutcomePattern } from '../src/search/outcome-pattern.ts';
import { DEFAULT_COMMAND } from '../src/model/shell.ts';

export const EXIT = { ok: 0, counterexample: 1, usage: 2, internal: 3 } as const;
// LDFI_COMMAND lets tests print replay lines they can run directly (`node bin/ldfi.js`).
export const COMMAND = process.env.LDFI_COMMAND ?? DEFAULT_COMMAND;

export interface BoundsFlags {
  eot?: number;
  eff?: number;
  crashes?: number;
  seed?: string;
  nodes?: string[];
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
  faultKinds: FaultKind[];
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


/**
 * Ctrl-C during a search: the first stops it after the current run, keeping what was found (reports
 * are still written); the second quits at once (exit 130). `release` removes the handler.
 */
export function catchCtrlC(): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nldfi: interrupted; finishing the current run and writing what was found (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { controller, release: () => process.off('SIGINT', onSigint) };
}
