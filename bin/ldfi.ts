/**
 * The `ldfi` command: the program (bin/program.ts) run once, with the process-level handlers that keep
 * exit codes honest — anything thrown outside the main promise chain ends with exit 3 (or 2 when it is
 * the user's code), and exit 1 only ever means a counterexample.
 * Exit codes: 0 no counterexample, 1 counterexample, 2 bad input or usage, 3 internal error, 4 a
 * replayed run that could not be checked.
 */
import { fileURLToPath } from 'node:url';
import { errorText } from '../src/model/errors.ts';
import { EXIT, exitIsCounterexample } from './cli-common.ts';
import { loadedActions, main } from './program.ts';

/**
 * Where in the user's own code an error was thrown (a protocol, a system's config): the first stack
 * frame outside ldfi and Node, as file:line:column; undefined when none is the user's.
 */
function userFrame(e: unknown): string | undefined {
  const own = fileURLToPath(new URL('..', import.meta.url));
  for (const line of ((e as Error)?.stack ?? '').split('\n')) {
    const at = /^\s*at (?:.*? \()?(.*?)\)?$/.exec(line)?.[1];
    if (!at || at.startsWith('node:') || at.startsWith('evalmachine')) continue;
    let file: string;
    let position = '';
    if (at.startsWith('data:')) {
      // A module tsx compiled to CommonJS: its file is the filePath parameter (positions are of the compiled code).
      const param = /[?&]filePath=([^&:)]+)/.exec(at)?.[1];
      if (!param) continue;
      file = decodeURIComponent(param).replace(/\?.*$/, '');
    } else {
      const m = /^(.*?)(?:\?[^:]*)?:(\d+):(\d+)$/.exec(at);
      if (!m) continue;
      file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
      position = `:${m[2]}:${m[3]}`;
    }
    if (!file.startsWith('/') || file.startsWith(own) || file.includes('/node_modules/')) continue;
    return `${file}${position}`;
  }
  return undefined;
}

function lastResort(e: unknown): void {
  const message = errorText(e);
  // The user's code threw outside any run (a real timer, a promise nobody awaited): that is the
  // protocol's doing, not ldfi's, and the runs cannot be attributed it. Bad input: exit 2.
  const where = userFrame(e);
  if (where) {
    process.stderr.write(`ldfi: error: ${where}: ${message} — thrown after the handler that started it returned (a real timer or a promise nobody awaited); a handler must finish its work before it returns: use ctx.setTimer for time\n`);
    process.exit(EXIT.usage);
  }
  process.stderr.write(`ldfi: internal error: ${message}\n`);
  if (process.env.LDFI_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
  loadedActions()?.reportPartial(message);
  process.exit(EXIT.internal);
}

// The reader of the output went away (`ldfi check f | head -1`): nothing more can be said; not an
// internal error. The exit code is what was decided so far.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    lastResort(e);
  });
}
process.on('uncaughtException', lastResort);
process.on('unhandledRejection', lastResort);
// Node (and Emscripten's abort) exit with 1 on their own; 1 is the code of a counterexample.
process.on('exit', (code) => {
  if (code === EXIT.counterexample && !exitIsCounterexample()) process.exitCode = EXIT.internal;
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Done: exit after a short grace rather than when the event loop has drained. After a long search of
// real processes (hundreds of runs with restarts and reset connections) Node's teardown was once seen
// spinning for minutes on a handle left behind, after the verdict and reports were out (reports are
// written synchronously, and stdout and stderr are synchronous on Linux, so nothing is cut off). The
// grace lets a protocol's late throw (a timer it set, a promise it rejected) still land on the
// handlers above, which make it bad input: timers fire in the order they are due.
setTimeout(() => process.exit(code), 100);
