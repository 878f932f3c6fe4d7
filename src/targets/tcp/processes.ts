import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';

/**
 * Every process a tcp run started and has not seen exit. Each is the leader of its own process
 * group, so a kill reaches what it started too. If ldfi itself ends (an internal error, a test
 * failing), the exit hook kills what is left; a signal that would end ldfi without running exit hooks
 * (SIGTERM, SIGHUP, or SIGINT when nothing else handles it) kills them first, then ends ldfi as the
 * signal would have. Only SIGKILL of ldfi itself can leave them running.
 */
const live = new Set<ChildProcess>();
/** Temporary directories of runs in progress, removed with the processes if ldfi ends first. */
const dirs = new Set<string>();
let hooked = false;

export function track(child: ChildProcess): void {
  live.add(child);
  if (!hooked) {
    hooked = true;
    process.once('exit', killAll);
    for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
      const onSignal = () => {
        // Someone else (the CLI) handles it and ends the runs, which clean up.
        if (process.listenerCount(signal) > 1) return;
        killAll();
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      };
      process.on(signal, onSignal);
    }
  }
}

export function untrack(child: ChildProcess): void {
  live.delete(child);
}

export function trackDir(dir: string): void {
  dirs.add(dir);
}

export function untrackDir(dir: string): void {
  dirs.delete(dir);
}

/** Kills (SIGKILL) every tracked process group and removes the tracked directories; synchronous, so it can run in an exit hook. */
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
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

/** How many processes ldfi is running now (tests check it returns to zero). */
export function liveProcesses(): number {
  return live.size;
}

/**
 * Whether a thread of one of these processes is running or waiting for a core (Linux /proc task
 * states R and D). Elsewhere, or for a process already gone, nothing is known: false.
 */
export function anyRunnable(pids: readonly (number | undefined)[]): boolean {
  for (const pid of pids) {
    if (pid === undefined) continue;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
        // The state follows the command, which is in parentheses and may hold spaces.
        const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        if (state === 'R' || state === 'D') return true;
      } catch {
        // The thread ended.
      }
    }
  }
  return false;
}

/**
 * Whether bytes wait in the kernel on a loopback TCP connection touching one of `ports`: written and
 * not yet read (a receive queue), or not yet passed on (a send queue). A process that was sent a
 * message but has not been scheduled to read it looks silent and asleep; its socket does not.
 * From /proc/net/tcp and tcp6 (Linux); elsewhere, nothing is known to wait.
 */
export function bytesWaiting(ports: ReadonlySet<number>): boolean {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'latin1');
    } catch {
      continue;
    }
    const lines = text.split('\n');
    for (let i = 1; i < lines.length; i++) {
      // sl local_address rem_address st tx_queue:rx_queue …; addresses are hex ip:port.
      const cols = lines[i].trim().split(/\s+/);
      if (cols.length < 5) continue;
      const local = parseInt(cols[1].slice(cols[1].lastIndexOf(':') + 1), 16);
      const remote = parseInt(cols[2].slice(cols[2].lastIndexOf(':') + 1), 16);
      if (!ports.has(local) && !ports.has(remote)) continue;
      const [tx, rx] = cols[4].split(':').map((h) => parseInt(h, 16));
      if (tx > 0 || rx > 0) return true;
    }
  }
  return false;
}
