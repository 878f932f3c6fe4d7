import { fileURLToPath } from 'node:url';
import { relative, sep } from 'node:path';

/** ldfi's own code (from the sources or the build): `process.exit` called from there is ldfi's. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OWN = ['src', 'bin', 'dist'].map((d) => ROOT + d + sep);
/** Any installed package, wherever it is hoisted (a dependency or the test runner): its calls go through. */
const PACKAGE = `${sep}node_modules${sep}`;

let installed = false;

/**
 * Makes `process.exit` called by a user's module (a protocol, an invariant, a system or campaign
 * file) throw instead of ending ldfi with exit 0 and no report. The error names the caller's file,
 * line and column; it reaches whatever ran the user's code: a handler's error (a finding), an
 * invariant's unknown, or a module that cannot be loaded (bad input). Calls from ldfi's own code and
 * from its dependencies go through. Installed once per thread, the first time a user module is opened.
 */
export function trapProcessExit(): void {
  if (installed) return;
  installed = true;
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    const caller = userCaller(new Error().stack ?? '');
    if (caller) throw new Error(`process.exit(${code ?? ''}) called at ${caller}: code under test must not end ldfi's process (throw, or let the run end)`);
    // No argument is not `undefined`: Node then exits with process.exitCode, which an explicit
    // undefined would reset to 0.
    return code === undefined ? exit() : exit(code as number);
  }) as typeof process.exit;
}

/** The first frame of the stack (after this module's own) in a file that is not ldfi's, as `file:line:column`. */
function userCaller(stack: string): string | undefined {
  for (const line of stack.split('\n').slice(2)) {
    const m = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    let file = m[1];
    if (file.startsWith('node:') || !/[\\/]/.test(file)) return undefined;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (OWN.some((dir) => file.startsWith(dir)) || file.includes(PACKAGE)) return undefined;
    const near = relative(process.cwd(), file);
    return `${near.startsWith('..') ? file : near}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
