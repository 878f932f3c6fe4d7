import { execFileSync } from 'node:child_process';

/**
 * Sets `$PYTHON` to the interpreter `python3` resolves to, when it is not set: the tcp examples start
 * their Python stages with `$PYTHON` (the system.ts of each tcp example), and behind a version manager's shim
 * (pyenv) every start costs ~0.3 s more, several starts a run. For the test suite and the bench;
 * without python3 it leaves `$PYTHON` unset, and what needs Python says so itself.
 */
export function resolvePython(): void {
  if (process.env.PYTHON) return;
  try {
    process.env.PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  } catch {
    // left to what needs it
  }
}
