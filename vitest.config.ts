import { execFileSync } from 'node:child_process';
import { defineConfig } from 'vitest/config';

// The tcp examples start their Python stages with $PYTHON (examples/tcp/*/system.ts). Behind a version
// manager's shim (pyenv) every start costs ~0.3 s more, several times per run: the suite resolves the
// interpreter once. Without python3 the tcp tests say so themselves.
if (!process.env.PYTHON) {
  try {
    process.env.PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  } catch {
    // left to the tests that need it
  }
}

// Hang guards, not speed checks: a loaded machine sets LDFI_TEST_SLOWNESS (test/helpers/time.ts).
const slowness = Math.max(1, Number(process.env.LDFI_TEST_SLOWNESS) || 1);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fails the run if a process, a listening socket or a temporary directory outlives the suite.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 180_000 * slowness,
    hookTimeout: 180_000 * slowness,
    // Each worker starts its own Z3; two match the two cores CI has.
    maxWorkers: 2,
  },
});
