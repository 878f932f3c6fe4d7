import { DEFAULT_RUN_BUDGET_MS, runWatched } from '../code/watchdog.ts';
import type { CodeExecution, RunChecker } from '../code/execution.ts';
import type { Protocol } from './api.ts';
import { World, type SimOptions } from './world.ts';

export type { SimOptions } from './world.ts';


/**
 * Discrete-event simulation in virtual time: a run of many simulated seconds takes milliseconds, and
 * every choice (latency, randomness, clock, faults) comes from the seed and the schedule.
 */
export function simulate(protocol: Protocol, opts: SimOptions): CodeExecution {
  return simulateMany(protocol, [opts])[0];
}

/** Real ms a run may take before it counts as slow and is made again alone, interruptible by Ctrl-C (`simulateWatched`). */
export const QUICK_MS = 1000;

/**
 * Several runs under one watchdog: starting a watchdog costs more than a small run (~0.2 ms), so runs
 * are made back to back until `sliceMs` of real time has passed; the caller asks again for the rest.
 * A run that takes longer than `QUICK_MS` (or its budget, if shorter) is stopped and returned as
 * `slow`, not made: the caller makes it again alone with `simulateWatched`, which gives it its whole
 * budget (`Protocol.runBudgetMs`) and lets Ctrl-C stop it. Returns the runs made before it (at least
 * one, unless the first is slow). A protocol whose whole budget is under `QUICK_MS` had it here:
 * its run that timed out is final, returned as done (its error, or its invariant unknown).
 */
export function simulateQuick(protocol: Protocol, list: readonly SimOptions[], sliceMs = 50, checker?: RunChecker): { done: CodeExecution[]; slow?: SimOptions } {
  const budget = protocol.runBudgetMs ?? DEFAULT_RUN_BUDGET_MS;
  const done: CodeExecution[] = [];
  let current: SimOptions | undefined;
  let world: World | undefined;
  // The run itself, once it ended and its invariants are being checked.
  let ran: CodeExecution | undefined;
  const t0 = performance.now();
  const end = runWatched(() => {
    for (const opts of list) {
      if (done.length > 0 && performance.now() - t0 > sliceMs) return;
      current = opts;
      ran = undefined;
      world = undefined;
      world = new World(protocol, opts, budget);
      world.begin();
      world.drain();
      ran = world.finish('done');
      done.push(checked(ran, checker));
      current = undefined;
    }
  }, Math.min(budget, QUICK_MS) + sliceMs);
  if (end === 'done' || !current) return { done };
  // Every run of a batch starts within sliceMs, so a budget under QUICK_MS was spent whole in this
  // pass: the timeout is final (making the run again alone would only spend it twice).
  if (end === 'timeout' && budget <= QUICK_MS && world) {
    done.push(ran && checker ? { ...ran, checked: checker.stopped('timeout', budget) } : world.finish('timeout'));
    return { done };
  }
  return { done, slow: current };
}

/** One run under its whole budget, which Ctrl-C can stop (a run `simulateQuick` found slow). */
export function simulateWatched(protocol: Protocol, opts: SimOptions, checker?: RunChecker): CodeExecution {
  const budget = protocol.runBudgetMs ?? DEFAULT_RUN_BUDGET_MS;
  const run = new World(protocol, opts, budget);
  let ran: CodeExecution | undefined;
  let result: CodeExecution | undefined;
  const end = runWatched(() => {
    run.begin();
    run.drain();
    ran = run.finish('done');
    result = checked(ran, checker);
  }, budget, true);
  if (end === 'done' && result) return result;
  // Stopped in an invariant: the run itself is whole; the invariant that did not return is unknown.
  if (ran && checker && end === 'timeout') return { ...ran, checked: checker.stopped(end, budget) };
  return run.finish(end === 'done' ? 'timeout' : end);
}

/** The execution with its invariants' verdict, when there is a checker and the run did not fail first. */
function checked(exec: CodeExecution, checker: RunChecker | undefined): CodeExecution {
  return checker && !exec.error && !exec.interrupted ? { ...exec, checked: checker.check(exec) } : exec;
}

/** A run Ctrl-C stopped before it started: it shows nothing either way. */
export function simulateInterrupted(protocol: Protocol, opts: SimOptions): CodeExecution {
  return new World(protocol, opts, protocol.runBudgetMs ?? DEFAULT_RUN_BUDGET_MS).finish('interrupted');
}

/** Runs in order, each quick or (slow) watched: for single runs and tests, where nothing waits on Ctrl-C in between. */
export function simulateMany(protocol: Protocol, list: readonly SimOptions[], sliceMs = 50, checker?: RunChecker): CodeExecution[] {
  const { done, slow } = simulateQuick(protocol, list, sliceMs, checker);
  return slow ? [...done, simulateWatched(protocol, slow, checker)] : done;
}
