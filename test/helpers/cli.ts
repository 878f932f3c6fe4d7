import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const LDFI = ['node', 'bin/ldfi.js'];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real command in the repository folder; replay lines it prints start with `node bin/ldfi.js`. */
export function ldfi(args: string[], opts: { timeoutMs?: number; cwd?: string; env?: Record<string, string> } = {}): CliResult {
  // The script by its full path, so that a test may run ldfi from another folder (cwd).
  const r = spawnSync(LDFI[0], [`${REPO}${LDFI[1]}`, ...args], {
    cwd: opts.cwd ?? REPO,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    env: { ...process.env, LDFI_COMMAND: 'node bin/ldfi.js', LDFI_DEBUG: '', ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Splits a printed replay line into arguments (handles the single quotes ldfi uses). */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]);
  return out;
}
