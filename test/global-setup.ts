import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * What the suite must leave as it found it: no process started by a tcp run (they carry LDFI_NODE in
 * their environment), no new listening TCP socket, no temporary directory of ldfi's.
 */
interface Snapshot {
  processes: string[];
  listening: Set<string>;
  tempDirs: Set<string>;
}

function snapshot(): Snapshot {
  const processes: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').some((v) => v.startsWith('LDFI_NODE='))) {
        processes.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim()}`);
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    // Columns: sl local_address rem_address st …; state 0A is LISTEN.
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A') listening.add(`${table.endsWith('6') ? 'tcp6' : 'tcp'} ${cols[1]}`);
    }
  }
  const tempDirs = new Set(readdirSync(tmpdir()).filter((d) => /^\.?ldfi-(tcp|check|proxy-test|runs)-/.test(d)));
  return { processes, listening, tempDirs };
}

let before: Snapshot;

export function setup(): void {
  before = snapshot();
}

export function teardown(): void {
  const after = snapshot();
  const leaks = [
    ...after.processes.filter((p) => !before.processes.includes(p)).map((p) => `process ${p}`),
    ...[...after.listening].filter((l) => !before.listening.has(l)).map((l) => `listening socket ${l}`),
    ...[...after.tempDirs].filter((d) => !before.tempDirs.has(d)).map((d) => `temporary directory ${tmpdir()}/${d}`),
  ];
  // Vitest only reports an error thrown here; the exit code must say it too.
  if (leaks.length) {
    process.exitCode = 1;
    throw new Error(`the test suite left behind:\n  ${leaks.join('\n  ')}`);
  }
}
