import type { ChildProcess } from 'node:child_process';

/**
 * Every process a tcp run started and has not seen exit. Each is the leader of its own process
 * group, so a kill reaches what it started too. If ldfi itself ends (Ctrl-C, an internal error, a
 * test failing), the exit hook kills what is left: no process outlives ldfi.
 */
const live = new Set<ChildProcess>();
let hooked = false;

export function track(child: ChildProcess): void {
  live.add(child);
  if (!hooked) {
    hooked = true;
    process.once('exit', killAll);
  }
}

export function untrack(child: ChildProcess): void {
  live.delete(child);
}

/** Kills (SIGKILL) every tracked process group; synchronous, so it can run in an exit hook. */
export function killAll(): void {
  for (const child of live) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      try {
        child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  live.clear();
}

/** How many processes ldfi is running now (tests check it returns to zero). */
export function liveProcesses(): number {
  return live.size;
}
