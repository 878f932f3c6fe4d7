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

/** The command line's program, run in this process (`cli`): loaded once. */
let program: Promise<typeof import('../../bin/program.ts')> | undefined;

/**
 * Runs a command in this process, as `ldfi` would in its own (the same options, actions, reports and
 * exit code), for tests of what the command does: no process start, no compile. Tests of the
 * process itself (signals, exit handlers, what happens outside the main promise chain) use `ldfi`.
 * Output is captured while it runs; the working folder, environment and exit code are restored.
 */
export async function cli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const env: Record<string, string> = { LDFI_COMMAND: 'node bin/ldfi.js', LDFI_DEBUG: '', ...opts.env };
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const { main } = await (program ??= import('../../bin/program.ts'));
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  const cwd = process.cwd();
  const exitCode = process.exitCode;
  let code: number;
  try {
    process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
    if (opts.cwd) process.chdir(opts.cwd);
    code = await main(args);
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.chdir(cwd);
    process.exitCode = exitCode;
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  if (code !== 2) checkJsonReports(args, opts.cwd ?? REPO);
  const stderr = opts.env?.LDFI_STATUS_EVERY_MS === undefined ? err.join('').replace(/^ldfi: status: .*\n/gm, '') : err.join('');
  return { code, stdout: out.join(''), stderr };
}
