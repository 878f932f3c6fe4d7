import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaErrors } from './report-schema.ts';
import { ms } from './time.ts';

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
    // A hang guard, scaled on a slow machine (time.ts).
    timeout: ms(opts.timeoutMs ?? 120_000),
    env: { ...process.env, LDFI_COMMAND: 'node bin/ldfi.js', LDFI_DEBUG: '', ...opts.env },
  });
  // Exit 2 writes no report (a usage error).
  if (r.status !== 2) checkJsonReports(args, opts.cwd ?? REPO);
  // The status line a log gets every 10 s appears only on a slow run: tests that want it set its interval.
  const stderr = opts.env?.LDFI_STATUS_EVERY_MS === undefined ? r.stderr.replace(/^ldfi: status: .*\n/gm, '') : r.stderr;
  return { code: r.status, stdout: r.stdout, stderr };
}

/**
 * Every JSON report a command of the suite writes must follow docs/report.schema.json: a report
 * named by --json is checked as soon as the command has run.
 */
function checkJsonReports(args: readonly string[], cwd: string): void {
  const i = args.indexOf('--json');
  if (i < 0 || !args[i + 1]) return;
  const file = isAbsolute(args[i + 1]) ? args[i + 1] : join(cwd, args[i + 1]);
  if (!existsSync(file) || !statSync(file).isFile()) return;
  const errors = schemaErrors(JSON.parse(readFileSync(file, 'utf8')));
  if (errors.length) throw new Error(`${file} breaks docs/report.schema.json:\n${errors.join('\n')}`);
}

/** Splits a printed replay line into arguments (handles the single quotes ldfi uses). */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]);
  return out;
}
