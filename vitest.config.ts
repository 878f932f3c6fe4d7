import { defineConfig } from 'vitest/config';
import { resolvePython } from './scripts/python-path.ts';

resolvePython();

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
