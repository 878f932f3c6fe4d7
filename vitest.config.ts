import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fails the run if a process, a listening socket or a temporary directory outlives the suite.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each worker starts its own Z3; two match the two cores CI has.
    maxWorkers: 2,
  },
});
